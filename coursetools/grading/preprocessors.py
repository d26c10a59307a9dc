"""The course's steps in nbgrader's autograde chain (configured by ``chain.configure``).

Sanitize chain (the submitted notebook -> ``autograded/``), after nbgrader's
``OverwriteCells`` restored the test cells from the gradebook:

- ``StripHiddenTests``: removes the hidden region of every test cell, so no
  hidden test is ever written to ``autograded/`` nor run in the student's kernel
  (only the cell's one-line description stays); starts the notebook's clock.

Autograde chain (runs the notebook in the sandboxed kernel):

- ``ServingExecute``: nbgrader's ``Execute``; after the last cell, the kernel answers
  the trusted verdict before it is shut down (its result waits for ``TrustedVerdict``).

- ``TrimOutputs``: outputs bounded (``coursetools.output_limits``), with a note of what was cut.
- ``TrustedVerdict`` (after ``SaveAutoGrades``): the test cells, hidden ones
  included, run on the trusted side (``coursetools.grading.verdict``) and their points
  replace the kernel's in the gradebook; each hidden test cell's output becomes
  one line with its result. Where a visible cell's points differ, the notebook is
  flagged and the difference is written to ``grading/verdicts/<student>/<notebook>.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook
from jupyter_core.utils import run_sync
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Bool, Float, Integer, Unicode, default

from cnnlab.marks import BONUS_METADATA

from .. import grade_ids, paths
from ..points import bonus_cells
from ..gradebook import fmt_points
from .limits import LIMITS

VERDICTS = Path(paths.GRADING) / "verdicts"  # under the course: what the trusted verdict found
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


class TrimOutputs(NbGraderPreprocessor):
    """Bound the graded notebook's outputs (``coursetools.output_limits``) before it is written."""

    text_bytes = Integer(LIMITS.text_bytes, help="text kept per output field").tag(config=True)

    def preprocess(self, nb, resources):
        from ..output_limits import OutputLimits, trim_notebook

        notes = trim_notebook(nb, OutputLimits(text_bytes=self.text_bytes))
        if notes:
            self.log.warning("salidas recortadas: %s", "; ".join(notes))
            resources.setdefault("lab2", {})["trimmed"] = notes
        return nb, resources


def hidden_test_ids(course: Path, notebook: str) -> set[str]:
    """Grade ids of the source's test cells that hold a hidden region."""
    source = nbformat.read(course / "source" / paths.ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"] for c in source.cells
            if utils.is_grade(c) and not utils.is_solution(c) and "BEGIN HIDDEN TESTS" in c.source}


class VerdictUnavailable(RuntimeError):
    """The trusted verdict could not be computed (the student's process died, hung, or lied);
    ``timed_out``: it was stopped at the notebook's deadline."""

    def __init__(self, message: str, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


def compute_verdict(course: Path, student: str, notebook: str, deadline: float, kernel=None) -> dict:
    """``coursetools.grading.verdict.run_verdict`` of one notebook, stopped at ``deadline`` (epoch
    seconds); ``kernel``: the ``KernelLink`` of the kernel that ran it, if it is still alive."""
    from . import sandbox
    from .verdict import VerdictLimits, run_verdict as run_trusted

    return run_trusted(course, student, notebook, VerdictLimits(), deadline,
                       sandbox.job_tag("verdict", student, notebook), kernel)


def verdict_points(course: Path, student: str, notebook: str,
                   answer: dict) -> tuple[dict[str, float], dict[str, float]]:
    """({grade_id: points}, {grade_id: bonus points}) of a verdict (``compute_verdict``); its log
    goes to ``grading/logs/``; raises VerdictUnavailable when it has none."""
    logs = course / paths.GRADING / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / f"{student}.{notebook}.verdict.log").write_text(
        answer["log"] + f"\nmemoria máxima del proceso de confianza: {answer['peak_bytes']} bytes\n",
        encoding="utf-8")
    if "error" in answer:
        raise VerdictUnavailable(answer["error"], bool(answer.get("timed_out")))
    return ({str(k): float(v) for k, v in answer["points"].items()},
            {str(k): float(v) for k, v in answer.get("bonus", {}).items()})


