"""The grades CSV: one row per student, one column per exercise, totals, both partners.

A notebook that was not graded (not submitted, not a valid notebook, failed,
timed out: see ``grading/status.json``) shows that word in its exercises'
columns instead of a number, so no 0 is silent; written answers still waiting
for formgrader are listed in ``pendiente_manual``. The late policy
(``coursetools.late``) turns ``puntos`` into ``total``: ``total`` = (``puntos`` +
``bonus``, never above ``maximo``) x ``factor_tarde``, and ``nota`` is ``total`` over
``maximo`` on a 0-100 scale (the lab's grade: both notebooks' points added, see the README).
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

from . import grade_ids, gradebook, late, paths, safetext
from .grading import notebook_bounds, outcomes

IDENTITY_CELL = paths.IDENTITY_CELL
IDENTITY_NAMES = ("carne_1", "firma_mecanografiada_1", "carne_2", "firma_mecanografiada_2")


def _identity_text(text: str) -> str:
    """The part of a notebook's JSON text that holds the identity cell, or all of it.

    nbformat writes a cell's metadata (its grade id) before its source, so the cell's
    lines lie between its grade id and the next cell's ``"cell_type"``.
    """
    start = text.find(f'"grade_id": "{IDENTITY_CELL}"')
    if start < 0:
        return text
    end = text.find('"cell_type"', start)
    return text[start:] if end < 0 else text[start:end]


def identity(notebook: Path) -> dict[str, str]:
    """Carnés and typed signatures from the identity cell (read, never executed).

    The release shows the four assignments with empty strings above the student's
    region, so a name may be assigned more than once: as when the cell runs, the last
    assignment of each name counts.
    """
    found = dict.fromkeys(IDENTITY_NAMES, "")
    if not notebook.exists():
        return found
    try:
        nb = notebook_bounds.read(notebook)
    except notebook_bounds.NotebookRejected:  # not a notebook (cut short?): look for the lines
        if notebook.stat().st_size > notebook_bounds.LIMITS.notebook_bytes:
            return found
        text = _identity_text(notebook.read_text(encoding="utf-8", errors="replace"))
        for name in IDENTITY_NAMES:
            # in the JSON text a source line reads  carne_1 = \"2023\"  or  carne_1 = '2023'
            hits = re.findall(r"\b" + name + r""" = \\?(['"])(.*?)\\?\1""", text)
            found[name] = hits[-1][1].strip() if hits else ""
        return found
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") != IDENTITY_CELL:
            continue
        try:
            tree = ast.parse(cell.source)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            return found
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id in found):
                # a later assignment of anything but a string literal leaves the name empty
                text = (node.value.value if isinstance(node.value, ast.Constant)
                        and isinstance(node.value.value, str) else "")
                found[node.targets[0].id] = text.strip()
    return found


def exercises(marks: dict[str, gradebook.Submission]) -> list[str]:
    """Exercise ids present in the gradebook, in notebook order (p1_e1 ... p2_e6), bonus included."""
    return grade_ids.exercise_order({grade_ids.exercise_of(g) for s in marks.values()
                                     for g in list(s.cells) + list(s.extra)})


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def rows(course: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(columns, rows) of the grades table."""
    marks = gradebook.read_marks(course)
    status = outcomes.read_status(course)
    policy = late.policy(course)
    columns_ex = exercises(marks)
    columns = (["estudiante", "carne_1", "firma_1", "carne_2", "firma_2", "estado", "entregado",
                "dias_tarde"] + columns_ex + [f"total_{n}" for n in paths.NOTEBOOKS]
               + ["puntos", "bonus", "maximo", "factor_tarde", "total", "nota", "pendiente_manual"])
    out = []
    for student in sorted(set(marks) | set(status)):
        sub = marks.get(student, gradebook.Submission(student))
        per_nb = status.get(student, {})
        ungraded = {n: outcomes.STATUS_TEXT[o.status] for n, o in per_nb.items()
                    if o.status != outcomes.GRADED}
        ungraded.update(dict.fromkeys(outcomes.not_graded_yet(per_nb), outcomes.NOT_YET))
        who = identity(course / "autograded" / student / paths.ASSIGNMENT / "parte1_numpy.ipynb")
        if not any(who.values()):
            who = identity(course / "submitted" / student / paths.ASSIGNMENT / "parte1_numpy.ipynb")
        when = late.submitted_at(course, student)
        row = {"estudiante": student, "carne_1": who["carne_1"],
               "firma_1": who["firma_mecanografiada_1"], "carne_2": who["carne_2"],
               "firma_2": who["firma_mecanografiada_2"],
               "estado": "; ".join(f"{n}: {o.line()}" for n, o in sorted(per_nb.items())
                                   if o.status != outcomes.GRADED or o.review)
               or ("calificado" if student in marks else "sin calificar"),
               "entregado": when.astimezone(policy.due.tzinfo).isoformat(" ", "minutes") if when else "",
               "dias_tarde": str(policy.days_late(when))}
        by_ex, extra = sub.by_exercise(), sub.extra_by_exercise()
        for ex in columns_ex:
            notebook = grade_ids.notebook_of(ex)
            if notebook in ungraded:
                row[ex] = ungraded[notebook]
            elif ex in by_ex:
                row[ex] = _num(by_ex[ex][0])
            else:
                row[ex] = _num(extra[ex][0]) if ex in extra else ""
        for notebook, prefix in paths.NOTEBOOKS.items():
            got = sub.total_of(prefix)[0]
            row[f"total_{notebook}"] = ungraded[notebook] if notebook in ungraded else _num(got)
        got_all, full_all = sub.total
        factor = policy.factor(when)
        total = round(sub.points() * factor, 2)
        row.update(puntos=_num(got_all), bonus=_num(sub.extra_total[0]), maximo=_num(full_all),
                   factor_tarde=f"{factor:.2f}", total=_num(total),
                   nota=_num(round(100 * total / full_all, 2)) if full_all else "",
                   pendiente_manual=" ".join(sorted(g for g, (s, _) in sub.cells.items() if s is None)))
        out.append(row)
    return columns, out


def write_csv(course: Path, target: Path | None = None) -> Path:
    """Write ``exports/grades.csv`` (UTF-8 with BOM, so spreadsheet programs read the accents).

    Every cell goes through ``safetext.for_spreadsheet``: a carné or signature typed
    as ``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)`` and shows as text.
    """
    target = target or course / "exports" / "grades.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    columns, table = rows(course)
    with open(target, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: safetext.for_spreadsheet(v) for k, v in row.items()} for row in table)
    return target
