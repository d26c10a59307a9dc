"""One file cannot stop the class (issue: trust, round 2, item 4).

``anidado_profundo`` hands in a Part 1 that is valid JSON nested 50,000 levels
deep (a plain ``json.loads`` raises RecursionError) and no Part 2; ``sin_tocar``
is graded in the same run. Every per-student step reports the bad notebook in
one line and keeps the other student's results.
"""

from __future__ import annotations

import csv

import pytest

from conftest import released_course
from coursetools import collect, course as steps, examples, gradebook, paths
from coursetools.grading import engine

pytestmark = pytest.mark.e2e

REASON = "parte1_numpy.ipynb anida más de 64 niveles de JSON"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = released_course(tmp_path_factory.mktemp("one_file"))
    examples.build_class(course, ["anidado_profundo", "sin_tocar"])
    outcomes = steps.autograde(course, ["anidado_profundo", "sin_tocar"], workers=2, progress=False)
    return course, outcomes


def test_the_deep_notebook_is_refused_by_the_limit_it_broke(graded):
    course, outcomes = graded
    deep = outcomes["anidado_profundo"]
    assert (deep["parte1_numpy"].status, deep["parte1_numpy"].detail) == (engine.INVALID, REASON)
    assert deep["parte2_pytorch"].status == engine.MISSING
    assert collect.inventory(course)["anidado_profundo"][0] == f"parte1_numpy: NO VÁLIDO: {REASON}"


def test_the_other_student_is_graded_and_recorded(graded):
    course, outcomes = graded
    assert {nb: o.status for nb, o in outcomes["sin_tocar"].items()} == \
        {nb: engine.GRADED for nb in paths.NOTEBOOKS}
    marks = gradebook.read_marks(course)
    assert marks["sin_tocar"].cells["p1_e1_visible"] == (0.0, 5.0)
    assert all(marks["anidado_profundo"].cells[c][0] is None
               for c in marks["anidado_profundo"].cells if c.startswith("p1_") and "answer" not in c)


def test_feedback_export_and_report_go_on(graded):
    course, _ = graded
    steps.feedback(course)
    assert (course / "feedback" / "sin_tocar" / paths.ASSIGNMENT / "parte1_numpy.html").exists()
    rows = {r["estudiante"]: r for r in csv.DictReader(
        steps.export_step(course).read_text(encoding="utf-8-sig").splitlines())}
    assert set(rows) == {"anidado_profundo", "sin_tocar"}
    assert rows["anidado_profundo"]["carne_1"] == "310042"  # read as text, never parsed as JSON
    assert "anidado_profundo" in steps.report_step(course).read_text(encoding="utf-8")
