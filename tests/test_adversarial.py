"""Hostile submissions through the real pipeline: no marks gained, nothing harmed, one clear line each.

The attacks are example students (``examples/class.json``, group ``ataques``),
built from the release like every other example. They run only after
``coursetools.grading.sandbox.self_test`` shows that the memory, process and network
limits hold here, so a failure cannot take the machine down.
"""

from __future__ import annotations

import hashlib
import shutil

import psutil
import pytest

from coursetools import course as steps, examples, grade_ids, gradebook, paths
from coursetools.grading import engine, sandbox
from test_grading import EXPECTED_LOSSES, full_points, scores

ATTACKERS = sorted(s for s, spec in examples.roster().items()  # "suite": graded by another test file
                   if spec.get("group") == "ataques" and "suite" not in spec)
# The attackers of Part 1 hand in Part 1 only (Part 2 is not graded for them: nbgrader's
# rule gives its cells 0, and the suite saves a PyTorch notebook per attacker).
PART1 = [c for c in full_points() if c.startswith("p1_")]
TIMEOUT = 240  # wall-clock seconds per notebook, the trusted verdict's time included


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def attacked(course, graded_class):
    """Outcomes and marks after the attackers were graded beside the graded example class."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (.ci/run installs Debian's bubblewrap)")
    failed = sandbox.self_test()
    assert failed == [], f"the sandbox's limits do not hold here: {failed}"
    honest_before = gradebook.read_marks(course)
    watched = [course / "gradebook.db",
               course / "autograded" / "perfecto" / paths.ASSIGNMENT / "parte1_numpy.ipynb",
               course / "source" / paths.ASSIGNMENT / "parte1_numpy.ipynb"]
    digests = {p: _digest(p) for p in watched[1:]}
    examples.build_class(course, ATTACKERS)
    outcomes = steps.autograde(course, ATTACKERS, workers=2, timeout=TIMEOUT, progress=False)
    marks = gradebook.read_marks(course)
    yield {"outcomes": outcomes, "marks": marks, "before": honest_before, "digests": digests}
    gradebook.forget_students(course, ATTACKERS)


def _status(attacked, student):
    return {nb: (o.status, o.detail) for nb, o in attacked["outcomes"][student].items()}


def _handed_in(student: str) -> list[str]:
    """The notebooks ``student`` hands in (``missing`` in examples/class.json: not)."""
    return [n for n in paths.NOTEBOOKS if n not in examples.roster()[student].get("missing", [])]


def _assert_points(attacked, student, losses):
    """Every automatic cell at full points but ``losses``; a notebook not handed in: 0."""
    expected = {c: (p if grade_ids.notebook_of(c) in _handed_in(student) else 0)
                for c, p in full_points().items()}
    expected.update(losses)
    got = {c: s for c, s in scores(attacked["marks"][student]).items() if c in expected}
    assert got == expected


def test_no_other_students_row_or_file_changed(attacked):
    before = attacked["before"]
    assert {s: m for s, m in attacked["marks"].items() if s in before} == before
    for path, digest in attacked["digests"].items():
        assert _digest(path) == digest, path


def test_every_attacker_has_one_line_per_notebook_and_the_class_run_completed(attacked):
    table = engine.outcome_table(attacked["outcomes"])
    assert all(student in table for student in ATTACKERS)
    assert set(attacked["outcomes"]) == set(ATTACKERS)
    for student in ATTACKERS:  # Part 2, handed in or not, is untouched by Part 1's attacks
        assert set(attacked["outcomes"][student]) == set(paths.NOTEBOOKS)
        assert attacked["outcomes"][student]["parte2_pytorch"].status == (
            engine.GRADED if "parte2_pytorch" in _handed_in(student) else engine.MISSING)


def test_reading_the_course_and_writing_the_gradebook_finds_nothing(course, attacked):
    import nbformat

    _assert_points(attacked, "ataque_lee_y_escribe", {})
    nb = nbformat.read(course / "autograded" / "ataque_lee_y_escribe" / paths.ASSIGNMENT /
                       "parte1_numpy.ipynb", as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "p1_e1_solution")
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert "encontrado: []" in text
    assert "escrito:" not in text and text.count("no se pudo escribir") == 2


def test_a_detached_process_is_gone_with_its_notebook(course, attacked):
    _assert_points(attacked, "ataque_proceso_suelto", {"p1_e9_bonus_pool_backward": 0})
    alive = [p for p in psutil.process_iter(["cmdline"])
             if any("ataque_tarde" in part for part in (p.info["cmdline"] or []))]
    assert alive == []


def test_a_numpy_module_beside_the_notebook_is_not_used(course, attacked):
    _assert_points(attacked, "ataque_numpy_propio", EXPECTED_LOSSES["bug_pad_slice"])
    assert (course / "submitted" / "ataque_numpy_propio" / paths.ASSIGNMENT / "numpy.py").exists()
    assert not (course / "autograded" / "ataque_numpy_propio" / paths.ASSIGNMENT / "numpy.py").exists()


def test_edited_and_deleted_test_cells_are_restored(attacked):
    _assert_points(attacked, "ataque_celdas_editadas", EXPECTED_LOSSES["bug_stride_ignored"])


def test_a_fork_bomb_slows_its_own_notebook_only(attacked):
    # Its children spin on one core (the cpu cgroup) until the notebook ends, so what
    # runs after the bomb (the rest of the notebook, then the trusted verdict, which
    # runs the student's cells again) is slow: depending on the machine the notebook
    # hits the wall-clock limit, the verdict does, or both finish. It never gains a
    # mark it did not earn, and its processes die.
    status, detail = _status(attacked, "ataque_bomba_fork")["parte1_numpy"]
    if status == engine.GRADED:
        # its processes die with the kernel's pid namespace; any left in its cgroups are
        # killed by the pool and named
        assert detail == "" or detail.endswith("procesos seguían vivos al terminar: eliminados"), detail
        _assert_points(attacked, "ataque_bomba_fork", {"p1_e9_bonus_pool_backward": 0})
    elif status == engine.TIMEOUT:
        assert detail.startswith(f"detenido a los {TIMEOUT} s"), detail
        assert all(scores(attacked["marks"]["ataque_bomba_fork"])[c] is None for c in PART1)
    else:  # the verdict's worker could not start, or the kernel stopped answering in time
        assert status == engine.FAILED and ("verificación externa imposible" in detail
                                                or "timed out" in detail), detail
        assert all(scores(attacked["marks"]["ataque_bomba_fork"])[c] is None for c in PART1)


def test_a_memory_bomb_fails_its_notebook_with_the_reason(attacked):
    status, detail = _status(attacked, "ataque_bomba_memoria")["parte1_numpy"]
    assert status == engine.FAILED and detail.startswith("memoria agotada (límite 3.0 GB)")
    assert all(scores(attacked["marks"]["ataque_bomba_memoria"])[c] is None for c in PART1)


def test_os_exit_fails_its_notebook_and_gains_nothing(attacked):
    status, detail = _status(attacked, "ataque_os_exit")["parte1_numpy"]
    assert status == engine.FAILED and "Kernel died" in detail
    assert all(scores(attacked["marks"]["ataque_os_exit"])[c] is None for c in PART1)


def test_a_kernel_that_swaps_the_verdicts_channel_gets_a_fresh_process(course, attacked):
    # Its thread replaces the requests FIFO with a link to the instructor's notebook; the
    # grader refuses the kernel's channel (never follows the link: that notebook's digest is
    # checked above), runs the student's cells in a fresh process, and every point stands.
    assert _status(attacked, "ataque_canal_falso")["parte1_numpy"] == (engine.GRADED, "")
    _assert_points(attacked, "ataque_canal_falso", {})
    log = (course / paths.GRADING / "logs" / "ataque_canal_falso.parte1_numpy.verdict.log")
    assert "no atendió la verificación" in log.read_text(encoding="utf-8")


def test_a_cell_sleeping_past_the_time_out_is_interrupted(attacked):
    assert _status(attacked, "ataque_dormir")["parte1_numpy"] == (engine.GRADED, "")
    _assert_points(attacked, "ataque_dormir", {"p1_e9_bonus_pool_backward": 0})


def test_a_flood_of_output_is_trimmed(course, attacked):
    assert _status(attacked, "ataque_inunda_salida")["parte1_numpy"] == \
        (engine.GRADED, "salidas de más de 256 KB recortadas")
    _assert_points(attacked, "ataque_inunda_salida", {"p1_e9_bonus_pool_backward": 0})
    graded = course / "autograded" / "ataque_inunda_salida" / paths.ASSIGNMENT / "parte1_numpy.ipynb"
    assert graded.stat().st_size < 2 * 2**20


# The kernel's marks boxes carry the bonus; an attacker that replaces marks() (or ipykernel's
# do_execute) loses them there, and the trusted verdict gives back what the code earns.
BONUS_RESTORED = (", p1_e9_bonus_conv_forward bonus 0→3, p1_e9_bonus_pool_forward bonus 0→2, "
                  "p1_e9_bonus_conv_backward bonus 0→3, p1_e9_bonus_pool_backward bonus 0→2")


@pytest.mark.parametrize("student, review", [
    ("ataque_revisor_falso", "p1_e3_visible 15→10"),
    ("ataque_transformador", "p1_e3_visible 15→10"),
    ("ataque_marks_falsos", "p1_e3_visible 15→10" + BONUS_RESTORED),
    ("ataque_codifica_celdas", None)])
def test_faked_checks_get_the_trusted_points(course, attacked, student, review):
    # Each hands in bug_stride_ignored's conv_forward. It fails the visible stride-2 case of
    # Exercise 3, which the fakers make pass in their kernel: the trusted verdict records
    # bug_stride_ignored's points and flags the difference. The hidden stride-2 check never
    # runs in the kernel: its points and its one line come from the trusted verdict, so
    # there is nothing to fake there. (ataque_codifica_celdas only prints: no flag.)
    import nbformat

    _assert_points(attacked, student, EXPECTED_LOSSES["bug_stride_ignored"])
    outcome = attacked["outcomes"][student]["parte1_numpy"]
    assert (outcome.status, outcome.review) == (
        engine.GRADED, f"la verificación externa corrige {review}" if review else "")
    nb = nbformat.read(course / "autograded" / student / paths.ASSIGNMENT / "parte1_numpy.ipynb",
                       as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "p1_e3_hidden_stride2")
    assert cell.source == "# Prueba oculta: stride 2 con pad 1 en imágenes no cuadradas."
    assert [o.get("text") for o in cell.outputs] == [
        "✗ Prueba oculta: 0 de 3 puntos (calificada fuera de su notebook)\n"]


def _decoded(text: str) -> str:
    """``text`` plus every base64, hex, reversed and zlib+base64 payload found in it, decoded."""
    import base64
    import binascii
    import re
    import zlib

    found = [text, text[::-1].replace("n\\", "\n")]
    for token in re.findall(r"[A-Za-z0-9+/=]{16,}", text):
        for decode in (lambda t: base64.b64decode(t, validate=True),
                       lambda t: zlib.decompress(base64.b64decode(t, validate=True)),
                       bytes.fromhex):
            try:
                found.append(decode(token).decode("utf-8"))
            except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
                pass
    return "\n".join(found)


@pytest.fixture(scope="module")
def attacked_feedback(course, attacked):
    """The feedback pages of the class with the attackers, rendered once for this module."""
    return steps.feedback(course)


@pytest.mark.parametrize("student", ["ataque_codifica_celdas", "ataque_transformador"])
def test_no_hidden_test_reaches_the_kernel_in_any_encoding(course, attacked, attacked_feedback, student):
    import html
    import re

    from coursetools import feedback
    pages = [course / "autograded" / student / paths.ASSIGNMENT / f"{n}.ipynb" for n in _handed_in(student)]
    pages += [course / "feedback" / student / paths.ASSIGNMENT / f"{n}.html" for n in _handed_in(student)]
    decoded = "\n".join(_decoded(html.unescape(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8"))))
                        + _decoded(p.read_text(encoding="utf-8")) for p in pages)
    source = course / "source" / paths.ASSIGNMENT
    secret = set().union(*(feedback.hidden_lines(source, n) for n in paths.NOTEBOOKS))
    assert len(secret) > 50
    assert sorted(line for line in secret if line in decoded) == []
    if student == "ataque_codifica_celdas":  # the hook did leak what reached the kernel
        import nbformat

        nb = nbformat.read(pages[0], as_version=4)
        leaked = [_decoded(line[4:]) for c in nb.cells for o in c.get("outputs", [])
                  for line in o.get("text", "").splitlines() if line.startswith("B64:")]
        assert any('with marks(5, "e3_Z"' in text for text in leaked)


def test_honest_example_class_agrees_with_the_trusted_verdict(class_outcomes):
    reviews = {s: o.review for s, per in class_outcomes.items() for o in per.values() if o.review}
    assert reviews == {}


def test_rebinding_np_allclose_changes_nothing(attacked):
    _assert_points(attacked, "ataque_allclose", EXPECTED_LOSSES["bug_stride_ignored"])
    assert attacked["outcomes"]["ataque_allclose"]["parte1_numpy"].review == ""


def test_an_array_subclass_that_lies_in_comparisons_is_rejected(attacked):
    # zero_pad's values are right, its type is not: the cells that check zero_pad's
    # result directly are lost (in the kernel and in the trusted verdict alike);
    # everything built on it still works. (The "not mutated" check pays only with a
    # right result since degenerate submissions were measured, so it is lost too.)
    _assert_points(attacked, "ataque_subclase", {"p1_e1_visible": 0, "p1_e1_hidden_pad0": 0,
                                                 "p1_e1_hidden_nonsquare": 0,
                                                 "p1_e1_hidden_no_mutation": 0})
    assert attacked["outcomes"]["ataque_subclase"]["parte1_numpy"].review == ""


def test_hiding_errors_and_patching_do_execute_is_overruled(attacked):
    # In the kernel the visible pool_backward test stops at its first line with no
    # trace, which nbgrader scores as full marks; the trusted verdict does not.
    _assert_points(attacked, "ataque_sin_errores", EXPECTED_LOSSES["bug_pool_assign"])
    assert attacked["outcomes"]["ataque_sin_errores"]["parte1_numpy"].review == \
        "la verificación externa corrige p1_e7_visible 10→0" + BONUS_RESTORED


@pytest.mark.parametrize("student, honest, review", [
    ("ataque_parte2_revisor_falso", "bug_pesos_sin_permutar", "p2_e2_visible 20→9"),
    ("ataque_parte2_allclose", "bug_sin_zero_grad", "p2_e5_visible 10→5"),
])
def test_part2_faked_checks_get_the_trusted_points_and_a_review_flag(attacked, student, honest, review):
    # Part 2's test cells (models, optimizers, loaders) run on the trusted side too:
    # the student's objects stay in its process and answer with plain data.
    _assert_points(attacked, student, EXPECTED_LOSSES[honest])
    outcome = attacked["outcomes"][student]["parte2_pytorch"]
    assert (outcome.status, outcome.review) == (engine.GRADED, "la verificación externa corrige " + review)
    assert attacked["outcomes"][student]["parte1_numpy"].review == ""
