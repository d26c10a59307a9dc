"""Autograde a whole class: one nbgrader process per notebook, N students side by side.

nbgrader grades one submission after another, with no outer time-out. Here every
notebook of every student is graded by its own ``nbgrader autograde --student S
--notebook NB`` process, killed with all its children (the kernel too) when it
runs past a wall-clock time-out. Each process writes into a private SQLite copy
of a gradebook *template* (the assignment's cells, no students), so no two
processes ever write one database; the parent copies the scores into the
course's gradebook one notebook at a time. Regrading keeps the manual grades
already given in formgrader.

What happened to each notebook (graded, not submitted, not a valid notebook,
failed, timed out) is kept in ``grading/status.json`` for the table, the CSV and
the report; nbgrader's log of each run is in ``grading/logs/``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from . import gradebook, nbgrader_cli, paths

GRADING = "grading"  # folder under the course (git-ignored): status, logs, work files

GRADED, MISSING, INVALID, FAILED, TIMEOUT = "graded", "missing", "invalid", "failed", "timeout"
STATUS_TEXT = {GRADED: "calificado", MISSING: "NO ENTREGADO", INVALID: "NO VÁLIDO",
               FAILED: "FALLÓ", TIMEOUT: "TIEMPO AGOTADO"}
STATUS_SHORT = {GRADED: "", MISSING: "falta", INVALID: "inválido", FAILED: "falló",
                TIMEOUT: "tiempo"}


@dataclass
class Outcome:
    """What happened to one notebook of one student."""

    student: str
    notebook: str
    status: str
    detail: str = ""
    seconds: float = 0.0

    def line(self) -> str:
        text = STATUS_TEXT[self.status]
        return f"{text}: {self.detail}" if self.detail else text


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def submitted_students(course: Path) -> list[str]:
    """Students with a ``submitted/<student>/lab2`` folder, sorted."""
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{paths.ASSIGNMENT}")
                  if p.is_dir())


def notebook_problem(path: Path) -> tuple[str, str] | None:
    """(status, reason) when a submitted notebook cannot be graded, else None."""
    import nbformat

    if not path.exists():
        return MISSING, f"falta {path.name}"
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        where = f" (línea {error.lineno}, columna {error.colno})" if hasattr(error, "lineno") else ""
        return INVALID, f"{path.name} no es JSON válido{where}"
    try:
        nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable notebook is reported, not raised
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return INVALID, f"{path.name} no se puede leer como notebook: {first[:160]}"
    return None


def _error_line(log: str) -> str:
    """The most useful single line of a failed nbgrader log."""
    lines = [l.strip() for l in log.splitlines() if l.strip()]
    for marker in ("[ERROR]", "Error", "error"):
        hits = [l for l in lines if marker in l]
        if hits:
            return hits[-1][:200]
    return (lines[-1] if lines else "sin salida")[:200]


def make_template(course: Path, work: Path) -> Path:
    """A SQLite gradebook holding the assignment (from ``source/``) and its due date, no students."""
    from nbgrader.api import Gradebook

    template = work / "template.db"
    nbgrader_cli.run(["generate_assignment", paths.ASSIGNMENT, "--force",
                      f"--CourseDirectory.db_url=sqlite:///{template}",
                      f"--CourseDirectory.release_directory={work / 'release'}"], course)
    shutil.rmtree(work / "release", ignore_errors=True)
    cfg = gradebook.course_config(course)
    with Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as main:
        due = main.find_assignment(paths.ASSIGNMENT).duedate
    with Gradebook(f"sqlite:///{template}", cfg.CourseDirectory.course_id) as gb:
        gb.find_assignment(paths.ASSIGNMENT).duedate = due
        gb.db.commit()
    return template


def grade_notebook(course: Path, student: str, name: str, template: Path, work: Path,
                   timeout: float) -> tuple[Outcome, Path | None]:
    """Autograde one notebook in its own nbgrader process; return its outcome and private db."""
    path = course / "submitted" / student / paths.ASSIGNMENT / f"{name}.ipynb"
    problem = notebook_problem(path)
    if problem:
        return Outcome(student, name, *problem), None
    db = work / f"{student}.{name}.db"
    shutil.copy(template, db)
    start = time.perf_counter()
    done = nbgrader_cli.start(
        ["autograde", paths.ASSIGNMENT, f"--student={student}", f"--notebook={name}", "--force",
         f"--CourseDirectory.db_url=sqlite:///{db}"], course, timeout=timeout)
    seconds = time.perf_counter() - start
    logs = course / GRADING / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / f"{student}.{name}.log").write_text(done.log, encoding="utf-8")
    if done.timed_out:
        return Outcome(student, name, TIMEOUT, f"detenido a los {timeout:.0f} s", seconds), None
    graded = course / "autograded" / student / paths.ASSIGNMENT / f"{name}.ipynb"
    if done.returncode != 0 or not graded.exists():
        return Outcome(student, name, FAILED, _error_line(done.log), seconds), None
    return Outcome(student, name, GRADED, "", seconds), db


def merge_notebook(course: Path, db: Path, student: str, name: str) -> None:
    """Copy one graded notebook's automatic scores from its private db into the gradebook.

    Manual grades already given (formgrader) are kept, and so is their review state.
    """
    from nbgrader.api import Gradebook, MissingEntry

    cfg = gradebook.course_config(course)
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{db}", cfg.CourseDirectory.course_id) as private, \
            Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's autoflush
        graded = private.find_submission_notebook(name, paths.ASSIGNMENT, student)
        try:
            gb.find_student(student)
        except MissingEntry:
            gb.add_student(student)
        gb.update_or_create_submission(paths.ASSIGNMENT, student,
                                       timestamp=graded.assignment.timestamp)
        target = gb.find_submission_notebook(name, paths.ASSIGNMENT, student)
        target.flagged = graded.flagged
        target.late_submission_penalty = graded.late_submission_penalty
        for grade in graded.grades:
            row = gb.find_grade(grade.name, name, paths.ASSIGNMENT, student)
            row.auto_score = grade.auto_score
            if row.manual_score is None:
                row.needs_manual_grade = grade.needs_manual_grade
        for comment in graded.comments:
            gb.find_comment(comment.name, name, paths.ASSIGNMENT, student).auto_comment = \
                comment.auto_comment
        gb.db.commit()


def record_unusable(course: Path, student: str, name: str, score: float | None) -> None:
    """A notebook that was not graded: its cells get ``score`` (0 when not submitted, nbgrader's
    rule; None when it could not be graded). The status file says which, so no 0 is silent."""
    from nbgrader.api import Gradebook, MissingEntry

    cfg = gradebook.course_config(course)
    with warnings.catch_warnings(), \
            Gradebook(cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id) as gb:
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's autoflush
        try:
            gb.find_student(student)
        except MissingEntry:
            gb.add_student(student)
        gb.update_or_create_submission(paths.ASSIGNMENT, student)
        for grade in gb.find_submission_notebook(name, paths.ASSIGNMENT, student).grades:
            grade.auto_score = score
            if grade.manual_score is None:
                grade.needs_manual_grade = False
        gb.db.commit()


def read_status(course: Path) -> dict[str, dict[str, Outcome]]:
    """{student: {notebook: Outcome}} of the last autograde of each student."""
    file = course / GRADING / "status.json"
    if not file.exists():
        return {}
    raw = json.loads(file.read_text(encoding="utf-8"))
    return {s: {nb: Outcome(**o) for nb, o in per.items()} for s, per in raw.items()}


def _write_status(course: Path, status: dict[str, dict[str, Outcome]]) -> None:
    file = course / GRADING / "status.json"
    file.parent.mkdir(parents=True, exist_ok=True)
    raw = {s: {nb: asdict(o) for nb, o in per.items()} for s, per in sorted(status.items())}
    file.write_text(json.dumps(raw, indent=1, ensure_ascii=False), encoding="utf-8")


def autograde_class(course: Path, students: list[str] | None = None, workers: int | None = None,
                    timeout: float = 300.0, progress: bool = True) -> dict[str, dict[str, Outcome]]:
    """Autograde the students (default: every ``submitted/`` folder); return their outcomes.

    ``timeout`` is the wall-clock limit in seconds for one notebook of one student.
    """
    from tqdm.auto import tqdm

    students = submitted_students(course) if students is None else sorted(students)
    unknown = [s for s in students if not (course / "submitted" / s / paths.ASSIGNMENT).is_dir()]
    if unknown:
        raise FileNotFoundError(
            "no submitted/<student>/lab2 folder for: " + ", ".join(unknown)
            + " (run the collect step, or check the student ids)")
    work = course / GRADING / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    template = make_template(course, work)
    workers = workers or default_workers()

    def one_student(student):
        # A student's notebooks run one after the other: they share autograded/<student>/.
        return [grade_notebook(course, student, name, template, work, timeout)
                for name in paths.NOTEBOOKS]

    status = read_status(course)
    bar = tqdm(total=len(students), unit="estudiante", desc="autograde", disable=not progress,
               file=sys.stderr)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(one_student, s): s for s in students}
        for future in as_completed(futures):
            student = futures[future]
            status[student] = {}
            for outcome, db in future.result():
                if db is not None:
                    merge_notebook(course, db, student, outcome.notebook)
                    db.unlink()
                else:
                    record_unusable(course, student, outcome.notebook,
                                    0.0 if outcome.status == MISSING else None)
                status[student][outcome.notebook] = outcome
            _write_status(course, status)
            bar.set_postfix_str(f"{student}: " + ", ".join(
                STATUS_TEXT[o.status] for o in status[student].values()), refresh=False)
            bar.update()
    bar.close()
    shutil.rmtree(work, ignore_errors=True)
    return {s: status[s] for s in students}


def outcome_table(outcomes: dict[str, dict[str, Outcome]]) -> str:
    """One line per student: what happened to each notebook, and the seconds spent."""
    names = list(paths.NOTEBOOKS)
    header = ["estudiante"] + names + ["segundos"]
    rows = [[s] + [per[n].line() if n in per else "-" for n in names]
            + [f"{sum(o.seconds for o in per.values()):.0f}"]
            for s, per in sorted(outcomes.items())]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
