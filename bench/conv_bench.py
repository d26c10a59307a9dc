"""Naive loops vs vectorised NumPy vs PyTorch for the lab's convolution and pooling.

Run from the repository root:

    scripts/in-venv python bench/conv_bench.py [--naive-images 32]

Everything is measured side by side in this one run and reported as ratios:

* naive / vectorised, forward and backward, on the Exercise 3 test shape and on
  the first ``--naive-images`` photos of the training batch (the loops are too
  slow for all 560);
* vectorised / ``torch.nn.functional.conv2d`` (autograd for the backward) on the
  whole 560x16x16x3 training batch, float64 against float64, then float32;
* one training epoch (560 photos, mini-batches of 32) with the loop layers
  (estimated from ``--naive-images`` photos), with the vectorised layers, and
  with the same network in PyTorch.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnlab.data import load_dataset  # noqa: E402
from coursetools import reference  # noqa: E402


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def layer_ratios(ns, A, W, b, hp, label, repeat_naive=1):
    Z, cache = ns["conv_forward_vec"](A, W, b, hp)
    dZ = np.random.RandomState(0).randn(*Z.shape)
    t_naive_f = best(lambda: ns["conv_forward"](A, W, b, hp), repeat_naive)
    t_vec_f = best(lambda: ns["conv_forward_vec"](A, W, b, hp))
    t_naive_b = best(lambda: ns["conv_backward"](dZ, cache), repeat_naive)
    t_vec_b = best(lambda: ns["conv_backward_vec"](dZ, cache))
    print(f"  {label:<40} forward  naive {t_naive_f * 1e3:9.1f} ms  vectorised {t_vec_f * 1e3:7.2f} ms"
          f"  ratio {t_naive_f / t_vec_f:6.0f}x")
    print(f"  {'':<40} backward naive {t_naive_b * 1e3:9.1f} ms  vectorised {t_vec_b * 1e3:7.2f} ms"
          f"  ratio {t_naive_b / t_vec_b:6.0f}x")


def torch_ratios(ns, A, W, b, hp, dtype_name):
    import torch
    import torch.nn.functional as F

    np_dtype = np.float64 if dtype_name == "float64" else np.float32
    t_dtype = torch.float64 if dtype_name == "float64" else torch.float32
    A, W, b = A.astype(np_dtype), W.astype(np_dtype), b.astype(np_dtype)
    Z, cache = ns["conv_forward_vec"](A, W, b, hp)
    dZ = np.random.RandomState(0).randn(*Z.shape).astype(np_dtype)
    x = torch.from_numpy(A).permute(0, 3, 1, 2).contiguous()
    w = torch.from_numpy(W).permute(3, 2, 0, 1).contiguous()
    bias = torch.from_numpy(b.reshape(-1)).clone()
    gz = torch.from_numpy(dZ).permute(0, 3, 1, 2).contiguous()

    def torch_forward():
        with torch.no_grad():
            return F.conv2d(x, w, bias, stride=hp["stride"], padding=hp["pad"])

    def torch_backward():
        xi = x.detach().requires_grad_(True)
        wi = w.detach().requires_grad_(True)
        bi = bias.detach().requires_grad_(True)
        out = F.conv2d(xi, wi, bi, stride=hp["stride"], padding=hp["pad"])
        return torch.autograd.grad(out, (xi, wi, bi), gz)

    out = torch_forward().permute(0, 2, 3, 1).numpy()
    assert np.allclose(out, Z, rtol=1e-4 if dtype_name == "float32" else 1e-10, atol=1e-4)
    t_vec_f = best(lambda: ns["conv_forward_vec"](A, W, b, hp), 5)
    t_vec_b = best(lambda: ns["conv_backward_vec"](dZ, cache), 5)
    t_torch_f = best(torch_forward, 5)
    t_torch_b = best(torch_backward, 5)
    print(f"  {dtype_name}  forward  vectorised {t_vec_f * 1e3:7.2f} ms  torch {t_torch_f * 1e3:7.2f} ms"
          f"  vectorised/torch {t_vec_f / t_torch_f:5.2f}x")
    print(f"  {dtype_name}  backward vectorised {t_vec_b * 1e3:7.2f} ms  torch {t_torch_b * 1e3:7.2f} ms"
          f"  vectorised/torch {t_vec_b / t_torch_b:5.2f}x")
    return t_vec_f / t_torch_f, t_vec_b / t_torch_b


def numpy_epoch(ns, layers, X, labels, images):
    """Seconds for one pass over X[:images] with mini-batches of 32, with the given layers."""
    for name, fn in layers.items():
        ns[name] = fn
    np.random.seed(2023)
    params = ns["initialize_parameters"](16, 16, 3)
    Y = ns["one_hot_encode"](labels, 2)
    start = time.perf_counter()
    for first in range(0, images, 32):
        idx = slice(first, min(first + 32, images))
        A, caches = ns["simple_cnn_model"](X[idx], params)
        params = ns["update_parameters"](params, ns["backward_propagation"](A, Y[idx], caches), 0.05)
    return time.perf_counter() - start


def torch_epoch(X, labels, dtype):
    import torch
    from torch import nn

    torch.manual_seed(2023)
    model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(1296, 2)).to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    x_all = torch.from_numpy(X).permute(0, 3, 1, 2).to(dtype)
    y_all = torch.from_numpy(labels)
    start = time.perf_counter()
    for first in range(0, len(X), 32):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x_all[first:first + 32]), y_all[first:first + 32])
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-images", type=int, default=32)
    args = parser.parse_args()

    ns = reference.part1_namespace()
    X_train, y_train, _, _ = load_dataset(size=(16, 16))
    X = X_train / 255.0
    rs = np.random.RandomState(2023)
    W_train, b_train = rs.randn(3, 3, 3, 16) * 0.1, rs.randn(1, 1, 1, 16) * 0.1
    hp_train = {"stride": 1, "pad": 2}

    import torch
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads)")
    print("\nnaive loops / vectorised NumPy (float64, same inputs):")
    np.random.seed(2023)
    A3, W3, b3 = np.random.randn(10, 7, 7, 5), np.random.randn(3, 3, 5, 8), np.random.randn(1, 1, 1, 8)
    layer_ratios(ns, A3, W3, b3, {"stride": 1, "pad": 1}, "Exercise 3 test shape 10x7x7x5")
    n = args.naive_images
    layer_ratios(ns, X[:n], W_train, b_train, hp_train, f"training photos {n}x16x16x3, 16 filters")

    print("\nvectorised NumPy / PyTorch on the whole training batch 560x16x16x3, 16 filters:")
    ratios64 = torch_ratios(ns, X, W_train, b_train, hp_train, "float64")
    torch_ratios(ns, X, W_train, b_train, hp_train, "float32")

    print("\none training epoch (560 photos, mini-batches of 32, float64):")
    loops = {k: ns[k] for k in ("conv_forward", "conv_backward", "pool_forward", "pool_backward")}
    fast = {k: ns[k + "_vec"] for k in loops}
    t_naive = numpy_epoch(ns, loops, X, y_train, n) * len(X) / n
    t_fast = numpy_epoch(ns, fast, X, y_train, len(X))
    t_torch = torch_epoch(X, y_train, torch.float64)
    print(f"  naive loops      {t_naive:8.2f} s  (estimated from {n} photos)")
    print(f"  vectorised NumPy {t_fast:8.2f} s")
    print(f"  PyTorch          {t_torch:8.2f} s")
    print(f"  naive/vectorised {t_naive / t_fast:6.0f}x   vectorised/torch {t_fast / t_torch:5.2f}x")
    target = 3.0
    verdict = "meets" if max(ratios64) <= target else "misses"
    print(f"\ntarget: vectorised within {target:.0f}x of torch at float64 on the training batch: "
          f"{verdict} (forward {ratios64[0]:.2f}x, backward {ratios64[1]:.2f}x)")


if __name__ == "__main__":
    main()