class RecordBonus(NbGraderPreprocessor):
    """Record what each bonus cell earned in the kernel as its extra credit (after SaveAutoGrades).

    A bonus cell is worth 0 points to nbgrader (``coursetools.bonus``); its marks boxes
    carry their points in their output metadata (``cnnlab.marks.BONUS_METADATA``), summed
    here and capped at the cell's bonus. ``TrustedVerdict`` then replaces them with the
    trusted side's (and flags the notebook where they differ).
    """

    course_root = Unicode("", help="the course folder (source/)").tag(config=True)

    def preprocess(self, nb, resources):
        student, notebook = _ids(resources)
        worth = bonus_cells(Path(self.course_root or os.getcwd()), [notebook])
        if not worth:
            return nb, resources
        earned = {}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in worth:
                earned[grade_id] = min(worth[grade_id], kernel_bonus(cell))
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            row = gb.find_submission_notebook(notebook, resources["nbgrader"]["assignment"], student)
            for grade in row.grades:
                if grade.name in worth:
                    grade.extra_credit = earned.get(grade.name, 0.0)
            gb.db.commit()
        return nb, resources


def kernel_bonus(cell) -> float:
    """Points the bonus boxes of one executed cell say they earned (0 for anything unreadable)."""
    total = 0.0
    for output in cell.get("outputs", []):
        value = output.get("metadata", {}).get(BONUS_METADATA) if output.get("output_type") == "display_data" else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e6:
            total += float(value)
    return total


class TrustedVerdict(NbGraderPreprocessor):
    """Replace the kernel's automatic points by the trusted verdict's (after SaveAutoGrades)."""

    course_root = Unicode("", help="the course folder (source/, submitted/)").tag(config=True)
    notebook_seconds = Float(LIMITS.notebook_seconds,
                             help="wall clock of one notebook, kernel and verdict").tag(config=True)
    deadline = Float(0.0, help="epoch seconds by which the verdict must end (set by the class "
                               "pool, a little before it kills the job); 0: the notebook's start "
                               "plus notebook_seconds").tag(config=True)

    def deadline_of(self, resources) -> float:
        """Epoch seconds by which the notebook's verdict must end."""
        started = _STARTED.get(_ids(resources), time.monotonic())
        return self.deadline or time.time() + started + self.notebook_seconds - time.monotonic()

    def preprocess(self, nb, resources):
        student, notebook = _ids(resources)
        course = Path(self.course_root or os.getcwd())
        deadline = self.deadline_of(resources)
        _STARTED.pop((student, notebook), None)
        computed = resources.get("lab2", {}).pop("verdict", None)  # by ServingExecute, in the kernel
        record = verdict_file(course, student, notebook)
        record.parent.mkdir(parents=True, exist_ok=True)
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            row = gb.find_submission_notebook(notebook, resources["nbgrader"]["assignment"], student)
            try:
                answer = computed or compute_verdict(course, student, notebook, deadline)
                trusted, extra = verdict_points(course, student, notebook, answer)
            except VerdictUnavailable as error:
                for grade in row.grades:  # never keep the kernel's points
                    if grade.cell.cell_type == "code":
                        grade.auto_score = None
                        grade.extra_credit = None
                        grade.needs_manual_grade = True
                row.flagged = True
                gb.db.commit()
                record.write_text(json.dumps({"error": str(error),
                                              "timed_out": error.timed_out},
                                             ensure_ascii=False), "utf-8")
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
                if grade.name in extra:
                    if (grade.extra_credit or 0.0) != extra[grade.name]:
                        differ.append(f"{grade.name} bonus {fmt_points(grade.extra_credit or 0.0)}"
                                      f"→{fmt_points(extra[grade.name])}")
                    grade.extra_credit = extra[grade.name]
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
        trimmed = resources.get("lab2", {}).get("trimmed", [])
        record.write_text(json.dumps({"review": review, "points": trusted, "bonus": extra,
                                      "trimmed": trimmed},
                                     ensure_ascii=False), "utf-8")
        if review:
            self.log.warning("REVISAR %s/%s: %s", student, notebook, review)
        return nb, resources



