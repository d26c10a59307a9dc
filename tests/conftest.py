"""Shared fixtures: one temporary course directory, released and graded once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coursetools import course as course_steps
from coursetools import examples, gradebook, paths, release


def make_course(root: Path) -> Path:
    """A fresh course directory with this repository's sources and config."""
    shutil.copy(paths.ROOT / "nbgrader_config.py", root)
    shutil.copytree(paths.SOURCE, root / "source" / paths.ASSIGNMENT,
                    ignore=shutil.ignore_patterns("cnnlab", "__pycache__", ".ipynb_checkpoints"))
    (root / "data").mkdir()
    (root / "data" / "cats-and-dogs").symlink_to(paths.DATA, target_is_directory=True)
    return root


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """A course directory whose release was regenerated from source/ by nbgrader."""
    root = make_course(tmp_path_factory.mktemp("course"))
    release.release(root)
    return root


@pytest.fixture(scope="session")
def graded_class(course) -> dict[str, gradebook.Submission]:
    """The bundled example class, built from the release and autograded by nbgrader."""
    examples.build_class(course)
    course_steps.autograde(course)
    return gradebook.read_marks(course)


@pytest.fixture(scope="session")
def feedback_dir(course, graded_class) -> Path:
    """Feedback HTML of the graded example class, rendered without hidden tests."""
    from coursetools import course as steps

    return steps.feedback(course)
