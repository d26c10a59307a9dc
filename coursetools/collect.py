"""Collecting submissions into ``submitted/<student>/lab2/``.

Two ways in: students' folders placed (or left by ``nbgrader collect``) in
``submitted/``, and an LMS "download all" zip, collected by nbgrader's
``zip_collect``. The zip's files must be named like Blackboard's

    <assignment>_<student_id>_attempt_<YYYY-MM-DD-HH-MM-SS>_<notebook>.ipynb

(``c.FileNameCollectorPlugin.named_regexp`` in ``nbgrader_config.py``); the
time is the LMS's local time in the late policy's time zone and becomes the
submission's ``timestamp.txt``. Either way ``inventory`` then says, per
student, which notebooks are there and whether they can be read.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Unicode

from . import classgrade, late, nbgrader_cli, paths


class LmsCollector(FileNameCollectorPlugin):
    """nbgrader's file-name collector, reading the LMS's local time stamp with its time zone."""

    timezone = Unicode("UTC", help="IANA time zone of the LMS's time stamps").tag(config=True)

    def collect(self, submitted_file: str):
        info = super().collect(submitted_file)
        if info and info.get("timestamp"):
            local = datetime.strptime(info["timestamp"], "%Y-%m-%d-%H-%M-%S")
            info["timestamp"] = local.replace(tzinfo=ZoneInfo(self.timezone)).isoformat()
        return info


def collect_zip(course: Path, archive: Path) -> str:
    """Collect an LMS zip into ``submitted/`` with ``nbgrader zip_collect``; return its log."""
    if not archive.is_file():
        raise FileNotFoundError(f"{archive}: no such zip file (give the LMS's download)")
    inbox = course / "downloaded" / paths.ASSIGNMENT / "archive"
    shutil.rmtree(inbox.parent, ignore_errors=True)
    inbox.mkdir(parents=True)
    shutil.copy(archive, inbox / archive.name)
    timezone = late.policy(course).due.tzinfo.key
    return nbgrader_cli.run(["zip_collect", paths.ASSIGNMENT, "--force",
                             "--ZipCollectApp.collector_plugin=coursetools.collect.LmsCollector",
                             f"--LmsCollector.timezone={timezone}"], course)


def inventory(course: Path) -> dict[str, list[str]]:
    """{student: [one line per notebook]} for every folder in ``submitted/``."""
    out = {}
    for student in classgrade.submitted_students(course):
        folder = course / "submitted" / student / paths.ASSIGNMENT
        lines = []
        try:  # whatever one folder holds costs that student's line only
            for name in paths.NOTEBOOKS:
                problem = classgrade.notebook_problem(folder / f"{name}.ipynb")
                lines.append(f"{name}: {classgrade.STATUS_TEXT[problem[0]]}: {problem[1]}" if problem
                             else f"{name}: ok")
            when = late.submitted_at(course, student)
            lines.append(f"entregado: {when.isoformat(' ', 'minutes') if when else 'sin marca de tiempo'}")
        except Exception as error:  # noqa: BLE001
            lines.append(classgrade.failure_line("no se pudo revisar la entrega", error))
        out[student] = lines
    return out