class ServingExecute(Execute):
    """nbgrader's ``Execute`` whose kernel, after the notebook's last cell, answers the trusted
    verdict (``verdict.KernelLink``) before it is shut down.

    The verdict computed here waits in ``resources["lab2"]["verdict"]`` for
    ``TrustedVerdict``, which decides what it means. Nothing is computed here when the
    kernel is not the sandboxed one (an unprotected run), when ``TrustedVerdict`` is
    disabled, or when a cell left the kernel dead: ``TrustedVerdict`` then runs the
    student's cells in a fresh process, as it also does when the kernel does not answer.
    The kernel's outputs from then on reach nobody (the request is not read back).
    Then the kernel is killed, not asked to stop: nothing of it is kept, and a graceful
    stop cost Part 2's kernel 1.6 CPU s (PyTorch's teardown).
    """

    @default("shutdown_kernel")
    def _kill_at_the_end(self):
        return "immediate"

    @contextlib.contextmanager
    def setup_kernel(self, **kwargs):
        with super().setup_kernel(**kwargs):
            yield
            self._serve_verdict()

    def _serve_verdict(self) -> None:
        from .sandbox import SandboxedKernelManager
        from .verdict import KernelLink, VerdictError

        verdict = TrustedVerdict(config=self.config)
        if not (verdict.enabled and isinstance(self.km, SandboxedKernelManager) and self.km.groups
                and self.kc is not None and run_sync(self.km.is_alive)()):
            return
        student, notebook = _ids(self.resources)
        try:
            link = KernelLink(self.km.scratch, self.km.groups)
        except (OSError, VerdictError) as error:  # the kernel planted something: a fresh process
            self.log.warning("the kernel's channel could not be made (%s): a fresh process answers",
                             str(error)[:200])
            return
        try:
            self.kc.execute(link.code(), silent=True, store_history=False, allow_stdin=False)
            course = Path(verdict.course_root or os.getcwd())
            self.resources.setdefault("lab2", {})["verdict"] = compute_verdict(
                course, student, notebook, verdict.deadline_of(self.resources), link)
        finally:
            link.close()


def cell_label(grade_id: str) -> str:
    """What a graded or solution cell is, in Spanish: ``p1_e3_hidden_stride2`` ->
    "Ejercicio 3 · prueba oculta"."""
    if grade_id == paths.IDENTITY_CELL:
        return "Identificación"
    number, rest = grade_ids.exercise_number(grade_id), grade_ids.kind_of(grade_id)
    if number is None or not rest:
        return grade_id
    kind = {"visible": "pruebas visibles", "hidden": "prueba oculta", "bonus": "bonus (puntos extra)",
            "solution": "su código", "answer": "respuesta escrita"}.get(rest[0], rest[0])
    if rest[0] == "answer" and len(rest) > 1 and rest[1].startswith("q"):
        kind += f" (pregunta {rest[1][1:]})"
    return f"Ejercicio {number} · {kind}"


class FeedbackDetails(NbGraderPreprocessor):
    """After nbgrader's ``GetGrades`` in ``generate_feedback``: what the Spanish feedback template
    (``coursetools/templates/feedback_es``) shows beside nbgrader's scores.

    Per cell (``metadata.nbgrader``): ``etiqueta`` (what the cell is), ``pendiente`` (a written
    answer nobody graded yet: not a 0), ``bonus``/``extra`` (bonus offered / extra credit
    earned), ``comentario`` (the instructor's comment, if any) and ``sin_respuesta``.
    ``resources["lab2"]``: the notebook's required points earned and maximum, its bonus, and
    how many written answers are pending.
    """

    course_root = Unicode("", help="the course folder (source/)").tag(config=True)
    course_step = Bool(False, help="set by `python -m coursetools feedback`, which renders the "
                                   "scrubbed copy with the Spanish template").tag(config=True)

    def preprocess(self, nb, resources):
        if not self.course_step:  # formgrader's "Generate feedback", plain `nbgrader generate_feedback`
            raise RuntimeError("this course makes feedback with `python -m coursetools feedback` (from "
                               "the course folder): Spanish pages, no tracebacks, no script; see the README")
        student, notebook = _ids(resources)
        worth = bonus_cells(Path(self.course_root or os.getcwd()), [notebook])
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            row = gb.find_submission_notebook(notebook, resources["nbgrader"]["assignment"], student)
            grades = {g.name: (g.auto_score, g.manual_score, g.extra_credit, g.max_score,
                               g.needs_manual_grade) for g in row.grades}
        totals = dict(earned=0.0, maximum=0.0, bonus_earned=0.0, bonus_offered=sum(worth.values()),
                      pending=0)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if not meta or not (meta.get("grade") or meta.get("solution")):
                continue
            grade_id = meta["grade_id"]
            meta["etiqueta"] = cell_label(grade_id)
            comment = meta.get("comment")
            meta["sin_respuesta"] = comment == "No response."
            meta["comentario"] = comment if comment and comment != "No response." else ""
            if grade_id not in grades:
                continue
            auto, manual, extra, maximum, needs_manual = grades[grade_id]
            meta["pendiente"] = bool(needs_manual and manual is None)
            if grade_id in worth:
                meta["bonus"], meta["extra"] = worth[grade_id], extra or 0.0
                totals["bonus_earned"] += extra or 0.0
                continue
            totals["maximum"] += maximum
            totals["pending"] += meta["pendiente"]
            if not meta["pendiente"]:
                totals["earned"] += (manual if manual is not None else auto) or 0.0
        resources["lab2"] = totals
        return nb, resources
