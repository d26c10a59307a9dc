"""Inline marks for notebook checks.

Usage in a test cell::

    with marks(5, "e3_Z", pista="Revise el stride."):
        check_array(Z, "fp1:...")
    puntos_de_la_celda()      # last expression: nbgrader reads it as the cell's score

Failure messages (``cnnlab.failures`` has them all, and the rule): when the
student's code raised, the reason points at the student's line, as IPython's
traceback would (``su código lanzó IndexError: … (Celda In[12], línea 9, en
conv_forward: Z[i, h, w, c] = …)``); a stub says ``todavía no implementó
conv_forward``. The ``pista`` is shown unless part of the student's code is
missing (a ``NotImplementedError`` or a ``NameError``).

``marks`` never raises: a failing check, or an exception from the student's
function, shows a red box with the reason and earns 0. Warnings and stderr
writes inside the block are caught and shown on stdout, because nbgrader
gives 0 to a test cell with any stderr output. Keys start with the exercise
(``e3_...``); ``resumen()`` groups by it.
"""

from __future__ import annotations

import contextlib
import html
import sys
import warnings
from dataclasses import dataclass

from . import failures


@dataclass
class Result:
    """Outcome of one ``marks`` block."""

    key: str
    earned: float
    available: float
    hidden: bool
    reason: str = ""
    bonus: bool = False

    @property
    def passed(self) -> bool:
        return not self.reason

    @property
    def exercise(self) -> str:
        return self.key.split("_", 1)[0]


BONUS_METADATA = "lab2_bonus"  # output metadata key of a bonus box: the points it earned
_latest: dict[str, Result] = {}
_cells: dict[object, list[Result]] = {}


