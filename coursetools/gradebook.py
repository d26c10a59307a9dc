"""Reading marks out of nbgrader's gradebook, per grade cell and per exercise."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .safetext import for_terminal


def course_config(course: Path):
    """The traitlets config of ``course/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def exercise_of(grade_id: str) -> str:
    """``p1_e3_hidden_stride2`` -> ``p1_e3`` (SPEC §8: ids say part and exercise)."""
    return "_".join(grade_id.split("_")[:2])


@dataclass
class Submission:
    """Marks of one student: {grade_id: (score, max_score)} over all notebooks.

    ``score`` is None for a cell that still waits for a manual grade, or that was
    never graded (its notebook failed: see ``classgrade``).
    """

    student: str
    cells: dict[str, tuple[float | None, float]] = field(default_factory=dict)

    def by_exercise(self) -> dict[str, tuple[float, float, bool]]:
        """{exercise: (score, max_score, some cell still needs a manual grade)}."""
        out: dict[str, list] = {}
        for grade_id, (score, max_score) in self.cells.items():
            row = out.setdefault(exercise_of(grade_id), [0.0, 0.0, False])
            row[0] += score or 0.0
            row[1] += max_score
            row[2] = row[2] or score is None
        return {k: tuple(v) for k, v in out.items()}

    @property
    def pending(self) -> bool:
        return any(score is None for score, _ in self.cells.values())

    @property
    def total(self) -> tuple[float, float]:
        return (sum(s or 0.0 for s, _ in self.cells.values()),
                sum(m for _, m in self.cells.values()))


def read_marks(course: Path, assignment: str = paths.ASSIGNMENT) -> dict[str, Submission]:
    """{student: Submission} for every graded submission of ``assignment``."""
    from nbgrader.api import Gradebook, MissingEntry

    cfg = course_config(course)
    result = {}
    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        for student in gb.students:
            try:
                submission = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            marks = Submission(student.id)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    ungraded = grade.auto_score is None and grade.manual_score is None
                    score = None if grade.needs_manual_grade or ungraded else grade.score
                    marks.cells[grade.name] = (score, grade.max_score)
            result[student.id] = marks
    return result


def _star(pending: bool) -> str:
    return "*" if pending else ""


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, a dashed line under the header.

    Cells are made terminal-safe (``safetext.for_terminal``): student ids, error
    lines and notebook fields may hold escape sequences.
    """
    header, rows = [for_terminal(c) for c in header], [[for_terminal(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def fmt_points(x: float | None) -> str:
    """3 -> "3", 2.5 -> "2.5", None -> "-"."""
    return "-" if x is None else (str(int(x)) if float(x).is_integer() else f"{x:.1f}")


def marks_table(marks: dict[str, Submission], status: dict | None = None) -> str:
    """A text table: one row per student, one column per exercise, and the total.

    ``status`` ({student: {notebook: classgrade.Outcome}}) marks the exercises of a
    notebook that was not graded with a word instead of a number.
    """
    from .classgrade import GRADED, STATUS_SHORT

    status = status or {}
    exercises = sorted({e for s in marks.values() for e in s.by_exercise()},
                       key=lambda e: (e.split("_")[0], int(e.split("_")[1][1:])))
    header = ["estudiante"] + exercises + ["total"]
    rows = []
    for student in sorted(marks):
        per = marks[student].by_exercise()
        got, full = marks[student].total
        ungraded = {nb: STATUS_SHORT[o.status] for nb, o in status.get(student, {}).items()
                    if o.status != GRADED}
        row = [student]
        for e in exercises:
            notebook = paths.PART_OF[e.split("_")[0]]
            if notebook in ungraded:
                row.append(ungraded[notebook])
            elif e in per:
                row.append(f"{fmt_points(per[e][0])}{_star(per[e][2])}/{fmt_points(per[e][1])}")
            else:
                row.append("-")
        rows.append(row + [f"{fmt_points(got)}{_star(marks[student].pending)}/{fmt_points(full)}"])
    lines = text_table(header, rows).split("\n")
    if any(s.pending for s in marks.values()):
        lines.append("* sin contar las respuestas que esperan calificación manual (formgrader)")
    if any(o.status != GRADED for per in status.values() for o in per.values()):
        lines.append("falta / inválido / falló / tiempo: notebook no entregado, que no es un "
                     "notebook válido, cuyo autograde falló o que se detuvo por tiempo")
    return "\n".join(lines)


def forget_students(course: Path, students) -> None:
    """Remove these students' folders and gradebook rows (other students are kept)."""
    from nbgrader.api import Gradebook, MissingEntry

    cfg = course_config(course)
    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        for student in students:
            try:
                gb.remove_student(student)
            except MissingEntry:
                pass
    for student in students:
        for folder in ("submitted", "autograded", "feedback"):
            shutil.rmtree(course / folder / student, ignore_errors=True)
