"""The course's steps in nbgrader's autograde chain (configured by ``chain.configure``).

Sanitize chain (the submitted notebook -> ``autograded/``), after nbgrader's
``OverwriteCells`` restored the test cells from the gradebook:

- ``StripHiddenTests``: removes the hidden region of every test cell, so no
  hidden test is ever written to ``autograded/`` nor run in the student's kernel
  (only the cell's one-line description stays); starts the notebook's clock.

Autograde chain (runs the notebook in the sandboxed kernel), after ``Execute``:

- ``TrimOutputs``: text outputs longer than ``Limits.output_bytes`` are cut, with a note.
- ``TrustedVerdict`` (after ``SaveAutoGrades``): the test cells, hidden ones
  included, run on the trusted side (``coursetools.verdict``) and their points
  replace the kernel's in the gradebook; each hidden test cell's output becomes
  one line with its result. Where a visible cell's points differ, the notebook is
  flagged and the difference is written to ``grading/verdicts/<student>/<notebook>.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, Float, Integer, Unicode

from .. import paths
from ..gradebook import fmt_points
from .limits import LIMITS

VERDICTS = Path("grading") / "verdicts"  # under the course: what the trusted verdict found
_STARTED: dict[tuple[str, str], float] = {}  # (student, notebook) -> time.monotonic() at sanitizing


def _ids(resources) -> tuple[str, str]:
    return resources["nbgrader"]["student"], resources["nbgrader"]["notebook"]


def verdict_file(course: Path, student: str, notebook: str) -> Path:
    """Where ``TrustedVerdict`` records what it found for one notebook."""
    return course / VERDICTS / student / f"{notebook}.json"


class StripHiddenTests(ClearHiddenTests):
    """Remove the hidden region of each test cell (never of a student's cell)."""

    enforce_metadata = Bool(False)

    def preprocess(self, nb, resources):
        _STARTED[_ids(resources)] = time.monotonic()
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            self._remove_hidden_test_region(cell)
            cell.source = cell.source.rstrip("\n")
        return cell, resources


def trim_text_outputs(nb, limit: int) -> int:
    """Cut text outputs (not images) longer than ``limit`` characters in place; return how many."""
    cut = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            fields = [("text", output)] if "text" in output else []
            fields += [(mime, output["data"]) for mime in output.get("data", {})
                       if mime.startswith("text/") and isinstance(output["data"][mime], str)]
            for key, holder in fields:
                if len(holder[key]) > limit:
                    size = len(holder[key])
                    holder[key] = holder[key][:limit] + (
                        f"\n[... salida recortada: {size / 2**20:.1f} MB en total]\n")
                    cut += 1
    return cut


class TrimOutputs(NbGraderPreprocessor):
    """Bound the graded notebook's outputs (see ``trim_text_outputs``)."""

    output_bytes = Integer(LIMITS.output_bytes, help="text kept per output").tag(config=True)

    def preprocess(self, nb, resources):
        limit = self.output_bytes
        cut = trim_text_outputs(nb, limit)
        if cut:
            self.log.warning("salidas de más de %d KB recortadas: %d", limit // 2**10, cut)
            resources.setdefault("lab2", {})["trimmed"] = cut
        return nb, resources


def hidden_test_ids(course: Path, notebook: str) -> set[str]:
    """Grade ids of the source's test cells that hold a hidden region."""
    source = nbformat.read(course / "source" / paths.ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"] for c in source.cells
            if utils.is_grade(c) and not utils.is_solution(c) and "BEGIN HIDDEN TESTS" in c.source}


class VerdictUnavailable(RuntimeError):
    """The trusted verdict could not be computed (the student's process died, hung, or lied)."""


def run_verdict(course: Path, student: str, notebook: str, deadline: float) -> dict[str, float]:
    """{grade_id: points} of one notebook from ``python -m coursetools.verdict``, by ``deadline``
    (``time.monotonic()`` seconds); the student's worker runs in its own cgroups."""
    from .. import nbgrader_cli, sandbox

    tag = sandbox.job_tag("verdict", student, notebook)
    groups = sandbox.make_cgroups("verdict-" + tag, LIMITS.memory_bytes, LIMITS.max_pids)
    env = nbgrader_cli.environment({sandbox.ENV_CGROUPS: os.pathsep.join(map(str, groups)),
                                    sandbox.ENV_TAG: tag})
    left = deadline - time.monotonic()
    try:
        if left <= 0:
            raise subprocess.TimeoutExpired("verdict", 0)
        done = subprocess.run([sys.executable, "-m", "coursetools.verdict", str(course), student,
                               notebook], cwd=paths.ROOT, env=env, capture_output=True, text=True,
                              timeout=left, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise VerdictUnavailable("sin respuesta dentro del límite de tiempo del notebook") from error
    finally:
        sandbox.kill_cgroups(groups)
        sandbox.remove_scratch(tag)
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        answer = {"error": (done.stderr.strip().splitlines() or ["sin salida"])[-1][:200]}
    if "error" in answer:
        raise VerdictUnavailable(str(answer["error"])[:300])
    return {str(k): float(v) for k, v in answer["points"].items()}


class TrustedVerdict(NbGraderPreprocessor):
    """Replace the kernel's automatic points by the trusted verdict's (after SaveAutoGrades)."""

    course_root = Unicode("", help="the course folder (source/, submitted/)").tag(config=True)
    notebook_seconds = Float(LIMITS.notebook_seconds,
                             help="wall clock of one notebook, kernel and verdict").tag(config=True)

    def preprocess(self, nb, resources):
        student, notebook = _ids(resources)
        course = Path(self.course_root or os.getcwd())
        deadline = _STARTED.pop((student, notebook), time.monotonic()) + self.notebook_seconds
        record = verdict_file(course, student, notebook)
        record.parent.mkdir(parents=True, exist_ok=True)
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            row = gb.find_submission_notebook(notebook, resources["nbgrader"]["assignment"], student)
            try:
                trusted = run_verdict(course, student, notebook, deadline)
            except VerdictUnavailable as error:
                for grade in row.grades:  # never keep the kernel's points
                    if grade.cell.cell_type == "code":
                        grade.auto_score = None
                        grade.needs_manual_grade = True
                row.flagged = True
                gb.db.commit()
                record.write_text(json.dumps({"error": str(error)}, ensure_ascii=False), "utf-8")
                raise
            hidden = hidden_test_ids(course, notebook)
            differ = []
            for grade in row.grades:
                if grade.name not in trusted:
                    continue
                new = trusted[grade.name]
                if grade.name not in hidden and grade.auto_score != new:
                    differ.append(f"{grade.name} {fmt_points(grade.auto_score)}→{fmt_points(new)}")
                grade.auto_score = new
            row.flagged = row.flagged or bool(differ)
            gb.db.commit()
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in hidden and grade_id in trusted:
                most = cell.metadata["nbgrader"]["points"]
                mark = "✓" if trusted[grade_id] >= most else "✗"
                cell.outputs = [nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"{mark} Prueba oculta: {fmt_points(trusted[grade_id])} de {fmt_points(most)} puntos "
                         "(calificada fuera de su notebook)\n")]
        review = ("la verificación externa corrige " + ", ".join(differ)) if differ else ""
        trimmed = resources.get("lab2", {}).get("trimmed", 0)
        record.write_text(json.dumps({"review": review, "points": trusted, "trimmed": trimmed},
                                     ensure_ascii=False), "utf-8")
        if review:
            self.log.warning("REVISAR %s/%s: %s", student, notebook, review)
        return nb, resources

