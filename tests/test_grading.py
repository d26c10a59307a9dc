"""End to end: the example class through nbgrader (generate -> submit -> autograde -> gradebook).

Every expectation is exact, per grade cell: a student keeps the full points of
every cell not listed, and gets exactly the listed score in the listed cells.
"""

import re

import nbformat
import pytest

from coursetools import examples, paths
from coursetools.grading import outcomes
from test_notebooks import ORIGINAL_PRINTS

# Cells that each example student loses, with the score they keep there.
EXPECTED_LOSSES = {
    "perfecto": {},
    "vectorizado": {},
    # conv_backward crops with [pad:-pad]: only the pad-0 hidden case breaks.
    "bug_pad_slice": {"p1_e5_hidden_pad0": 0},
    # pool_backward with = : overlapping windows (visible, gradient check) break;
    # the stride-2 case has no overlap and still passes.
    "bug_pool_assign": {"p1_e7_visible": 0, "p1_e7_hidden_gradcheck": 0},
    # conv_forward ignores the stride: the visible stride-2 case (5 of Exercise 3's 15)
    # and the stride-2 hidden case break.
    "bug_stride_ignored": {"p1_e3_visible": 10, "p1_e3_hidden_stride2": 0},
    # average-pool backward without /(f*f): the average half of each Exercise 7 cell.
    "bug_avg_no_divide": {"p1_e7_visible": 5, "p1_e7_hidden_stride2": 2,
                          "p1_e7_hidden_gradcheck": 2},
    # softmax derivative on top of A - Y: every gradient is wrong, yet the cost
    # still falls on the synthetic batch (more slowly), so the training check passes.
    "bug_softmax_derivative": {"p1_e8_visible_gradients": 0, "p1_e8_hidden_gradients": 0},
    # gradients of the summed cost (m times too large): wrong gradients, and with
    # the test's learning rate the steps are too large for the cost to halve.
    "bug_not_averaged": {"p1_e8_visible_gradients": 0, "p1_e8_hidden_gradients": 0,
                         "p1_e8_visible_training": 0},
    # Part 2. Filters reshaped instead of permuted: every convolution check fails;
    # pooling and the dtype/type/shape check keep their marks.
    "bug_pesos_sin_permutar": {"p2_e2_visible": 9, "p2_e2_hidden_stride2": 2,
                               "p2_e2_hidden_backward": 0},
    # evaluate without model.eval()/no_grad: the values of a plain linear model are
    # right, the mode checks fail.
    "bug_evaluate_sin_eval": {"p2_e5_visible": 8, "p2_e5_hidden": 2},
    # gradients never zeroed: the weights after the epoch, and so the mean loss, are wrong.
    "bug_sin_zero_grad": {"p2_e5_visible": 5, "p2_e5_hidden": 2},
    # correct code whose calls emit a UserWarning: nothing lost.
    "aviso_userwarning": {},
    # correct, late: the points are all there (the late policy acts in the CSV).
    "tarde": {},
    # an endless loop at the top of the last bonus cell: nbgrader interrupts that
    # cell at its time-out, pool_backward_vec is never defined, and only its 2
    # bonus points (extra credit) are lost.
    "bucle_infinito": {"p1_e9_bonus_pool_backward": 0},
    # the bonus functions call the loop versions: right values, but each is far over
    # the bonus's time budget on the large batch, so no bonus point at all.
    "bonus_con_bucles": {"p1_e9_bonus_conv_forward": 0, "p1_e9_bonus_pool_forward": 0,
                         "p1_e9_bonus_conv_backward": 0, "p1_e9_bonus_pool_backward": 0},
}


def _cells_of(prefixes) -> list[str]:
    return [c for c in full_points() if c.startswith(tuple(p + "_" for p in prefixes))]


def losses_of_special_students() -> dict[str, dict]:
    """Students whose losses follow from their spec: stubs left, notebooks missing or broken."""
    roster = examples.roster()
    return {
        # exercises left as handed out score 0, the rest in full
        "parcial": {c: 0 for c in _cells_of(roster["parcial"]["stubs"])},
        # a notebook not handed in: 0 in each of its cells (nbgrader's rule), flagged in the CSV
        "sin_parte2": {c: 0 for c in _cells_of(["p2"])},
        # a notebook that is not JSON: no automatic score at all (never a silent 0)
        "json_roto": {c: None for c in _cells_of(["p1"])},
    }


