"""What happened to each notebook of each student: the one owner of ``grading/status.json``.

The gradebook holds the points; this file holds how each notebook's grading ended
(graded, not submitted, not a valid notebook, failed, timed out), which the class
table, the CSV and the report show beside the points. Both are written only by
the coordinator of a class run, and a forgotten student leaves both.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import paths
from .notebook_bounds import INVALID, MISSING

GRADED, FAILED, TIMEOUT = "graded", "failed", "timeout"
STATUS_TEXT = {GRADED: "calificado", MISSING: "NO ENTREGADO", INVALID: "NO VÁLIDO",
               FAILED: "FALLÓ", TIMEOUT: "TIEMPO AGOTADO"}
STATUS_SHORT = {GRADED: "", MISSING: "falta", INVALID: "inválido", FAILED: "falló",
                TIMEOUT: "tiempo"}
NOT_YET = "SIN CALIFICAR"  # a notebook the class runs so far left out (`autograde --notebook`)


@dataclass
class Outcome:
    """What happened to one notebook of one student (``seconds``: wall time of its grading)."""

    student: str
    notebook: str
    status: str
    detail: str = ""
    seconds: float = 0.0
    review: str = ""  # why the instructor should look (the trusted verdict disagreed), or ""

    def line(self) -> str:
        text = STATUS_TEXT[self.status] + (" (REVISAR)" if self.review else "")
        parts = [p for p in (self.detail, self.review) if p]
        return f"{text}: {'; '.join(parts)}" if parts else text


def not_graded_yet(outcomes: dict[str, Outcome]) -> list[str]:
    """Notebooks of a student the autograde runs so far left out (none if it never ran)."""
    return [n for n in paths.NOTEBOOKS if outcomes and n not in outcomes]


def _file(course: Path) -> Path:
    return course / paths.GRADING / "status.json"


def read_status(course: Path) -> dict[str, dict[str, Outcome]]:
    """{student: {notebook: Outcome}} of the last autograde of each student."""
    file = _file(course)
    if not file.exists():
        return {}
    raw = json.loads(file.read_text(encoding="utf-8"))
    return {s: {nb: Outcome(**o) for nb, o in per.items()} for s, per in raw.items()}


def write_status(course: Path, status: dict[str, dict[str, Outcome]]) -> None:
    file = _file(course)
    file.parent.mkdir(parents=True, exist_ok=True)
    raw = {s: {nb: asdict(o) for nb, o in per.items()} for s, per in sorted(status.items())}
    file.write_text(json.dumps(raw, indent=1, ensure_ascii=False), encoding="utf-8")


def forget(course: Path, students) -> None:
    """Drop these students' outcomes, verdicts and grading logs (the gradebook's rows are
    ``gradebook.forget_students``'s, which calls this)."""
    students = set(students)
    status = read_status(course)
    if students & set(status):
        write_status(course, {s: per for s, per in status.items() if s not in students})
    grading = course / paths.GRADING
    for student in students:
        shutil.rmtree(grading / "verdicts" / student, ignore_errors=True)
        for log in (grading / "logs").glob(f"{student}.*.log") if (grading / "logs").is_dir() else []:
            log.unlink(missing_ok=True)
