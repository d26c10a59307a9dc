"""Accuracy and training time of Part 2's reference model on the bundled photos.

Run from the repository root:

    scripts/in-venv python bench/part2_reference.py [--seeds 0 1 2] [--epochs N]

It runs the experiment cell of ``source/lab2/parte2_pytorch.ipynb``
(``run_experiment``) with the instructor's solutions, once per seed, on the
560 training photos, and reports the test accuracy on the 140 test photos and
the wall time of each run, then the mean. Target: a mean of at least 75 %
with at most 3 minutes of CPU training per run on 2 cores. With ``--figure
PATH`` it also draws the test accuracy per epoch of every seed (the README's
figure: ``docs/part2_reference.png``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coursetools import reference  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=None, help="default: the notebook's")
    parser.add_argument("--figure", type=Path, default=None, help="PNG of the test accuracy per epoch")
    args = parser.parse_args()

    import torch

    ns = reference.part2_namespace()
    kwargs = {} if args.epochs is None else {"epochs": args.epochs}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"image size {ns['TAMANO_EXPERIMENTO']}, epochs {kwargs.get('epochs', ns['EPOCAS'])}")
    accuracies, times, histories = [], [], []
    for seed in args.seeds:
        start = time.perf_counter()
        _, history, _ = ns["run_experiment"](seed=seed, progress=False, **kwargs)
        times.append(time.perf_counter() - start)
        histories.append(history)
        accuracies.append(100 * history["test_acc"][-1])
        print(f"  seed {seed}: test accuracy {accuracies[-1]:5.1f} %  "
              f"(train {100 * history['train_acc'][-1]:5.1f} %)  time {times[-1]:6.1f} s", flush=True)
    mean = sum(accuracies) / len(accuracies)
    print(f"mean test accuracy {mean:.1f} % over {len(accuracies)} seeds; "
          f"longest run {max(times):.0f} s (target: mean >= 75 %, each run <= 180 s)")
    if args.figure is not None:
        draw(args.figure, args.seeds, histories, mean)


def draw(path: Path, seeds, histories, mean) -> None:
    """Test (and train) accuracy per epoch of every seed's run, in one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for seed, history in zip(seeds, histories):
        epochs = range(1, len(history["test_acc"]) + 1)
        line, = ax.plot(epochs, [100 * a for a in history["test_acc"]],
                        label=f"semilla {seed}: {100 * history['test_acc'][-1]:.1f} %")
        ax.plot(epochs, [100 * a for a in history["train_acc"]], color=line.get_color(), alpha=0.3, lw=1)
    ax.axhline(75, color="grey", ls="--", lw=1)
    ax.set_xlabel("época")
    ax.set_ylabel("precisión (%)")
    ax.set_ylim(40, 100)
    ax.set_title(f"Modelo de referencia de la Parte 2: prueba (trazo fuerte), entrenamiento (tenue); "
                 f"media {mean:.1f} %", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
