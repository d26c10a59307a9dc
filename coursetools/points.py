"""What the notebooks offer, read from ``source/``: automatic, written and bonus points.

Extra credit: which grade cells are bonus and what each is worth.

A bonus cell (``tipo="bonus" puntos=N`` in the text twin) is an nbgrader grade
cell worth 0 points, so no total's maximum counts it; its N points live in the
source notebook's cell metadata (``lab2.bonus``) and what a student earns there
is recorded as nbgrader's ``extra_credit`` of that cell (``RecordBonus`` from the
kernel, then ``TrustedVerdict`` from the trusted side).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from . import paths

KEY = "lab2"  # the cell metadata key this course adds beside nbgrader's


def _read(source: Path) -> dict[str, float]:
    nb = nbformat.read(source, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: float(c.metadata[KEY]["bonus"])
            for c in nb.cells if "bonus" in c.metadata.get(KEY, {})}


@lru_cache(maxsize=16)
def _cached(source: str, mtime: float) -> dict[str, float]:
    return _read(Path(source))


def bonus_cells(course: Path, notebooks=None) -> dict[str, float]:
    """{grade_id: bonus points} of the source notebooks of ``course`` (all of them by default)."""
    found = {}
    for name in notebooks or paths.NOTEBOOKS:
        source = course / "source" / paths.ASSIGNMENT / f"{name}.ipynb"
        if source.exists():
            found.update(_cached(str(source), source.stat().st_mtime))
    return found


@dataclass(frozen=True)
class Offer:
    """Points one notebook offers: ``automatic`` (test cells), ``written`` (answers graded by
    hand in formgrader) and ``bonus`` (extra credit, outside the maximum ``required``)."""

    automatic: float
    written: float
    bonus: float

    @property
    def required(self) -> float:
        return self.automatic + self.written


def offered(course: Path = paths.ROOT) -> dict[str, Offer]:
    """{notebook: Offer} of the source notebooks of ``course``."""
    out = {}
    for name in paths.NOTEBOOKS:
        nb = nbformat.read(course / "source" / paths.ASSIGNMENT / f"{name}.ipynb", as_version=4)
        automatic = written = extra = 0.0
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade"):
                continue
            if "bonus" in cell.metadata.get(KEY, {}):
                extra += float(cell.metadata[KEY]["bonus"])
            elif cell.cell_type == "code":
                automatic += float(meta["points"])
            else:
                written += float(meta["points"])
        out[name] = Offer(automatic, written, extra)
    return out
