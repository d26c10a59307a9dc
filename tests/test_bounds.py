"""The trusted verdict and the sandbox are bounded: replies, time, disk, shared memory, outputs.

Attack students of ``examples/class.json`` (group ``ataques``, ``suite: bounds``)
are graded through the real pipeline in a fresh course of their own; the
fast tests below check the same bounds on hand-made inputs.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from coursetools import course as steps, examples, gradebook, output_limits, paths
from coursetools.grading import engine, sandbox
from coursetools.grading.verdict import ReplyLimits, VerdictError, read_reply
from coursetools.grading.verdict_worker import pack

ATTACKERS = sorted(s for s, spec in examples.roster().items() if spec.get("suite") == "bounds")
# Wall-clock seconds per notebook, the verdict included. Under the verdict's per-call limit
# (120 s), so the slow verdict always meets the notebook's deadline first, whatever the load.
TIMEOUT = 100
PART1 = "parte1_numpy"


# --- replies of the student's process ----------------------------------------------------------

def _npz(members: dict[str, tuple[tuple, str]], meta=None) -> bytes:
    """An .npz whose members declare ``{name: (shape, dtype)}`` and hold no data at all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with archive.open("__meta__.npy", "w") as member:
            np.lib.format.write_array(member, np.array(json.dumps(meta or {"result": 1})))
        for name, (shape, dtype) in members.items():
            with archive.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array_header_1_0(
                    member, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
                             "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _reject(data: bytes, limits: ReplyLimits = ReplyLimits()) -> str:
    with pytest.raises(VerdictError) as error:
        read_reply(data, limits)
    return str(error.value)


def test_a_plain_reply_is_read():
    meta, arrays = read_reply(pack({"result": {"__array__": "a0"}}, {"a0": np.arange(6.0)})[8:])
    assert meta == {"result": {"__array__": "a0"}} and arrays["a0"].tolist() == [0, 1, 2, 3, 4, 5]


def test_a_huge_declared_array_is_rejected_before_loading():
    assert _reject(_npz({"a0": ((436_207_616,), "<f8")})) == (
        "respuesta rechazada: la matriz 'a0' declara (436207616,) de float64, 3.25 GiB en total "
        "(límite 256.0 MB)")


def test_object_arrays_too_many_members_and_elements_are_rejected():
    assert _reject(_npz({"a0": ((3,), "O")})) == "respuesta rechazada: la matriz 'a0' es de objetos"
    assert _reject(_npz({f"a{k}": ((1,), "<f8") for k in range(10)}), ReplyLimits(members=5)) == \
        "respuesta rechazada: 11 matrices (límite 5)"
    # a zero-size dtype has no bytes but 2**40 elements still cost time
    assert _reject(_npz({"a0": ((2**40,), "V0")})) == \
        f"respuesta rechazada: {2**40 + 1} elementos en total (límite {64 * 2**20})"


def test_a_deep_or_wide_json_tree_and_garbage_are_rejected():
    deep = {"result": [[[[[[1]]]]]]}
    assert _reject(pack(deep, {})[8:], ReplyLimits(json_depth=4)) == \
        "respuesta rechazada: anidada más de 4 niveles"
    assert _reject(pack({"result": list(range(100))}, {})[8:], ReplyLimits(json_nodes=50)) == \
        "respuesta rechazada: más de 50 valores"
    assert _reject(b"PK\x03\x04 not a zip").startswith("respuesta ilegible: BadZipFile")
    assert _reject(bytes(300), ReplyLimits(reply_bytes=100)) == \
        "respuesta rechazada: 0.0 MB (límite 0.0 MB)"


# --- outputs of the graded notebook -------------------------------------------------------------

def _notebook(*outputs) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=list(outputs))]
    return nb


def _png(megabytes: float) -> nbformat.NotebookNode:
    import base64

    data = base64.b64encode(bytes(int(megabytes * 2**20))).decode()
    return nbformat.v4.new_output("display_data", data={"image/png": data, "text/plain": "<Image>"})


def test_an_image_over_the_output_limit_is_replaced_by_a_line():
    nb = _notebook(_png(6.0), _png(1.0))
    assert output_limits.trim_notebook(nb) == ["imagen de 6.0 MB omitida: límite 5 MB por salida"]
    first, second = nb.cells[0].outputs
    assert first == {"output_type": "stream", "name": "stdout",
                     "text": "[imagen de 6.0 MB omitida: límite 5 MB por salida]\n"}
    assert second.data["image/png"]  # a small image stays
    nbformat.validate(nb)


def test_outputs_past_the_notebook_budget_are_replaced_and_text_is_cut():
    text = nbformat.v4.new_output("stream", name="stdout", text="x" * 300_000)
    nb = _notebook(text, *[_png(3.0) for _ in range(8)])
    assert output_limits.trim_notebook(nb) == [
        "salidas de más de 256 KB recortadas",
        "imagen de 3.0 MB omitida: límite 20 MB por notebook (×2)"]
    kept = [o for o in nb.cells[0].outputs if o.output_type == "display_data"]
    assert len(kept) == 6 and nb.cells[0].outputs[-1].text.startswith("[imagen de 3.0 MB omitida")
    assert nb.cells[0].outputs[0].text.endswith("[... salida recortada: 0.3 MB en total]\n")


