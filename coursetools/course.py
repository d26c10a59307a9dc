"""The instructor's steps on a course directory, and the demo that runs them all.

release -> collect -> autograde -> feedback -> export -> report; each is a
``python -m coursetools <step>`` command (see ``__main__``).
"""

from __future__ import annotations

from pathlib import Path

from . import collect, examples, export, gradebook, paths, release, report
from .grading import engine
from .grading.limits import LIMITS
from . import feedback as feedback_html
from .safetext import for_terminal

DEMO_ZIP = Path("downloaded") / "ejemplo-lms.zip"  # under the course; git-ignored


def release_step(course: Path) -> Path:
    """Regenerate ``release/lab2`` (helper, photos, and the due date in the gradebook)."""
    return release.release(course)


def collect_step(course: Path, archive: Path | None = None) -> dict[str, list[str]]:
    """Collect an LMS zip (if given) into ``submitted/``; return the inventory of ``submitted/``.

    Entries of the download that name no student come first, under ``collect.DOWNLOAD_KEY``.
    """
    found = collect.collect_zip(course, archive).download if archive is not None else []
    inventory = collect.inventory(course)
    return {collect.DOWNLOAD_KEY: found, **inventory} if found else inventory


def autograde(course: Path, students: list[str] | None = None, workers: int | None = None,
              timeout: float = LIMITS.notebook_seconds, progress: bool = True, sandboxed: bool = True,
              notebooks: list[str] | None = None, scheduler: str | None = None):
    """Autograde the class (or the given students; all notebooks or the given ones) in parallel,
    here or on the Dask cluster at ``scheduler`` (default: the course config's
    ``c.ClassPool.scheduler``, else this machine); return the outcomes."""
    if scheduler is None:
        scheduler = gradebook.course_config(course).ClassPool.get("scheduler") or None
    return engine.autograde_class(course, students, workers=workers, timeout=timeout,
                                  progress=progress, sandboxed=sandboxed, notebooks=notebooks,
                                  scheduler=scheduler)


def feedback(course: Path) -> Path:
    """Feedback HTML per student, without hidden tests (see coursetools.feedback); one line
    per student (or notebook) left without a page."""
    target, failures = feedback_html.generate(course)
    for who, why in sorted(failures.items()):
        print(for_terminal(f"{who}: {why}"))
    return target


def export_step(course: Path) -> Path:
    return export.write_csv(course)


def report_step(course: Path) -> Path:
    return report.write_report(course)


def demo(course: Path = paths.ROOT, workers: int | None = None, timeout: float = LIMITS.notebook_seconds,
         sandboxed: bool = True) -> str:
    """Every step on the bundled example class (handed in as an LMS zip); return the tables."""
    # The example students are replaced as a whole; their old grades would stop
    # nbgrader from regenerating a release whose cells changed.
    gradebook.forget_students(course, examples.roster())
    print("1/6 release: source/lab2 -> release/lab2", flush=True)
    release_step(course)
    print("2/6 collect: the example class as an LMS zip -> submitted/", flush=True)
    archive = examples.build_zip(course, course / DEMO_ZIP)
    inventory = collect_step(course, archive)
    for student, lines in inventory.items():
        shown = lines if student == collect.DOWNLOAD_KEY else [l for l in lines[:-1] if ": ok" not in l]
        if shown and (student in examples.roster() or student == collect.DOWNLOAD_KEY):
            print(f"   {student}: " + "; ".join(shown))
    print(f"3/6 autograde: {len(inventory) - (collect.DOWNLOAD_KEY in inventory)} students", flush=True)
    outcomes = autograde(course, examples.demo_students(), workers=workers, timeout=timeout,
                         sandboxed=sandboxed)
    print(engine.outcome_table(outcomes))
    print("4/6 feedback -> feedback/", flush=True)
    feedback(course)
    print(f"5/6 export -> {export_step(course).relative_to(course)}", flush=True)
    print(f"6/6 report -> {report_step(course).relative_to(course)}", flush=True)
    table = gradebook.marks_table(gradebook.read_marks(course), engine.read_status(course))
    print(table)
    return table
