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
import re
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .. import gradebook, nbgrader_cli, paths
from ..paths import submitted_students
from ..safetext import failure_line, for_terminal
from . import chain, notebook_bounds, preloaded, sandbox
from .limits import LIMITS
from .preprocessors import verdict_file

GRADING = paths.GRADING

VERDICT_MARGIN = 5.0  # seconds between the verdict's deadline and the job's kill

# How a notebook's grading ended: owned by grading/outcomes.py (re-exported here).
from .outcomes import (FAILED, GRADED, INVALID, MISSING, NOT_YET, STATUS_SHORT,  # noqa: E402,F401
                       STATUS_TEXT, TIMEOUT, Outcome, not_graded_yet, read_status)
from .outcomes import write_status as _write_status  # noqa: E402


def default_workers() -> int:
    """Students graded side by side: one more than the cores (a job leaves its core idle part of
    the time: kernel start, the verdict's back-and-forth), at most one per ``LIMITS.memory_bytes``
    of the machine's memory (each kernel may use that much), at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return cores
    return max(1, min(cores + 1, memory // LIMITS.memory_bytes))


def _error_line(log: str) -> str:
    """The most useful single line of a failed nbgrader log."""
    lines = [l.strip() for l in log.splitlines() if l.strip()]
    # an exception statement ("nbclient.exceptions.CellTimeoutError: A cell timed out ..."),
    # not a line of the cell preview nbgrader prints after it
    raised = [l for l in lines if re.match(r"^[\w.]*(Error|Exception|Died)\w*: ", l)]
    if raised:
        name, _, message = raised[-1].partition(": ")
        return f"{name.rsplit('.', 1)[-1]}: {message}"[:200]
    for marker in ("[ERROR]", "Error", "error"):
        hits = [l for l in lines if marker in l]
        if hits:
            return hits[-1][:200]
    return (lines[-1] if lines else "sin salida")[:200]


def make_template(course: Path, work: Path) -> Path:
    """A SQLite gradebook holding the assignment (from ``source/``) and its due date, no students."""
    template = work / "template.db"
    nbgrader_cli.run(["generate_assignment", paths.ASSIGNMENT, "--force",
                      f"--CourseDirectory.db_url=sqlite:///{template}",
                      f"--CourseDirectory.release_directory={work / 'release'}"], course)
    shutil.rmtree(work / "release", ignore_errors=True)
    with gradebook.opened(course) as main:
        due = main.find_assignment(paths.ASSIGNMENT).duedate
    with gradebook.opened(course, f"sqlite:///{template}") as gb:
        gb.find_assignment(paths.ASSIGNMENT).duedate = due
        gb.db.commit()
    return template


@dataclass
class Settings:
    """How the notebooks of a class run are graded."""

    work: Path                      # grading/work: template db, staged submissions, private dbs
    template: Path                  # gradebook template (see make_template)
    timeout: float = LIMITS.notebook_seconds  # wall-clock seconds per notebook (kernel + verdict)
    sandboxed: bool = True          # kernel in coursetools.grading.sandbox, points from the trusted verdict
    memory_bytes: int = LIMITS.memory_bytes  # per kernel (and per nbgrader process)
    max_pids: int = LIMITS.max_pids  # processes and threads per kernel
    text_bytes: int = LIMITS.text_bytes  # text kept per output field in the graded notebook
    matplotlib_cache: Path | None = None  # font cache copied into each sandbox (default: in work)

    @property
    def matplotlib(self) -> Path:
        """The matplotlib font cache the sandboxed kernels get (see build_matplotlib_cache)."""
        return self.matplotlib_cache or self.work / "matplotlib"

    @property
    def staged(self) -> Path:
        """Where nbgrader reads the submissions from (see stage)."""
        return self.work / "staged"


def stage(course: Path, student: str, staged: Path) -> None:
    """Copy only the notebooks and timestamp of a submission to where nbgrader will read it.

    Other files a student hands in (a ``numpy.py`` beside the notebook would
    replace NumPy for the kernel) never reach the autograded folder.
    """
    source = course / "submitted" / student / paths.ASSIGNMENT
    target = staged / student / paths.ASSIGNMENT
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in [f"{n}.ipynb" for n in paths.NOTEBOOKS] + ["timestamp.txt"]:
        if (source / name).is_file():
            shutil.copy(source / name, target / name)


def grade_notebook(course: Path, student: str, name: str,
                   settings: Settings) -> tuple[Outcome, Path | None]:
    """Autograde one notebook in its own nbgrader process (a fork of the preloaded server,
    ``grading/preloaded.py``); return its outcome and private db."""
    path = course / "submitted" / student / paths.ASSIGNMENT / f"{name}.ipynb"
    problem = notebook_bounds.problem(path)
    if problem:
        return Outcome(student, name, *problem), None
    db = settings.work / f"{student}.{name}.db"
    shutil.copy(settings.template, db)
    args = ["autograde", paths.ASSIGNMENT, f"--student={student}", f"--notebook={name}", "--force",
            f"--CourseDirectory.db_url=sqlite:///{db}",
            f"--CourseDirectory.submitted_directory={settings.staged}",
            f"--TrustedVerdict.notebook_seconds={settings.timeout}",
            f"--TrimOutputs.text_bytes={settings.text_bytes}"]
    kernel_groups: list[Path] = []
    grader_groups: list[Path] = []
    tag = sandbox.job_tag(student, name)
    env = {sandbox.ENV_TAG: tag}
    if settings.sandboxed:
        kernel_groups = sandbox.make_cgroups("kernel-" + tag, settings.memory_bytes, settings.max_pids)
        grader_groups = sandbox.make_cgroups("grader-" + tag, settings.memory_bytes, LIMITS.grader_pids)
        env.update({sandbox.ENV_CGROUPS: os.pathsep.join(map(str, kernel_groups)),
                    sandbox.ENV_MATPLOTLIB: str(settings.matplotlib)})
    else:
        args += chain.UNPROTECTED
    record = verdict_file(course, student, name)
    record.unlink(missing_ok=True)
    # The verdict stops itself a little before the job is killed, so its line says why.
    args.append(f"--TrustedVerdict.deadline={time.time() + settings.timeout - VERDICT_MARGIN}")
    start = time.perf_counter()
    try:
        done = preloaded.start(args, course, env=env, timeout=settings.timeout,
                               cgroups=grader_groups)
    finally:
        out_of_memory = sandbox.oom_killed(kernel_groups + grader_groups)
        leftovers = sandbox.kill_cgroups(kernel_groups + grader_groups)
        sandbox.remove_scratch(tag)
    seconds = time.perf_counter() - start
    logs = course / GRADING / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / f"{student}.{name}.log").write_text(done.log[-2_000_000:], encoding="utf-8")
    notes = []
    if out_of_memory:
        notes.append(f"memoria agotada (límite {settings.memory_bytes / 2**30:.1f} GB)")
    if leftovers:
        notes.append(f"{leftovers} procesos seguían vivos al terminar: eliminados")
    if done.timed_out:
        notes.insert(0, f"detenido a los {settings.timeout:.0f} s")
        return Outcome(student, name, TIMEOUT, "; ".join(notes), seconds), None
    graded = course / "autograded" / student / paths.ASSIGNMENT / f"{name}.ipynb"
    verdict = _read_verdict(record)
    if verdict.get("timed_out"):
        notes.insert(0, f"detenido a los {settings.timeout:.0f} s (verificación externa)")
        return Outcome(student, name, TIMEOUT, "; ".join(notes), seconds), None
    if "error" in verdict:
        notes.append(f"verificación externa imposible: {verdict['error']}")
        return Outcome(student, name, FAILED, "; ".join(notes), seconds), None
    if done.returncode != 0 or not graded.exists():
        notes.append(_error_line(done.log))
        return Outcome(student, name, FAILED, "; ".join(notes), seconds), None
    if settings.sandboxed and "points" not in verdict:
        notes.append("verificación externa imposible: no dejó resultado")
        return Outcome(student, name, FAILED, "; ".join(notes), seconds), None
    notes += verdict.get("trimmed", [])
    return Outcome(student, name, GRADED, "; ".join(notes), seconds, verdict.get("review", "")), db


def grade_student_notebooks(course: Path, student: str, names: list[str], settings: Settings):
    """Yield (Outcome, private db) of each of ``names`` of a staged student, one after the other
    (they share ``autograded/<student>/``); an error costs that notebook only, with one line."""
    for name in names:
        try:
            yield grade_notebook(course, student, name, settings)
        except Exception as error:  # noqa: BLE001
            yield Outcome(student, name, FAILED, failure_line("error al calificar", error)), None


def _read_verdict(record: Path) -> dict:
    """What TrustedVerdict recorded for one notebook ({} when it did not run)."""
    try:
        return json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _submission(gb, student: str, **fields) -> None:
    """Make sure the student and their lab2 submission exist in the gradebook."""
    from nbgrader.api import MissingEntry

    try:
        gb.find_student(student)
    except MissingEntry:
        gb.add_student(student)
    gb.update_or_create_submission(paths.ASSIGNMENT, student, **fields)


def merge_notebook(course: Path, db: Path, student: str, name: str) -> None:
    """Copy one graded notebook's automatic scores from its private db into the gradebook.

    Manual grades already given (formgrader) are kept, and so is their review state.
    """
    with gradebook.opened(course, f"sqlite:///{db}") as private, gradebook.opened(course) as gb:
        graded = private.find_submission_notebook(name, paths.ASSIGNMENT, student)
        _submission(gb, student, timestamp=graded.assignment.timestamp)
        target = gb.find_submission_notebook(name, paths.ASSIGNMENT, student)
        target.flagged = graded.flagged
        target.late_submission_penalty = graded.late_submission_penalty
        for grade in graded.grades:
            row = gb.find_grade(grade.name, name, paths.ASSIGNMENT, student)
            row.auto_score = grade.auto_score
            row.extra_credit = grade.extra_credit
            if row.manual_score is None:
                row.needs_manual_grade = grade.needs_manual_grade
        for comment in graded.comments:
            gb.find_comment(comment.name, name, paths.ASSIGNMENT, student).auto_comment = \
                comment.auto_comment
        gb.db.commit()


def record_unusable(course: Path, student: str, name: str, score: float | None) -> None:
    """A notebook that was not graded: its cells get ``score`` (0 when not submitted, nbgrader's
    rule; None when it could not be graded). The status file says which, so no 0 is silent."""
    with gradebook.opened(course) as gb:
        _submission(gb, student)
        for grade in gb.find_submission_notebook(name, paths.ASSIGNMENT, student).grades:
            grade.auto_score = score
            grade.extra_credit = None
            if grade.manual_score is None:
                grade.needs_manual_grade = False
        gb.db.commit()


def autograde_class(course: Path, students: list[str] | None = None, workers: int | None = None,
                    timeout: float = LIMITS.notebook_seconds, progress: bool = True,
                    sandboxed: bool = True, notebooks: list[str] | None = None,
                    scheduler: str | None = None) -> dict[str, dict[str, Outcome]]:
    """Autograde the students (default: every ``submitted/`` folder); return their outcomes.

    ``timeout`` is the wall-clock limit in seconds for one notebook of one student;
    ``sandboxed`` runs each kernel in ``coursetools.grading.sandbox`` (after a self-test of its limits);
    ``notebooks``: only these notebooks (default: all; e.g. only Part 1 while Part 2 is not
    due), the others' grades and status are kept as they are; ``scheduler``: the address of a
    Dask scheduler (``tcp://HOST:8786``) whose workers grade instead of this machine
    (``grading/cluster.py``; ``workers`` is then the cluster's).
    """

    from tqdm.auto import tqdm

    chosen = list(paths.NOTEBOOKS) if not notebooks else list(dict.fromkeys(notebooks))
    wrong = [n for n in chosen if n not in paths.NOTEBOOKS]
    if wrong:
        raise ValueError(f"no notebook named {', '.join(wrong)}: choose among "
                         f"{', '.join(paths.NOTEBOOKS)}")
    students = submitted_students(course) if students is None else sorted(students)
    unknown = [s for s in students if not (course / "submitted" / s / paths.ASSIGNMENT).is_dir()]
    if unknown:
        raise FileNotFoundError(
            "no submitted/<student>/lab2 folder for: " + ", ".join(unknown)
            + " (run the collect step, or check the student ids)")
    work = course / GRADING / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    local_sandbox = sandboxed and not scheduler  # (on a cluster, each worker tests its own)
    if local_sandbox:
        sandbox.require_self_test(again=True)  # once per class run, before any student code
    settings = Settings(work=work, template=make_template(course, work), timeout=timeout,
                        sandboxed=sandboxed)
    if local_sandbox:
        sandbox.build_matplotlib_cache(settings.matplotlib)
    workers = workers or default_workers()

    def unstaged(student):
        """None once the student is staged; else each chosen notebook failed, with one line."""
        try:
            stage(course, student, settings.staged)
        except Exception as error:  # noqa: BLE001 - costs this student only
            return [(Outcome(student, n, FAILED, failure_line("no se pudo preparar", error)), None)
                    for n in chosen]
        return None

    def one_student(student):
        return unstaged(student) or list(grade_student_notebooks(course, student, chosen, settings))

    def graded_students():
        """(student, [(Outcome, private db)]) as each student completes."""
        if scheduler:
            from . import cluster

            staged = []
            for student in students:
                failed = unstaged(student)
                if failed:
                    yield student, failed
                else:
                    staged.append(student)
            yield from cluster.grade_on_cluster(course, staged, chosen, settings, scheduler)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(one_student, s): s for s in students}
            for future in as_completed(futures):
                yield futures[future], future.result()

    status = read_status(course)
    bar = tqdm(total=len(students), unit="estudiante", desc="autograde", disable=not progress,
               file=sys.stderr)
    for student, results in graded_students():
        status[student] = {n: o for n, o in status.get(student, {}).items() if n not in chosen}
        for outcome, db in results:
            try:
                if db is not None:
                    merge_notebook(course, db, student, outcome.notebook)
                    db.unlink()
                else:
                    record_unusable(course, student, outcome.notebook,
                                    0.0 if outcome.status == MISSING else None)
            except Exception as error:  # noqa: BLE001 - costs this notebook only
                outcome = Outcome(student, outcome.notebook, FAILED,
                                  failure_line("no se pudo registrar", error), outcome.seconds)
            status[student][outcome.notebook] = outcome
        _write_status(course, status)
        bar.set_postfix_str(for_terminal(student) + ": " + ", ".join(
            STATUS_TEXT[o.status] for o in status[student].values()), refresh=False)
        bar.update()
    bar.close()
    shutil.rmtree(work, ignore_errors=True)
    return {s: {n: o for n, o in status[s].items() if n in chosen} for s in students}


def outcome_table(outcomes: dict[str, dict[str, Outcome]]) -> str:
    """One line per student: what happened to each notebook, and the seconds spent."""
    names = [n for n in paths.NOTEBOOKS if any(n in per for per in outcomes.values())] or list(paths.NOTEBOOKS)
    header = ["estudiante"] + names + ["segundos"]
    rows = [[s] + [per[n].line() if n in per else "-" for n in names]
            + [f"{sum(o.seconds for o in per.values()):.0f}"]
            for s, per in sorted(outcomes.items())]
    return gradebook.text_table(header, rows)
