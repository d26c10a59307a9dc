"""Accuracy and training time of Part 2's reference model on the bundled photos.

Run from the repository root:

    scripts/in-venv python bench/part2_reference.py [--seeds 0 1 2] [--epochs N] [--final-only]

It follows the notebook's protocol (Exercise 6 of
``source/lab2/parte2_pytorch.ipynb``, with the instructor's solutions), once
per seed:

1. the validation run, ``run_experiment(final=False)``: trains on 80 % of the
   560 training photos (``split_train_val``, fixed split seed) and measures the
   validation photos and a fixed sample of training photos after every epoch
   (both in eval mode, no augmentation, no label smoothing); skipped with
   ``--final-only``;
2. the final run, ``run_experiment(final=True)``: the same recipe on all 560
   photos, then the 140 test photos evaluated once.

It prints the last-epoch validation accuracy, the test accuracy and the wall
time of each run, then the mean test accuracy. Target: a mean test accuracy of
at least 75 % with at most 3 minutes per training run on 2 cores. With
``--figure PATH`` it draws the validation curves of every seed (the README's
figure, ``docs/part2_reference.png``); with ``--docs DIR`` it saves the
notebook's figures of the first seed (curves, first-layer filters, feature
maps) as PNGs in DIR (``docs/figuras``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnlab import figures  # noqa: E402
from coursetools import reference  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=None, help="default: the notebook's")
    parser.add_argument("--final-only", action="store_true", help="skip the validation runs")
    parser.add_argument("--figure", type=Path, default=None, help="PNG of the validation curves per seed")
    parser.add_argument("--docs", type=Path, default=None, help="folder for the notebook's figures (first seed)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's, 2 here); other counts give other numbers")
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import torch

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    ns = reference.part2_namespace()
    kwargs = {} if args.epochs is None else {"epochs": args.epochs}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"image size {ns['TAMANO_EXPERIMENTO']} (evaluated at {ns['TAMANO_EVALUACION']}), epochs {kwargs.get('epochs', ns['EPOCAS'])}, "
          f"validation fraction {ns['FRACCION_VALIDACION']}", flush=True)
    accuracies, histories = [], []
    longest = 0.0
    for seed in args.seeds:
        line = f"  seed {seed}:"
        if not args.final_only:
            start = time.perf_counter()
            model, history, _ = ns["run_experiment"](seed=seed, progress=False, **kwargs)
            seconds = time.perf_counter() - start
            longest = max(longest, seconds)
            histories.append(history)
            line += (f" validation run {seconds:5.1f} s, val accuracy {100 * history['val_acc'][-1]:5.1f} % "
                     f"(train sample {100 * history['train_acc'][-1]:5.1f} %);")
            if args.docs is not None and seed == args.seeds[0]:
                save(args.docs / "parte2_curvas.png", figures.curves(
                    history, labels=("entrenamiento (muestra fija, modo eval)", "validación"), extra="epoch_loss",
                    extra_label="pérdida de la época (modo train, con aumento y suavizado)"))
        start = time.perf_counter()
        final, _, loaders = ns["run_experiment"](seed=seed, progress=False, final=True, **kwargs)
        seconds = time.perf_counter() - start
        longest = max(longest, seconds)
        _, test_acc = ns["evaluate"](final, loaders["prueba"], torch.nn.CrossEntropyLoss())
        accuracies.append(100 * test_acc)
        print(f"{line} final run {seconds:5.1f} s, test accuracy {accuracies[-1]:5.1f} %", flush=True)
        if args.docs is not None and seed == args.seeds[0]:
            docs_figures(ns, final, args.docs)
    mean = sum(accuracies) / len(accuracies)
    print(f"mean test accuracy {mean:.1f} % over {len(accuracies)} seeds; "
          f"longest run {longest:.0f} s (target: mean >= 75 %, each run <= 180 s)")
    if args.figure is not None and histories:
        draw(args.figure, args.seeds, histories, accuracies)


def save(path: Path, fig) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"figure: {path}", flush=True)


def docs_figures(ns: dict, model, folder: Path) -> None:
    """The notebook's first-layer filters and feature maps of ``model``, as PNGs."""
    import os

    import torch

    conv = next(m for m in model.modules() if isinstance(m, torch.nn.Conv2d))  # as the notebook
    save(folder / "parte2_filtros.png", figures.filters(conv.weight))
    photo, _ = ns["datasets"].ImageFolder(os.path.join(ns["DATA_DIR"], "train"),
                                          ns["make_transforms"](False, ns["TAMANO_EVALUACION"]))[300]
    captured = {}
    hook = conv.register_forward_hook(lambda layer, inputs, output: captured.update(maps=output.detach()[0]))
    model.eval()
    with torch.no_grad():
        model(photo[None].to(memory_format=torch.channels_last))
    hook.remove()
    save(folder / "parte2_mapas.png",
         figures.feature_maps(photo.permute(1, 2, 0).numpy() * 0.5 + 0.5, captured["maps"]))


def draw(path: Path, seeds, histories, accuracies) -> None:
    """Validation (and train-sample) accuracy per epoch of every seed's validation run, in one PNG."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for seed, history, test in zip(seeds, histories, accuracies):
        epochs = range(1, len(history["val_acc"]) + 1)
        line, = ax.plot(epochs, [100 * a for a in history["val_acc"]],
                        label=f"semilla {seed}: validación {100 * history['val_acc'][-1]:.1f} %, "
                              f"prueba (modelo final) {test:.1f} %")
        ax.plot(epochs, [100 * a for a in history["train_acc"]], color=line.get_color(), alpha=0.3, lw=1)
    ax.axhline(75, color="grey", ls="--", lw=1)
    ax.set_xlabel("época")
    ax.set_ylabel("exactitud (%)")
    ax.set_ylim(40, 100)
    ax.set_title("Modelo de referencia de la Parte 2: validación (trazo fuerte), muestra de\n"
                 f"entrenamiento (tenue); prueba media {sum(accuracies) / len(accuracies):.1f} %", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    save(path, fig)


if __name__ == "__main__":
    main()