def full_points() -> dict[str, float]:
    """{grade_id: points} of every autograded cell of the source notebooks; a bonus cell's
    points are its extra credit (``coursetools.bonus``)."""
    points = {}
    for name in paths.NOTEBOOKS:
        nb = nbformat.read(paths.SOURCE / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and cell.cell_type == "code":
                points[meta["grade_id"]] = cell.metadata.get("lab2", {}).get("bonus", meta["points"])
    return points


def scores(submission) -> dict[str, float | None]:
    """{grade_id: score} of a graded student, the bonus cells' extra credit included."""
    got = {cell: score for cell, (score, _) in submission.cells.items()}
    got.update({cell: earned for cell, (earned, _) in submission.extra.items()})
    return got


def test_every_example_student_was_graded(graded_class):
    assert set(graded_class) == set(examples.demo_students())
    assert set(EXPECTED_LOSSES) | set(losses_of_special_students()) | {"sin_tocar"} == \
        set(examples.demo_students())


@pytest.mark.parametrize("student", sorted(EXPECTED_LOSSES) + sorted(losses_of_special_students()))
def test_exact_points_per_grade_cell(graded_class, student):
    expected = dict(full_points())
    expected.update({**EXPECTED_LOSSES, **losses_of_special_students()}[student])
    got = {cell: score for cell, score in scores(graded_class[student]).items() if cell in expected}
    assert got == expected
    assert len(expected) >= 30


def test_every_graded_notebook_was_verified_by_its_own_kernel(course, class_outcomes):
    # After its last cell each kernel answers the trusted verdict itself; a fresh process
    # runs the student's cells again only when the kernel does not (its log says so).
    logs = course / paths.GRADING / "logs"
    graded = [(s, nb) for s, per in class_outcomes.items() for nb, o in per.items()
              if o.status == outcomes.GRADED]
    assert len(graded) >= 30
    for student, notebook in graded:
        log = (logs / f"{student}.{notebook}.verdict.log").read_text(encoding="utf-8")
        assert "no atendió la verificación" not in log, (student, notebook)


def test_untouched_release_scores_zero_in_every_graded_cell(graded_class):
    cells = scores(graded_class["sin_tocar"])
    assert set(full_points()) <= set(cells)
    assert {cell: score for cell, score in cells.items() if cell in full_points()} == \
        {cell: 0 for cell in full_points()}


def test_the_bonus_is_extra_credit_beside_the_maximum(graded_class):
    perfect = graded_class["perfecto"]
    required = {g: p for g, p in full_points().items() if g not in perfect.extra}
    assert perfect.total[1] == sum(required.values()) + sum(  # + the written answers
        m for g, (_, m) in perfect.cells.items() if g not in required)
    assert perfect.extra_total == (10.0, 10.0)
    assert graded_class["bonus_con_bucles"].extra_total == (0.0, 10.0)
    # every required point and no bonus: the whole maximum, not 10 short of it
    assert graded_class["bonus_con_bucles"].total[0] == graded_class["perfecto"].total[0]


def _stdout(nb) -> str:
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.output_type == "stream")


def test_perfect_submission_prints_the_original_numbers_and_no_stderr(course, graded_class):
    nb = nbformat.read(course / "autograded" / "perfecto" / paths.ASSIGNMENT / "parte1_numpy.ipynb",
                       as_version=4)
    tokens = set(re.findall(r"-?\d+\.\d+", _stdout(nb)))
    assert [v for v in ORIGINAL_PRINTS if v not in tokens] == []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for out in cell.outputs:
                assert out.output_type != "error", cell.metadata["nbgrader"]["grade_id"]
                assert not (out.output_type == "stream" and out.name == "stderr")


def test_feedback_for_a_buggy_submission_shows_reason_and_hint(course, graded_class):
    def outputs(student, grade_id):
        nb = nbformat.read(course / "autograded" / student / paths.ASSIGNMENT / "parte1_numpy.ipynb",
                           as_version=4)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        return "\n".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)

    # a visible check says why it failed; a hidden one (run on the trusted side only)
    # shows its result and nothing of its inputs
    assert "✗" in outputs("bug_pool_assign", "p1_e7_visible")
    assert "Motivo:" in outputs("bug_pool_assign", "p1_e7_visible")
    assert outputs("bug_stride_ignored", "p1_e3_hidden_stride2") == \
        "✗ Prueba oculta: 0 de 3 puntos (calificada fuera de su notebook)\n"


def test_written_answers_wait_for_a_manual_grade(graded_class):
    for student in ("perfecto", "bug_pad_slice"):
        cells = graded_class[student].cells
        assert [cells[f"p1_e8_answer_q{k}"] for k in (1, 2, 3)] == [(None, 5.0)] * 3
    # an untouched answer is worth 0 without waiting for anyone
    cells = graded_class["sin_tocar"].cells
    assert [cells[f"p1_e8_answer_q{k}"] for k in (1, 2, 3)] == [(0.0, 5.0)] * 3


def test_a_userwarning_does_not_cost_marks_and_is_shown_on_stdout(course, graded_class):
    nb = nbformat.read(course / "autograded" / "aviso_userwarning" / paths.ASSIGNMENT /
                       "parte2_pytorch.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") ==
                "p2_e1_visible")
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                     for o in cell.outputs)
    assert "Aviso capturado: UserWarning" in text
    assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
