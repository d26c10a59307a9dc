"""Build the bundled example submissions from ``examples/`` and the release.

``examples/class.json`` lists the students. Each one starts from a *base*:
``"solution"`` (the source notebook's solutions, markers removed) or
``"release"`` (the stubs students receive); files listed in ``cells`` then
replace whole solution cells. A cells file is Python split by lines
``# %% <grade_id>``; the text under each line becomes that cell's source.
The notebooks themselves always come from ``release/``, so the examples
never go stale when the release changes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat

from . import paths

_SECTION = re.compile(r"^# %% (\S+)\s*$", re.M)
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
IDENTITY_CELL = "p1_e0_solution"


def roster(examples: Path = paths.EXAMPLES) -> dict:
    """{student_id: spec} from ``examples/class.json``."""
    return json.loads((examples / "class.json").read_text(encoding="utf-8"))["students"]


def read_cells(file: Path) -> dict[str, str]:
    """{grade_id: source} from a cells file."""
    text = file.read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    cells = {}
    for grade_id, body in zip(parts[1::2], parts[2::2]):
        if grade_id in cells:
            raise ValueError(f"{file}: cell {grade_id} appears twice")
        cells[grade_id] = body.strip("\n") + "\n"
    return cells


def solution_cells(notebook: Path) -> dict[str, str]:
    """{grade_id: source} of the solution cells of a source notebook, markers removed."""
    nb = nbformat.read(notebook, as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = [l for l in cell.source.splitlines() if not _MARKER.match(l)]
            out[meta["grade_id"]] = "\n".join(lines)
    return out


def identity_source(identity) -> str:
    carne_1, firma_1, carne_2, firma_2 = identity
    return (
        f"carne_1 = {carne_1!r}\nfirma_mecanografiada_1 = {firma_1!r}\n"
        f"carne_2 = {carne_2!r}\nfirma_mecanografiada_2 = {firma_2!r}\n"
    )


def build_notebook(name: str, spec: dict, release_dir: Path, source_dir: Path,
                   examples: Path = paths.EXAMPLES) -> nbformat.NotebookNode:
    """One student's notebook ``name`` built from the release."""
    nb = nbformat.read(release_dir / f"{name}.ipynb", as_version=4)
    replacements: dict[str, str] = {}
    if spec["base"] == "solution":
        replacements.update(solution_cells(source_dir / f"{name}.ipynb"))
    elif spec["base"] != "release":
        raise ValueError(f"unknown base {spec['base']!r}")
    for file in spec.get("cells", []):
        replacements.update(read_cells(examples / file))
    if spec.get("identity"):
        replacements[IDENTITY_CELL] = identity_source(spec["identity"])
    solution_ids = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            solution_ids.add(meta["grade_id"])
            if meta["grade_id"] in replacements:
                cell.source = replacements[meta["grade_id"]]
    prefix = paths.NOTEBOOKS[name] + "_"
    unknown = {k for k in replacements if k.startswith(prefix) and k not in solution_ids}
    if unknown:
        raise ValueError(f"{name}: example cells with no solution cell in the release: {sorted(unknown)}")
    return nb


def build_class(course: Path, students: list[str] | None = None,
                examples: Path = paths.EXAMPLES) -> list[str]:
    """Write ``course/submitted/<student>/lab2/`` for each example student; return their ids."""
    release_dir = course / "release" / paths.ASSIGNMENT
    source_dir = course / "source" / paths.ASSIGNMENT
    built = []
    for student, spec in roster(examples).items():
        if students is not None and student not in students:
            continue
        target = course / "submitted" / student / paths.ASSIGNMENT
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in paths.NOTEBOOKS:
            nb = build_notebook(name, spec, release_dir, source_dir, examples)
            nbformat.write(nb, target / f"{name}.ipynb")
        shutil.copytree(release_dir / "cnnlab", target / "cnnlab")
        built.append(student)
    return built
