"""Degenerate submissions earn (almost) nothing: a check pays only for behaviour that needs a working implementation.

The degenerate students are example students (``examples/class.json``, group
``degenerados``, graded here only, names ``degenerado_*``), built from the untouched release with
every solution cell of one notebook replaced: zeros of the right shape,
functions that hand back their input with consistent backward passes, random
data loaders and a zero-output model with the right layers. They are graded
alone, in a fresh course, through the real pipeline (release, sandboxed
autograde, trusted verdict), and must score at most 5 % of each notebook's
automatic points, exactly as listed here.
"""

from __future__ import annotations

import pytest

from conftest import released_course
from coursetools import course as steps, examples, gradebook
from test_grading import full_points, scores

DEGENERATE = sorted(s for s in examples.roster() if s.startswith("degenerado_"))
SHARE = 0.05  # at most 5 % of a notebook's automatic points

# The points each one keeps (every other automatic cell: 0). Measured before the
# checks were tightened: degenerado_ceros 26 (p1_e1_hidden_no_mutation 1,
# p1_e3_visible 5, p1_e3_hidden_no_mutation 2, p1_e5_hidden_gradcheck 4,
# p1_e7_hidden_gradcheck 4, p1_e8_visible_gradients 5, p1_e8_visible_training 5),
# degenerado_identidad 24, degenerado_parte2 36 of Part 2's 85.
EXPECTED = {
    # every function returns zeros; Exercise 8 also zeroes the labels and parameters it gets
    "degenerado_ceros": {},
    # conv_backward's db = sum(dZ) is the one line it does implement (and it is right):
    # the db parts of the visible check (3 of 15: it no longer depends on the student's
    # forward) and of the pad-0, stride-2 and numeric-gradient checks.
    "degenerado_identidad": {"p1_e5_visible": 3, "p1_e5_hidden_pad0": 1, "p1_e5_hidden_stride2": 1,
                             "p1_e5_hidden_gradcheck": 1},
    # random loaders, zero-output model with the right layers, autograd zeroing its input
    "degenerado_parte2": {},
}


@pytest.fixture(scope="module")
def degenerate(tmp_path_factory):
    """(outcomes, marks) of the degenerate students graded in a fresh course."""
    root = released_course(tmp_path_factory.mktemp("degenerate"))
    examples.build_class(root, DEGENERATE)
    outcomes = steps.autograde(root, DEGENERATE, workers=2, progress=False)
    return outcomes, gradebook.read_marks(root)


def _automatic(student, marks) -> dict[str, float]:
    return {c: s for c, s in scores(marks[student]).items() if c in full_points()}


def test_the_fixtures_are_the_ones_listed():
    assert DEGENERATE == sorted(EXPECTED)
    for student in DEGENERATE:
        spec = examples.roster()[student]
        assert spec["group"] == "degenerados" and spec["demo"] is False and spec["base"] == "release"


@pytest.mark.e2e
def test_degenerate_submissions_are_graded_without_a_review_flag(degenerate):
    outcomes, _ = degenerate
    for student in DEGENERATE:
        # the kernel and the trusted verdict agree: the checks themselves no longer pay
        assert {nb: (o.status, o.review) for nb, o in outcomes[student].items()} == \
            {"parte1_numpy": ("graded", ""), "parte2_pytorch": ("graded", "")}


@pytest.mark.e2e
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_exact_points_of_each_degenerate_submission(degenerate, student):
    _, marks = degenerate
    expected = {cell: 0 for cell in full_points()}
    expected.update(EXPECTED[student])
    assert _automatic(student, marks) == expected


@pytest.mark.e2e
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_degenerate_submissions_score_at_most_five_percent(degenerate, student):
    _, marks = degenerate
    got = _automatic(student, marks)
    for part in ("p1_", "p2_"):
        maximum = sum(p for c, p in full_points().items() if c.startswith(part))
        assert sum(s for c, s in got.items() if c.startswith(part)) <= SHARE * maximum
