"""Course-level steps on a course directory: autograde, feedback, export, demo."""

from __future__ import annotations

from pathlib import Path

from . import examples, gradebook, nbgrader_cli, paths, release
from . import feedback as feedback_html


def autograde(course: Path, students: list[str] | None = None) -> None:
    """Autograde the submissions in ``course/submitted`` (all, or the given students)."""
    args = ["autograde", paths.ASSIGNMENT, "--force"]
    if students:
        for student in students:
            nbgrader_cli.run(args + [f"--student={student}"], course)
    else:
        nbgrader_cli.run(args, course)


def feedback(course: Path) -> Path:
    """Feedback HTML per student, without hidden tests (see coursetools.feedback)."""
    return feedback_html.generate(course)


def export(course: Path) -> Path:
    target = course / "exports" / "grades.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbgrader_cli.run(["export", f"--to={target}"], course)
    return target


def demo(course: Path = paths.ROOT) -> str:
    """Release, build the example class, autograde it, feedback, export; return the table."""
    # The example students are replaced as a whole; their old grades would stop
    # nbgrader from regenerating a release whose cells changed.
    gradebook.forget_students(course, examples.roster())
    print("1/5 release: notebooks -> release/lab2 ...", flush=True)
    release.release(course)
    print("2/5 example submissions -> submitted/ ...", flush=True)
    students = examples.build_class(course)
    print(f"3/5 autograde of {len(students)} submissions ...", flush=True)
    autograde(course)
    print("4/5 feedback -> feedback/ ...", flush=True)
    feedback(course)
    print("5/5 export -> exports/grades.csv ...", flush=True)
    export(course)
    table = gradebook.marks_table(gradebook.read_marks(course))
    print(table)
    return table