# --- through the real pipeline ------------------------------------------------------------------

@pytest.fixture(scope="module")
def bounded(tmp_path_factory):
    """Outcomes and marks of the bounds attackers, graded in a fresh course of their own."""
    from conftest import released_course

    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (.ci/run installs Debian's bubblewrap)")
    course = released_course(tmp_path_factory.mktemp("bounds"))
    examples.build_class(course, ATTACKERS)
    outcomes = steps.autograde(course, ATTACKERS, workers=2, timeout=TIMEOUT, progress=False)
    return {"course": course, "outcomes": outcomes, "marks": gradebook.read_marks(course)}


def _status(bounded, student, notebook=PART1):
    outcome = bounded["outcomes"][student][notebook]
    return outcome.status, outcome.detail


def _graded(bounded, student) -> Path:
    return bounded["course"] / "autograded" / student / paths.ASSIGNMENT / f"{PART1}.ipynb"


def _full_marks(bounded, student) -> bool:
    from test_grading import full_points, scores

    expected = {c: p for c, p in full_points().items() if c.startswith("p1_")}
    got = {c: s for c, s in scores(bounded["marks"][student]).items() if c in expected}
    return got == expected


def _unmarked(bounded, student) -> bool:
    cells = bounded["marks"][student].cells
    return all(score is None for cell, (score, _) in cells.items() if cell.startswith("p1_"))


@pytest.mark.e2e
def test_every_bounds_attacker_has_its_outcome(bounded):
    # Part 1 only (Part 2 is not handed in, to keep this file fast).
    assert set(bounded["outcomes"]) == set(ATTACKERS)
    for student in ATTACKERS:
        assert _status(bounded, student, "parte2_pytorch") == (engine.MISSING, "falta parte2_pytorch.ipynb")


@pytest.mark.e2e
def test_a_reply_declaring_a_huge_array_fails_the_verdict_and_memory_stays_small(bounded):
    assert _status(bounded, "ataque_respuesta_enorme") == (
        engine.FAILED,
        "verificación externa imposible: respuesta rechazada: la matriz 'a0' declara (436207616,) "
        "de float64, 3.25 GiB en total (límite 256.0 MB)")
    assert _unmarked(bounded, "ataque_respuesta_enorme")
    log = (bounded["course"] / engine.GRADING / "logs" /
           f"ataque_respuesta_enorme.{PART1}.verdict.log").read_text(encoding="utf-8")
    peak = int(re.search(r"memoria máxima del proceso de confianza: (\d+) bytes", log).group(1))
    assert 0 < peak < 1 * 2**30  # the reply's array was never allocated


@pytest.mark.e2e
def test_a_verdict_sleeping_per_call_stops_at_the_notebooks_wall_clock_limit(bounded):
    assert _status(bounded, "ataque_verificacion_lenta") == (
        engine.TIMEOUT, f"detenido a los {TIMEOUT} s (verificación externa)")
    assert _unmarked(bounded, "ataque_verificacion_lenta")


@pytest.mark.e2e
def test_writing_gigabytes_fills_only_bounded_tmpfs_counted_in_memory(bounded):
    assert _status(bounded, "ataque_llena_disco") == (engine.GRADED, "")
    assert _full_marks(bounded, "ataque_llena_disco")
    nb = nbformat.read(_graded(bounded, "ataque_llena_disco"), as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "p1_e9_solution_pool_backward")
    assert "".join(o.get("text", "") for o in cell.outputs) == (
        "HOME: 512 MB en tmpfs, OSError 28\n"
        "TMPDIR: 512 MB en tmpfs, OSError 28\n"
        "cwd: 512 MB en tmpfs, OSError 28\n"
        "/dev/shm: 512 MB en tmpfs, OSError 28\n"
        "carpeta compartida: 1024 MB en tmpfs, sin error, contado en memoria\n")
    assert sandbox.scratch_base() == "/dev/shm"  # the shared folder: the host's tmpfs, not its disk


@pytest.mark.e2e
def test_a_60_mb_image_is_cut_from_the_graded_notebook_and_the_feedback(bounded):
    assert _status(bounded, "ataque_imagen_enorme") == (
        engine.GRADED, "imagen de 60.0 MB omitida: límite 5 MB por salida")
    assert _full_marks(bounded, "ataque_imagen_enorme")
    graded = _graded(bounded, "ataque_imagen_enorme")
    assert graded.stat().st_size < 2 * 2**20
    note = "[imagen de 60.0 MB omitida: límite 5 MB por salida]"
    assert note in graded.read_text(encoding="utf-8")
    steps.feedback(bounded["course"])
    page = bounded["course"] / "feedback" / "ataque_imagen_enorme" / paths.ASSIGNMENT / f"{PART1}.html"
    assert page.stat().st_size < 2 * 2**20 and note in page.read_text(encoding="utf-8")