def _cell_id():
    """The IPython execution count of the running cell (None outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there in Jupyter
        return None
    shell = get_ipython()
    return None if shell is None else shell.execution_count


def _number(x: float):
    return int(x) if float(x).is_integer() else float(x)


def _describe(exc: BaseException) -> str:
    return failures.describe(exc)


class _Box:
    """A rich output: HTML in Jupyter, plain text elsewhere (and in text/plain)."""

    def __init__(self, result: Result, hint: str, notes: list[str]):
        self.result, self.hint, self.notes = result, hint, notes

    def _lines(self) -> tuple[str, list[str]]:
        r = self.result
        tag = "prueba oculta " if r.hidden else ""
        unit = ("punto" if r.available == 1 else "puntos") + (" de bonus" if r.bonus else "")
        if r.passed:
            head = f"✓ {tag}[{_number(r.available)} {unit}]"
        elif r.available == 0:
            head = f"✗ {tag}[0 {unit}]"
        else:
            head = f"✗ {tag}[{_number(r.earned)}/{_number(r.available)} {unit}]"
        lines = []
        if r.reason:
            lines.append(f"Motivo: {r.reason}")
        if r.reason and self.hint:
            lines.append(f"Pista: {self.hint}")
        lines.extend(f"Aviso capturado: {n}" for n in self.notes)
        if not r.hidden:
            lines.append(f"Total visible hasta ahora: {_running_total()} "
                         "(las pruebas ocultas se califican al entregar)")
        return head, lines

    def __repr__(self) -> str:
        head, lines = self._lines()
        return "\n".join([head] + ["    " + line for line in lines])

    def _repr_html_(self) -> str:
        head, lines = self._lines()
        ok = self.result.passed
        color, background = ("#1b5e20", "#e8f5e9") if ok else ("#b71c1c", "#ffebee")
        body = "".join(f"<div style='font-size:0.9em'>{html.escape(x)}</div>" for x in lines)
        return (
            f"<div style='border-left:6px solid {color};background:{background};"
            f"padding:4px 10px;margin:4px 0;font-family:sans-serif'>"
            f"<b style='color:{color}'>{html.escape(head)}</b>{body}</div>"
        )


def _show(box: _Box) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        r = box.result
        # A bonus box says what it earned in its output's metadata: nbgrader records it as
        # the cell's extra credit (coursetools' RecordBonus), until the trusted verdict decides.
        display(box, metadata={BONUS_METADATA: _number(r.earned)} if r.bonus else None)
    else:
        print(repr(box))


class marks:
    """Context manager worth ``n`` points, recorded under ``key`` (``"e3_Z"``).

    ``bonus=True``: extra credit. Its points are shown beside the required ones and
    never count in the maximum; ``puntos_de_la_celda`` leaves them out (the trusted
    grader records them as nbgrader's extra credit).
    """

    def __init__(self, n: float, key: str, pista: str = "", oculta: bool = False,
                 bonus: bool = False):
        self.n, self.key, self.hint, self.hidden, self.bonus = n, key, pista, oculta, bonus

    def __enter__(self):
        self._warnings = warnings.catch_warnings(record=True)
        self._caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        self._stderr = contextlib.redirect_stderr(sys.stdout)
        self._stderr.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._stderr.__exit__(None, None, None)
        self._warnings.__exit__(None, None, None)
        if exc_type is not None and not issubclass(exc_type, Exception):
            return False  # KeyboardInterrupt and SystemExit go on
        notes = [f"{w.category.__name__}: {w.message}" for w in self._caught][:5]
        result = Result(
            key=self.key,
            earned=self.n if exc is None else 0,
            available=self.n,
            hidden=self.hidden,
            reason="" if exc is None else _describe(exc),
            bonus=self.bonus,
        )
        _latest[self.key] = result
        _cells.setdefault(_cell_id(), []).append(result)
        _show(_Box(result, self.hint if failures.hint_fits(exc) else "", notes))
        return True


_last_cell: list[Result] = []


def puntos_de_la_celda():
    """Points earned by the required ``marks`` blocks of the running cell (nbgrader's score).

    None (no output: nbgrader's score is then the cell's maximum, 0 for a bonus cell)
    when the cell holds only bonus blocks; their points are in ``ultima_celda()``.
    """
    results = _cells.pop(_cell_id(), [])
    _last_cell[:] = results
    required = [r for r in results if not r.bonus]
    if results and not required:
        return None
    return _number(sum(r.earned for r in required))


def ultima_celda() -> list[Result]:
    """The results that the last ``puntos_de_la_celda()`` call counted (bonus ones included)."""
    return list(_last_cell)


def visible_total(bonus: bool = False) -> tuple[float, float]:
    """(earned, available) over the visible required checks run so far (latest run of each);
    with ``bonus=True``, over the visible bonus checks instead."""
    visible = [r for r in _latest.values() if not r.hidden and r.bonus == bonus]
    return sum(r.earned for r in visible), sum(r.available for r in visible)


def _running_total() -> str:
    """"100/100" or "100/100, bonus 3/10": required points, then extra credit beside them."""
    earned, available = visible_total()
    text = f"{_number(earned)}/{_number(available)}"
    extra, extra_available = visible_total(bonus=True)
    if extra_available:
        text += f", bonus {_number(extra)}/{_number(extra_available)}"
    return text


def por_ejercicio(include_hidden: bool = False, bonus: bool = False) -> dict[str, tuple[float, float]]:
    """{exercise: (earned, available)} over the required checks run so far (the bonus
    checks instead with ``bonus=True``)."""
    table: dict[str, list[float]] = {}
    for r in _latest.values():
        if (r.hidden and not include_hidden) or r.available == 0 or r.bonus != bonus:
            continue
        row = table.setdefault(r.exercise, [0.0, 0.0])
        row[0] += r.earned
        row[1] += r.available
    return {k: (_number(v[0]), _number(v[1])) for k, v in sorted(table.items(), key=_order)}


def _order(item):
    key = item[0]
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits) if digits else 10**6, key)


def resumen(grafica: bool = True):
    """Print the visible marks per exercise (bonus apart) and draw them as a bar chart."""
    table = por_ejercicio()
    extra = por_ejercicio(bonus=True)
    print("Puntos de las pruebas visibles (las ocultas se califican al entregar):")
    for exercise, (e, a) in table.items():
        print(f"  Ejercicio {exercise.lstrip('e')}: {e}/{a}")
    for exercise, (e, a) in extra.items():
        print(f"  Ejercicio {exercise.lstrip('e')} (bonus, puntos extra): {e}/{a}")
    print(f"  Total visible: {_running_total()}")
    if grafica and (table or extra):
        import matplotlib.pyplot as plt

        names = [f"Ej. {k.lstrip('e')}" for k in table] + [f"Ej. {k.lstrip('e')} (bonus)" for k in extra]
        got = [v[0] for v in table.values()] + [v[0] for v in extra.values()]
        full = [v[1] for v in table.values()] + [v[1] for v in extra.values()]
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.2))
        ax.barh(names, full, color="#e0e0e0", label="disponibles")
        ax.barh(names, got, color="#2e7d32", label="obtenidos")
        ax.invert_yaxis()
        ax.set_xlabel("puntos")
        ax.set_title(f"Pruebas visibles: {_running_total()} puntos")
        ax.legend(loc="lower right")
        fig.tight_layout()
        plt.show()
    return table


def reiniciar() -> None:
    """Forget every recorded result (start of a notebook, or a test)."""
    _latest.clear()
    _cells.clear()
    _last_cell.clear()
