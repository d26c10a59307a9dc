"""Build the bundled example submissions from ``examples/`` and the release.

``examples/class.json`` lists the students. Each one starts from a *base*:
``"solution"`` (the source notebook's solutions, markers removed) or
``"release"`` (the stubs students receive); files listed in ``cells`` then
replace whole solution cells. A cells file is Python split by lines
``# %% <grade_id>``; the text under each line becomes that cell's source.
The notebooks themselves always come from ``release/``, so the examples
never go stale when the release changes.

Optional keys: ``identity`` (carnés and signatures for the identity cell),
``submitted`` (the submission time), ``missing`` / ``corrupt`` (notebooks not
handed in / cut short, so not valid JSON), ``stubs`` (grade-id prefixes left
as in the release), ``demo: false`` (test-only students). Adversarial ones
(``group: "ataques"``) may also rewrite test cells (``tests``: cells files),
delete them (``delete``), hand in other files (``extra_files``) and valid JSON
nested 50,000 levels deep (``deep``: notebook names); ``nbformat``
({notebook: value}) replaces a notebook's top-level ``nbformat`` field
(``group: "ataques_texto"``: text the instructor reads); ``suite``
names the test file that grades them when it is not ``tests/test_adversarial.py``
(``"bounds"``: ``tests/test_bounds.py``).
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
IDENTITY_CELL = paths.IDENTITY_CELL


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
        stubs = tuple(p + "_" for p in spec.get("stubs", []))
        replacements.update({k: v for k, v in solution_cells(source_dir / f"{name}.ipynb").items()
                             if not (stubs and k.startswith(stubs))})
    elif spec["base"] != "release":
        raise ValueError(f"unknown base {spec['base']!r}")
    for file in spec.get("cells", []):
        replacements.update(read_cells(examples / file))
    tampered: dict[str, str] = {}
    for file in spec.get("tests", []):  # adversarial: rewritten test cells
        tampered.update(read_cells(examples / file))
    if spec.get("identity"):
        replacements[IDENTITY_CELL] = identity_source(spec["identity"])
    solution_ids = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            solution_ids.add(meta["grade_id"])
            if meta["grade_id"] in replacements:
                cell.source = replacements[meta["grade_id"]]
        elif meta.get("grade_id") in tampered:
            cell.source = tampered[meta["grade_id"]]
    nb.cells = [c for c in nb.cells  # adversarial: deleted test cells
                if c.metadata.get("nbgrader", {}).get("grade_id") not in spec.get("delete", [])]
    prefix = paths.NOTEBOOKS[name] + "_"
    unknown = {k for k in replacements if k.startswith(prefix) and k not in solution_ids}
    if unknown:
        raise ValueError(f"{name}: example cells with no solution cell in the release: {sorted(unknown)}")
    return nb


ON_TIME = "2026-12-04 18:00:00-06:00"  # when an example student submits, unless "submitted" says


def demo_students(examples: Path = paths.EXAMPLES) -> list[str]:
    """The example class the demo grades (students marked ``"demo": false`` are test-only)."""
    return [s for s, spec in roster(examples).items() if spec.get("demo", True)]


def submission_files(course: Path, student: str, spec: dict,
                     examples: Path = paths.EXAMPLES) -> dict[str, bytes]:
    """{file name: content} one example student hands in (notebooks as built, or broken)."""
    release_dir = course / "release" / paths.ASSIGNMENT
    source_dir = course / "source" / paths.ASSIGNMENT
    files = {}
    for name in paths.NOTEBOOKS:
        if name in spec.get("missing", []):
            continue
        nb = build_notebook(name, spec, release_dir, source_dir, examples)
        text = nbformat.writes(nb).encode("utf-8")
        if name in spec.get("nbformat", {}):  # adversarial: any JSON value in the version field
            raw = json.loads(text)
            raw["nbformat"] = spec["nbformat"][name]
            text = (json.dumps(raw, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        if name in spec.get("corrupt", []):
            text = text[: len(text) // 3]  # a download cut short: not valid JSON
        if name in spec.get("deep", []):  # valid JSON, metadata nested 50,000 levels deep
            text = text.replace(b'"metadata": {', b'"metadata": {"x": ' + b'{"a": ' * 50_000 + b"1"
                                + b"}" * 50_000 + b", ", 1)
        files[f"{name}.ipynb"] = text
    for target, source in spec.get("extra_files", {}).items():  # files handed in beside
        files[target] = (examples / source).read_bytes()
    return files


def build_class(course: Path, students: list[str] | None = None,
                examples: Path = paths.EXAMPLES) -> list[str]:
    """Write ``course/submitted/<student>/lab2/`` for each example student; return their ids.

    Default: the demo class. Each folder gets the notebooks, ``cnnlab/`` and a
    ``timestamp.txt`` as ``nbgrader collect`` would leave them.
    """
    release_dir = course / "release" / paths.ASSIGNMENT
    specs = roster(examples)
    built = []
    for student in (demo_students(examples) if students is None else students):
        spec = specs[student]
        target = course / "submitted" / student / paths.ASSIGNMENT
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for file, content in submission_files(course, student, spec, examples).items():
            (target / file).write_bytes(content)
        shutil.copytree(release_dir / "cnnlab", target / "cnnlab")
        (target / "timestamp.txt").write_text(spec.get("submitted", ON_TIME) + "\n")
        built.append(student)
    return built


def build_zip(course: Path, target: Path, students: list[str] | None = None,
              examples: Path = paths.EXAMPLES) -> Path:
    """The example class as an LMS "download all" zip (Blackboard-style names, local times).

    See ``coursetools.collect`` for the naming rule.
    """
    import zipfile
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from . import late

    zone = ZoneInfo(late.policy(course).due.tzinfo.key)
    specs = roster(examples)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for student in (demo_students(examples) if students is None else students):
            spec = specs[student]
            when = datetime.fromisoformat(spec.get("submitted", ON_TIME)).astimezone(zone)
            stamp = when.strftime("%Y-%m-%d-%H-%M-%S")
            for file, content in submission_files(course, student, spec, examples).items():
                archive.writestr(f"{paths.ASSIGNMENT}_{student}_attempt_{stamp}_{file}", content)
    return target
