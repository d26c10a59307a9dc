"""Build the instructor notebooks from their text twins in ``notebooks/``.

A twin is a jupytext "percent" script. Its cell headers carry short metadata
that this module turns into nbgrader's:

* ``tipo="solucion" id="..."``: a solution cell (students write here);
* ``tipo="prueba" id="..." puntos=N``: an autograded test cell worth N points;
* ``tipo="bonus" id="..." puntos=N``: an autograded test cell worth N points of
  extra credit (0 for nbgrader, N in ``metadata.lab2.bonus``: see ``coursetools.bonus``);
* ``tipo="fijo" id="..."``: a read-only code cell;
* ``tipo="respuesta" id="..." puntos=N``: a manually graded answer (markdown);
* no ``tipo``: a plain markdown cell.

Cell ids are derived from the grade ids so that a rebuild is byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat

from . import paths, points

_KINDS = {
    "solucion": dict(solution=True, grade=False, locked=False),
    "prueba": dict(solution=False, grade=True, locked=True),
    "bonus": dict(solution=False, grade=True, locked=True),
    "fijo": dict(solution=False, grade=False, locked=True),
    "respuesta": dict(solution=True, grade=True, locked=False),
}


def _nbgrader_metadata(meta: dict, where: str) -> dict | None:
    """nbgrader's cell metadata for a header's ``tipo``/``id``/``puntos`` (None: plain markdown)."""
    kind = meta.pop("tipo", None)
    grade_id = meta.pop("id", None)
    points = meta.pop("puntos", None)
    if kind is None:
        if grade_id or points is not None:
            raise ValueError(f"{where}: 'id'/'puntos' without 'tipo'")
        return None
    if kind not in _KINDS or not grade_id:
        raise ValueError(f"{where}: tipo must be one of {sorted(_KINDS)} and id is required")
    nb = dict(_KINDS[kind], grade_id=grade_id, schema_version=3, task=False)
    if nb["grade"]:
        if points is None:
            raise ValueError(f"{where}: a graded cell needs puntos=N")
        nb["points"] = 0 if kind == "bonus" else points
    elif points is not None:
        raise ValueError(f"{where}: puntos only on graded cells")
    return dict(sorted(nb.items()))


def build(twin: Path) -> nbformat.NotebookNode:
    """The instructor notebook made from one text twin."""
    nb = jupytext.read(twin, fmt="py:percent")
    seen = set()
    for index, cell in enumerate(nb.cells):
        where = f"{twin.name} cell {index}"
        header = dict(cell.metadata)
        nbg = _nbgrader_metadata(dict(header), where)
        cell.metadata = {}
        if nbg is None:
            if cell.cell_type == "code":
                raise ValueError(f"{where}: code cells need a tipo")
            cell.id = f"md{index:03d}"
        else:
            if nbg["grade_id"] in seen:
                raise ValueError(f"{where}: duplicate id {nbg['grade_id']}")
            seen.add(nbg["grade_id"])
            cell.metadata["nbgrader"] = nbg
            if header.get("tipo") == "bonus":
                cell.metadata[points.KEY] = {"bonus": header["puntos"]}
            cell.id = nbg["grade_id"]
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb


def regions(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """(lines inside begin/end marker lines, lines outside), stripped; markers dropped.

    ``begin``/``end`` are nbgrader's delimiters, e.g. "BEGIN HIDDEN TESTS".
    """
    inside, lines, outside = False, [], []
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (lines if inside else outside).append(line.strip())
    return lines, outside


def text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def build_all(check: bool = False) -> list[Path]:
    """Write (or, with check=True, compare) every source notebook; return the stale ones."""
    stale = []
    for name in paths.NOTEBOOKS:
        target = paths.SOURCE / f"{name}.ipynb"
        wanted = text(build(paths.NOTEBOOK_TWINS / f"{name}.py"))
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != wanted:
            stale.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(wanted, encoding="utf-8")
    return stale
