"""Answer checks that do not reveal the expected answer.

A *fingerprint* of an array stores its shape, its kind (boolean or numeric)
and salted hashes of a few dimensionless features: the logarithm of its
Euclidean norm and ``N_PROJECTIONS`` projections on fixed pseudo-random
vectors divided by that norm. Each feature is hashed after rounding it on a
grid of step ``QUANTUM``; the grid offset (0 or half a step) is chosen when the
fingerprint is made so that the expected value lies at least a quarter step
from the cell edges. Consequences:

* a value whose features differ from the expected ones by less than
  ``QUANTUM / 4`` (about 2.4e-7 relative to the norm) always passes: a
  vectorised implementation that only sums in another order passes;
* a difference of ``QUANTUM`` or more always fails: changing the element of
  largest magnitude by 1e-3 * max|x| fails for every array of fewer than
  about 270,000 elements, because every projection weight is at least 0.5;
* the release holds hashes only, so the expected numbers cannot be read off
  it (a single scalar could still be brute-forced; the hidden tests and the
  instructor's regrading are what guard the grade).

Accepted inputs (anything else fails with a message saying what to return):
exactly ``int``, ``float``, ``bool``, NumPy scalars, and arrays whose type is
exactly ``numpy.ndarray``. Subclasses and objects with their own comparison
operators are rejected, so a value cannot lie about being equal.

Nothing here writes to stderr: numeric warnings are silenced.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import warnings

import numpy as np

FORMAT = "fp1"
N_PROJECTIONS = 4
QUANTUM = 2.0 ** -20
_HASH_CHARS = 10
_MASK64 = (1 << 64) - 1

_PY_SCALARS = (int, float, bool)
_NP_SCALARS = frozenset(
    np.dtype(code).type
    for code in np.typecodes["AllInteger"] + np.typecodes["AllFloat"] + "?"
) - {np.complex64, np.complex128, np.clongdouble}


class CheckFailed(AssertionError):
    """A check did not pass; the message (Spanish) says why, without the answer."""


def _kind_group(dtype: np.dtype) -> str:
    """'b' for booleans, 'n' for integer or real numbers."""
    if dtype.kind == "b":
        return "b"
    if dtype.kind in "iuf":
        return "n"
    raise CheckFailed(
        f"el resultado tiene dtype {dtype}; se esperaban números reales o booleanos"
    )


def as_checked_array(value, what: str = "el resultado") -> np.ndarray:
    """Return ``value`` as an ndarray after enforcing the accepted types.

    The dtype kind is read before any conversion; the caller converts to
    float64 where it needs to.
    """
    kind = type(value)
    if kind is np.ndarray:
        array = value
    elif kind in _PY_SCALARS or kind in _NP_SCALARS:
        array = np.asarray(value)
    else:
        raise CheckFailed(
            f"{what} es de tipo {kind.__module__}.{kind.__qualname__}; "
            "se esperaba un número (int, float, escalar de NumPy) o un numpy.ndarray"
        )
    _kind_group(array.dtype)
    return array


def _weights(n: int, k: int) -> np.ndarray:
    """Projection vector k for n elements: |w| in [0.5, 1.5), random signs.

    Built with the splitmix64 integer hash so that it never depends on
    NumPy's random generators (whose streams may change between versions).
    """
    z = np.arange(n, dtype=np.uint64) + np.uint64(((k + 1) * 0x9E3779B97F4A7C15) & _MASK64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    magnitude = 0.5 + (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    sign = np.where((z & np.uint64(1)) == 1, -1.0, 1.0)
    return sign * magnitude


def _features(array: np.ndarray) -> list[float] | None:
    """Dimensionless features of an array, or None when it is all zeros."""
    x = np.asarray(array, dtype=np.float64).ravel()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not np.all(np.isfinite(x)):
            raise CheckFailed("el resultado contiene NaN o infinitos")
        scale = float(np.max(np.abs(x))) if x.size else 0.0
        if scale == 0.0:
            return None
        y = x / scale  # avoids overflow in the norm of huge values
        norm = float(np.linalg.norm(y))
        features = [math.log(scale) + math.log(norm)]
        for k in range(N_PROJECTIONS):
            features.append(float(np.dot(y, _weights(y.size, k))) / norm)
    return features


def _shape_text(shape: tuple) -> str:
    return "x".join(str(d) for d in shape)


def _cell_hash(label: str, j: int, feature: float, offset: int) -> str:
    cell = math.floor(feature / QUANTUM - 0.5 * offset)
    text = f"{label}|{j}|{offset}|{cell}"
    return hashlib.sha256(text.encode()).hexdigest()[:_HASH_CHARS]


def fingerprint(value) -> str:
    """The fingerprint string of an array or number (used to write the checks)."""
    array = as_checked_array(value)
    group = _kind_group(array.dtype)
    shape = _shape_text(array.shape)
    label = f"{shape}|{group}"
    features = _features(array)
    if features is None:
        body = "0"
    else:
        parts = []
        for j, feature in enumerate(features):
            frac = feature / QUANTUM - math.floor(feature / QUANTUM)
            offset = 0 if 0.25 <= frac <= 0.75 else 1
            parts.append(str(offset) + _cell_hash(label, j, feature, offset))
        body = ".".join(parts)
    return f"{FORMAT}:{shape}:{group}:{body}"


def _parse(fp: str):
    try:
        fmt, shape, group, body = fp.split(":")
    except ValueError:
        raise ValueError(f"huella mal formada: {fp!r}") from None
    if fmt != FORMAT:
        raise ValueError(f"formato de huella desconocido: {fmt!r}")
    dims = tuple(int(d) for d in shape.split("x")) if shape else ()
    return dims, group, body


def check_array(value, expected: str, name: str = "el resultado") -> None:
    """Raise CheckFailed unless ``value`` matches the fingerprint ``expected``."""
    array = as_checked_array(value, name)
    dims, group, body = _parse(expected)
    if array.shape != dims:
        raise CheckFailed(f"{name} tiene forma {array.shape}; se esperaba {dims}")
    got_group = _kind_group(array.dtype)
    if got_group != group:
        wanted = "booleano (True/False)" if group == "b" else "numérico"
        raise CheckFailed(f"{name} tiene dtype {array.dtype}; se esperaba un array {wanted}")
    features = _features(array)
    if body == "0" or features is None:
        if (body == "0") != (features is None):
            raise CheckFailed(
                f"{name} es todo ceros y no debería serlo" if features is None
                else f"{name} debería ser todo ceros"
            )
        return
    label = f"{_shape_text(dims)}|{group}"
    stored = body.split(".")
    if len(stored) != len(features):
        raise ValueError("huella mal formada: número de rasgos")
    for j, (part, feature) in enumerate(zip(stored, features)):
        if _cell_hash(label, j, feature, int(part[0])) != part[1:]:
            if j == 0:
                raise CheckFailed(
                    f"la magnitud de {name} no coincide con la esperada "
                    "(¿falta o sobra una suma, una división o un término?)"
                )
            raise CheckFailed(
                f"los valores de {name} no coinciden con los esperados, aunque su magnitud "
                "total sí: revise índices, ventanas, el orden de los ejes o el stride"
            )


def check_scalar(value, expected: str, name: str = "el resultado") -> None:
    """Like check_array for a single number; a one-element array is refused."""
    kind = type(value)
    if kind is np.ndarray and value.ndim > 0:
        hint = " Use .item() o np.squeeze(...) para obtener el número." if value.size == 1 else ""
        raise CheckFailed(
            f"{name} es un array de forma {value.shape}; se esperaba un solo número.{hint}"
        )
    check_array(value, expected, name)


def string_fingerprint(text: str) -> str:
    """Fingerprint of an exact string (used to write the checks)."""
    if type(text) is not str:
        raise CheckFailed(f"se esperaba un str, no {type(text).__name__}")
    return "str1:" + hashlib.sha256(("str1|" + text).encode()).hexdigest()[:16]


def check_str(value, expected: str, name: str = "el resultado") -> None:
    """Raise CheckFailed unless ``value`` is exactly the expected string."""
    if string_fingerprint(value) != expected:
        raise CheckFailed(f"{name} no es el texto esperado")


class Prerequisites:
    """The earlier functions a check goes through, named when the check fails because of one.

    ``steps`` are ``(function name, exercise number, compute, fingerprint)`` in the order
    the check uses them; ``compute(values)`` gets the values of the earlier steps by
    function name. Nothing runs unless the check fails: then, inside its ``marks``
    block (so warnings are still caught), the steps run once, in order, and the first
    wrong one replaces the check's reason with the exercise to fix first. A check never
    loses or gains points through this, it only says where the error is.
    """

    def __init__(self, *steps):
        self.steps = steps
        self._reason = None

    def reason(self) -> str:
        """Why the first wrong earlier function is wrong ("" when all are right)."""
        if self._reason is None:
            self._reason = ""
            values = {}
            for function, exercise, compute, expected in self.steps:
                try:
                    values[function] = compute(values)
                    check_array(values[function], expected, function)
                except NotImplementedError:
                    self._reason = (f"{function} aún no está implementada: "
                                    f"complete primero el ejercicio {exercise}")
                    break
                except Exception:  # noqa: BLE001 - a wrong earlier function, whatever it raised
                    self._reason = (f"{function} da un resultado incorrecto en este caso: "
                                    f"corrija primero el ejercicio {exercise}")
                    break
        return self._reason

    @contextlib.contextmanager
    def explain(self):
        """Let a failure through, with the earlier exercise to fix as its reason when there is one."""
        try:
            yield
        except Exception:  # noqa: BLE001 - re-raised unless an earlier function explains it
            reason = self.reason()
            if reason:
                raise CheckFailed(reason) from None
            raise
