"""Make the student release: ``release/lab2/`` with notebooks, helper package and photos.

Steps, all inside nbgrader's ``generate_assignment`` (its pre- and post-convert
hooks, so formgrader's "Generate" button does the same): copy ``cnnlab/`` into
``source/lab2/`` (so nbgrader ships it and autograde restores the trusted copy
over a student's), generate, then copy the photos with their licence into
``release/lab2/data/cats-and-dogs`` (the source folder does not carry them,
so autograde does not copy 700 files per student) and store the due date.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import nbgrader_cli, notebooks, paths

_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def sync_helper(source: Path = paths.SOURCE) -> None:
    """Copy the helper package next to the source notebooks."""
    target = source / "cnnlab"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(paths.HELPER_PACKAGE, target, ignore=_IGNORE)


def before_generate(course: Path, **_) -> None:
    """nbgrader's ``pre_convert_hook`` of ``generate_assignment`` (``grading/chain.py`` sets it, so
    formgrader's "Generate" button takes the course's steps too): copy the helper package next
    to the source notebooks. (nbgrader logs a hook's exception and goes on: a hook cannot
    refuse, so ``release`` checks the twins before it starts nbgrader.)"""
    sync_helper(Path(course) / "source" / paths.ASSIGNMENT)


def after_generate(course: Path, **_) -> None:
    """nbgrader's ``post_convert_hook`` of ``generate_assignment``: the photos and their licence
    into the release, and the course's due date into the gradebook."""
    from . import late

    target = Path(course) / "release" / paths.ASSIGNMENT
    data = target / "data" / "cats-and-dogs"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(Path(course) / "data" / "cats-and-dogs", data)
    late.set_due_date(Path(course))


def release(course: Path = paths.ROOT) -> Path:
    """Regenerate ``course/release/lab2`` from ``course/source/lab2``; return it.

    nbgrader's ``generate_assignment`` does it all: the course's hooks (``before_generate``,
    ``after_generate``) run inside it, however it is started.
    """
    stale = notebooks.build_all(check=True) if course == paths.ROOT else []
    if stale:
        raise RuntimeError(
            "source notebooks differ from their twins in notebooks/: run "
            "`python -m coursetools notebooks` first: " + ", ".join(map(str, stale))
        )
    try:
        nbgrader_cli.run(["generate_assignment", paths.ASSIGNMENT, "--force"], course)
    except nbgrader_cli.NbgraderError as error:
        if "submissions associated" in str(error) or "existing grades" in str(error):
            raise RuntimeError(
                "nbgrader cannot change the notebooks or grade cells of lab2 while the gradebook "
                "holds graded submissions of it. Export the grades first "
                "(python -m coursetools table / nbgrader export), then move gradebook.db away "
                "and release again. nbgrader removed release/lab2 on the way out: "
                "`git checkout release/` restores the committed one."
            ) from error
        raise
    return course / "release" / paths.ASSIGNMENT
