"""Collecting submissions into ``submitted/<student>/lab2/``.

Two ways in: students' folders placed (or left by ``nbgrader collect``) in
``submitted/``, and an LMS "download all" zip, read by ``coursetools.lms_download``
(bounded; a file belongs only to the student its top-level entry names, at the
LMS's time). The zip's files must be named like Blackboard's

    <assignment>_<student_id>_attempt_<YYYY-MM-DD-HH-MM-SS>_<notebook>.ipynb

(``c.FileNameCollectorPlugin.named_regexp`` in ``nbgrader_config.py``); the
time is the LMS's local time in the late policy's time zone and becomes the
submission's ``timestamp.txt``. Either way ``inventory`` then says, per
student, which notebooks are there, whether they can be read, and what the
collect refused. Its lines are terminal-safe (``safetext.for_terminal``).

nbgrader's own ``zip_collect`` opens nested archives unbounded and lets names
inside an upload speak for other students: the course configures
``RefuseZipCollect`` so that it stops and names the course command.
"""

from __future__ import annotations

from pathlib import Path

from nbgrader.plugins import ExtractorPlugin

from . import late, lms_download, paths
from .grading import notebook_bounds, outcomes
from .safetext import failure_line, for_terminal

DOWNLOAD_KEY = "(descarga)"  # inventory key of lines about the download itself (no student id has "(")
COURSE_COMMAND = "python -m coursetools collect --zip DESCARGA.zip"


class RefuseZipCollect(ExtractorPlugin):
    """``nbgrader zip_collect``'s extractor for this course: refuses, naming the bounded command."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        message = (f"nbgrader zip_collect is disabled in this course (it opens nested archives "
                   f"unbounded and lets an upload name other students): use {COURSE_COMMAND}")
        self.log.error(message)
        raise SystemExit(1)


def collect_zip(course: Path, archive: Path) -> lms_download.Collected:
    """Collect an LMS download into ``submitted/`` (see ``coursetools.lms_download``)."""
    return lms_download.collect_download(course, archive)


def inventory(course: Path) -> dict[str, list[str]]:
    """{student: [one line per notebook, the collect's notes, the submission time]}."""
    out = {}
    for student in paths.submitted_students(course):
        folder = course / "submitted" / student / paths.ASSIGNMENT
        lines = []
        try:  # whatever one folder holds costs that student's line only
            for name in paths.NOTEBOOKS:
                problem = notebook_bounds.problem(folder / f"{name}.ipynb")
                lines.append(for_terminal(f"{name}: {outcomes.STATUS_TEXT[problem[0]]}: {problem[1]}")
                             if problem else f"{name}: ok")
            lines += lms_download.notes_of(course, student)
            try:
                when = late.submitted_at(course, student)
            except (ValueError, OverflowError, OSError):
                lines.append("entregado: marca de tiempo ilegible (timestamp.txt)")
            else:
                lines.append(f"entregado: {when.isoformat(' ', 'minutes') if when else 'sin marca de tiempo'}")
        except Exception as error:  # noqa: BLE001
            lines.append(for_terminal(failure_line("no se pudo revisar la entrega", error)))
        out[for_terminal(student)] = lines
    return out
