"""Shared fixtures: one temporary course directory, released and graded once per session."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

from coursetools import course as course_steps
from coursetools import examples, gradebook, paths


def make_course(root: Path) -> Path:
    """A fresh course directory with this repository's sources and config."""
    shutil.copy(paths.ROOT / "nbgrader_config.py", root)
    shutil.copytree(paths.SOURCE, root / "source" / paths.ASSIGNMENT,
                    ignore=shutil.ignore_patterns("cnnlab", "__pycache__", ".ipynb_checkpoints"))
    (root / "data").mkdir()
    (root / "data" / "cats-and-dogs").symlink_to(paths.DATA, target_is_directory=True)
    return root


_RELEASED: list[Path] = []  # one course released in this session, copied by released_course


def released_course(root: Path) -> Path:
    """``root`` as ``make_course`` then the release step leave it (gradebook with the assignment,
    ``release/``, the helper package in ``source/``): a copy of one release made per session."""
    if not _RELEASED:
        template = make_course(Path(tempfile.mkdtemp(prefix="lab2-released-")))
        atexit.register(shutil.rmtree, template, True)
        course_steps.release_step(template)
        _RELEASED.append(template)
    shutil.copytree(_RELEASED[0], root, symlinks=True, dirs_exist_ok=True)
    return root


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """A course directory whose release was regenerated from source/ by nbgrader."""
    return released_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="session")
def class_outcomes(course) -> dict:
    """The bundled example class, handed in as an LMS zip, collected and autograded in parallel."""
    archive = examples.build_zip(course, course / "downloaded" / "lms.zip")
    course_steps.collect_step(course, archive)
    return course_steps.autograde(course, examples.demo_students(), workers=2, progress=False)


@pytest.fixture(scope="session")
def graded_class(class_outcomes, course) -> dict[str, gradebook.Submission]:
    """{student: marks per grade cell} of the graded example class, read from the gradebook."""
    return gradebook.read_marks(course)


@pytest.fixture(scope="session")
def feedback_dir(course, graded_class) -> Path:
    """Feedback HTML of the graded example class, rendered without hidden tests."""
    from coursetools import course as steps

    return steps.feedback(course)


# Fixtures that release the course through nbgrader, grade students or start servers: a test
# that uses one is end-to-end (``-m e2e``); ``pytest -m "not e2e"`` is the fast subset.
SLOW_FIXTURES = {"course", "attacked", "bounded", "degenerate", "plain_course", "graded", "texts",
                 "postgres_url", "student_copy"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
