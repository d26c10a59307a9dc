"""Numeric gradients by central differences, to check backward passes."""

from __future__ import annotations

import numpy as np


def sample_indices(shape: tuple, count: int, seed: int = 0) -> list[tuple]:
    """``count`` distinct multi-indices of an array of ``shape`` (all of them if fewer)."""
    size = int(np.prod(shape))
    rng = np.random.default_rng(seed)
    flat = rng.choice(size, size=min(count, size), replace=False)
    return [tuple(int(i) for i in np.unravel_index(k, shape)) for k in sorted(flat)]


def numeric_gradient(f, x: np.ndarray, indices, h: float = 1e-5) -> np.ndarray:
    """d f(x) / d x[i] for each multi-index i, by central differences.

    ``f`` maps the array ``x`` (changed in place and restored) to a scalar.
    Returns a 1-D array in the order of ``indices``.
    """
    grads = []
    for index in indices:
        old = x[index]
        x[index] = old + h
        up = float(f(x))
        x[index] = old - h
        down = float(f(x))
        x[index] = old
        grads.append((up - down) / (2 * h))
    return np.asarray(grads)


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||), Euclidean norms; 0 means identical, 1 unrelated."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator > 0 else 0.0
