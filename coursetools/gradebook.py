"""Reading marks out of nbgrader's gradebook, per grade cell and per exercise."""

from __future__ import annotations

import shutil
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .grade_ids import exercise_of, exercise_order, notebook_of
from .points import bonus_cells
from .safetext import for_terminal


def course_config(course: Path):
    """The traitlets config of ``course/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


@contextmanager
def opened(course: Path, db_url: str | None = None):
    """nbgrader's ``Gradebook`` of ``course`` (or of ``db_url``, a private copy, with the
    course's id): the one way this package opens a gradebook. nbgrader's autoflush
    warnings ("... not in session") are silenced."""
    from nbgrader.api import Gradebook

    cfg = course_config(course)
    with warnings.catch_warnings(), \
            Gradebook(db_url or cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        yield gb


@dataclass
class Submission:
    """Marks of one student over all notebooks.

    ``cells``: {grade_id: (score, max_score)} of the required cells (extra credit not
    included); ``score`` is None for a cell that still waits for a manual grade, or that
    was never graded (its notebook failed: see ``grading/engine.py``).
    ``extra``: {grade_id: (extra credit, bonus points the cell offers)} of the bonus cells
    (``coursetools.bonus``) and of any cell given extra credit in formgrader; the credit is
    None when the cell was never graded.
    """

    student: str
    cells: dict[str, tuple[float | None, float]] = field(default_factory=dict)
    extra: dict[str, tuple[float | None, float]] = field(default_factory=dict)

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
        """(points, maximum) of the required cells: extra credit apart."""
        return self.total_of()

    def total_of(self, prefix: str = "") -> tuple[float, float]:
        """(points, maximum) of the required cells whose id starts with ``prefix`` ("p1": one
        notebook; "": all of them)."""
        cells = [v for g, v in self.cells.items() if g.startswith(prefix + "_" if prefix else "")]
        return sum(s or 0.0 for s, _ in cells), sum(m for _, m in cells)

    def extra_by_exercise(self) -> dict[str, tuple[float, float]]:
        """{exercise: (extra credit earned, bonus offered)}."""
        out: dict[str, list] = {}
        for grade_id, (earned, worth) in self.extra.items():
            row = out.setdefault(exercise_of(grade_id), [0.0, 0.0])
            row[0] += earned or 0.0
            row[1] += worth
        return {k: tuple(v) for k, v in out.items()}

    @property
    def extra_total(self) -> tuple[float, float]:
        """(extra credit earned, bonus offered) over all notebooks."""
        return (sum(e or 0.0 for e, _ in self.extra.values()), sum(w for _, w in self.extra.values()))

    def points(self) -> float:
        """The points that count: required points plus extra credit, never above the maximum
        (the bonus makes up for lost points; it cannot raise a grade past 100 %)."""
        got, full = self.total
        return min(full, got + self.extra_total[0])


def read_marks(course: Path, assignment: str = paths.ASSIGNMENT) -> dict[str, Submission]:
    """{student: Submission} for every graded submission of ``assignment``."""
    from nbgrader.api import MissingEntry

    worth = bonus_cells(course)
    result = {}
    with opened(course) as gb:
        for student in gb.students:
            try:
                submission = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            marks = Submission(student.id)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    ungraded = grade.auto_score is None and grade.manual_score is None
                    if grade.name in worth or grade.extra_credit:
                        marks.extra[grade.name] = (None if ungraded else grade.extra_credit or 0.0,
                                                   worth.get(grade.name, 0.0))
                    if grade.name in worth:
                        continue
                    given = grade.manual_score if grade.manual_score is not None else grade.auto_score
                    score = None if grade.needs_manual_grade or ungraded else given
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

    ``status`` ({student: {notebook: outcomes.Outcome}}) marks the exercises of a
    notebook that was not graded with a word instead of a number.
    """
    from .grading.outcomes import GRADED, STATUS_SHORT, not_graded_yet

    status = status or {}
    exercises = exercise_order({e for s in marks.values() for e in s.by_exercise()}
                               | {e for s in marks.values() for e in s.extra_by_exercise()})
    header = ["estudiante"] + exercises + ["total", "bonus"]
    rows = []
    for student in sorted(marks):
        per = marks[student].by_exercise()
        extra = marks[student].extra_by_exercise()
        got, full = marks[student].total
        ungraded = {nb: STATUS_SHORT[o.status] for nb, o in status.get(student, {}).items()
                    if o.status != GRADED}
        ungraded.update(dict.fromkeys(not_graded_yet(status.get(student, {})), "-"))
        row = [student]
        for e in exercises:
            notebook = notebook_of(e)
            if notebook in ungraded:
                row.append(ungraded[notebook])
            elif e in per:
                row.append(f"{fmt_points(per[e][0])}{_star(per[e][2])}/{fmt_points(per[e][1])}")
            elif e in extra:
                row.append(f"+{fmt_points(extra[e][0])}/{fmt_points(extra[e][1])}")
            else:
                row.append("-")
        earned, offered = marks[student].extra_total
        rows.append(row + [f"{fmt_points(got)}{_star(marks[student].pending)}/{fmt_points(full)}",
                           f"+{fmt_points(earned)}/{fmt_points(offered)}" if offered or earned else "-"])
    lines = text_table(header, rows).split("\n")
    if any(s.extra for s in marks.values()):
        lines.append("+n/m: puntos extra (bonus), fuera del máximo; compensan puntos perdidos sin pasar "
                     "del máximo")
    if any(s.pending for s in marks.values()):
        lines.append("* sin contar las respuestas que esperan calificación manual (formgrader)")
    if any(o.status != GRADED for per in status.values() for o in per.values()):
        lines.append("falta / inválido / falló / tiempo: notebook no entregado, que no es un "
                     "notebook válido, cuyo autograde falló o que se detuvo por tiempo")
    return "\n".join(lines)


def forget_students(course: Path, students) -> list[str]:
    """Remove these students' folders, gradebook rows and grading outcomes (other students
    are kept); return those that had any of them, sorted."""
    from nbgrader.api import MissingEntry

    from .grading import outcomes

    students = list(students)
    found = set(outcomes.read_status(course)) & set(students)
    with opened(course) as gb:
        for student in students:
            try:
                gb.remove_student(student)
                found.add(student)
            except MissingEntry:
                pass
    for student in students:
        for folder in ("submitted", "autograded", "feedback"):
            if (course / folder / student).exists():
                found.add(student)
                shutil.rmtree(course / folder / student, ignore_errors=True)
    outcomes.forget(course, students)
    return sorted(found)
