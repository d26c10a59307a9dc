"""Choosing fast layers for the training run, and swapping them in for a while.

The training run of Exercise 8 calls ``conv_forward``, ``pool_forward``,
``conv_backward`` and ``pool_backward`` by name. When the student's
vectorised versions (the bonus exercise) give the same results as the loop
versions, the run uses them and finishes in seconds; otherwise it keeps the
loop versions and trains on a small subset.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

LAYER_NAMES = ("conv_forward", "conv_backward", "pool_forward", "pool_backward")


def _problem(seed: int = 7):
    rs = np.random.RandomState(seed)
    A = rs.randn(2, 6, 5, 3)
    W = rs.randn(3, 3, 3, 4)
    b = rs.randn(1, 1, 1, 4)
    return rs, A, W, b


def _outputs(layers: dict) -> list[np.ndarray]:
    """Results of the four layers on small fixed problems (stride 1 and 2, both pool modes)."""
    rs, A, W, b = _problem()
    out = []
    for hp in ({"stride": 1, "pad": 2}, {"stride": 2, "pad": 1}):
        Z, cache = layers["conv_forward"](A, W, b, dict(hp))
        out.append(np.asarray(Z))
        dZ = np.random.RandomState(1).randn(*np.shape(Z))
        out.extend(np.asarray(g) for g in layers["conv_backward"](dZ, cache))
    pool_input = rs.permutation(2 * 6 * 5 * 3).reshape(2, 6, 5, 3) / 10.0
    for hp in ({"f": 2, "stride": 2}, {"f": 3, "stride": 1}):
        for mode in ("max", "average"):
            P, cache = layers["pool_forward"](pool_input, dict(hp), mode=mode)
            out.append(np.asarray(P))
            dP = np.random.RandomState(2).randn(*np.shape(P))
            out.append(np.asarray(layers["pool_backward"](dP, cache, mode=mode)))
    return out


def layers_agree(reference: dict, candidate: dict, rtol: float = 1e-9) -> tuple[bool, str]:
    """(True, "") when ``candidate`` layers give ``reference``'s results, else (False, why)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            expected = _outputs(reference)
            got = _outputs(candidate)
    except NotImplementedError:
        return False, "las capas vectorizadas aún no están implementadas"
    except Exception as exc:  # student code: any failure means "do not use them"
        return False, f"una capa lanzó {type(exc).__name__}: {exc}"
    for e, g in zip(expected, got):
        if e.shape != g.shape:
            return False, f"forma {g.shape} en lugar de {e.shape}"
        scale = max(float(np.max(np.abs(e))), 1e-12)
        if not np.all(np.abs(e - g) <= rtol * scale):
            return False, "los resultados no coinciden con los de las versiones con bucles"
    return True, ""


@contextlib.contextmanager
def use_layers(namespace: dict, layers: dict):
    """Bind ``layers`` under their names in ``namespace`` (a notebook's globals) for a while."""
    saved = {name: namespace.get(name) for name in layers}
    namespace.update(layers)
    try:
        yield
    finally:
        namespace.update(saved)


def minibatches(m: int, size: int, rng: np.random.RandomState):
    """Index arrays of a shuffled pass over ``m`` examples, ``size`` at a time."""
    order = rng.permutation(m)
    for start in range(0, m, size):
        yield order[start:start + size]
