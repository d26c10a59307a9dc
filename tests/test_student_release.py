"""The release works on its own, as on a student's computer: nothing from the instructor's repo."""

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from coursetools import examples, paths, points


def visible_points(name: str) -> float:
    """Points of the visible test cells of one source notebook (what the running total counts)."""
    nb = nbformat.read(paths.SOURCE / f"{name}.ipynb", as_version=4)
    return sum(c.metadata["nbgrader"]["points"] for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade_id", "").split("_")[2:3] == ["visible"])


def fixed_cell_problems(nb) -> list[str]:
    """Tracebacks or stderr (a progress bar) in the read-only cells: each should say in one
    Spanish sentence what is missing instead."""
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("grade") and not meta.get("solution"):
            for out in cell.outputs:
                if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr"):
                    found.append(f"{meta.get('grade_id')}: {out.get('ename') or out.get('text', '')[:80]}")
                if "%|" in out.get("data", {}).get("text/plain", ""):
                    found.append(f"{meta.get('grade_id')}: a progress bar")
    return found


@pytest.fixture(scope="module")
def student_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("alumna") / paths.ASSIGNMENT
    shutil.copytree(paths.RELEASE, folder)
    return folder


def run(nb, folder: Path):
    env_backup = dict(os.environ)
    os.environ.pop("PYTHONPATH", None)
    os.environ.pop("LAB2_DATA", None)
    os.environ["MPLBACKEND"] = "Agg"
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    return nb


def test_completed_release_runs_with_its_own_helper_and_photos(student_copy):
    spec = examples.roster()["perfecto"]
    nb = examples.build_notebook("parte1_numpy", spec, student_copy, paths.SOURCE)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import cnnlab, cnnlab.data\n"
        "print('HELPER', cnnlab.__file__)\n"
        "print('DATA', cnnlab.data.find_data_dir())"))
    run(nb, student_copy)
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "error"]
    bonus = points.offered()["parte1_numpy"].bonus
    assert f"Total visible: {visible_points('parte1_numpy'):g}/{visible_points('parte1_numpy'):g}, " \
           f"bonus {bonus:g}/{bonus:g}" in text
    assert f"HELPER {student_copy / 'cnnlab' / '__init__.py'}" in text
    assert f"DATA {student_copy / 'data' / 'cats-and-dogs'}" in text


def test_untouched_release_runs_to_the_end_with_red_marks(student_copy):
    nb = nbformat.read(student_copy / "parte1_numpy.ipynb", as_version=4)
    run(nb, student_copy)
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    bonus = points.offered()["parte1_numpy"].bonus
    assert f"Total visible: 0/{visible_points('parte1_numpy'):g}, bonus 0/{bonus:g}" in text
    assert fixed_cell_problems(nb) == []
    assert "Complete el ejercicio 1 (zero_pad)" in text
    assert "Complete los ejercicios 3 a 8 para poder entrenar." in text
    assert text.count("todavía no implementó") >= 8
    assert "✗ [0 puntos]" in text  # the identity check fails visibly even though it is worth 0


def test_untouched_part2_says_what_to_complete_in_every_fixed_cell(student_copy):
    nb = nbformat.read(student_copy / "parte2_pytorch.ipynb", as_version=4)
    run(nb, student_copy)
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert fixed_cell_problems(nb) == []
    assert f"Total visible: 0/{visible_points('parte2_pytorch'):g}" in text
    assert "Complete los ejercicios 3 a 5 para poder entrenar." in text
