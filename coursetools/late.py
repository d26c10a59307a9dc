"""The late-submission policy: due date, time zone and penalty, read from ``nbgrader_config.py``.

Policy (``c.LatePolicy`` in ``nbgrader_config.py``): a submission whose
timestamp (``submitted/<student>/lab2/timestamp.txt``, written by nbgrader's
collect or by ``coursetools.lms_download`` from the LMS's time) is after the due date loses ``penalty_per_day`` of its
total for every started day (24 h) late; after ``max_days`` days it gets 0.
Without a timestamp a submission counts as on time. The due date is a local
time in ``timezone`` (IANA name); timestamps without a zone are read as UTC,
as nbgrader writes them. The penalty is applied in the CSV and the class
report, on the final total (manual grades included); feedback shows the points
earned before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from . import gradebook, paths


@dataclass(frozen=True)
class LatePolicy:
    due: datetime              # aware
    penalty_per_day: float     # fraction of the total per started day
    max_days: int              # beyond this many days late: 0 points

    def days_late(self, submitted: datetime | None) -> int:
        """Started days after the due date (0 when on time or unknown)."""
        if submitted is None or submitted <= self.due:
            return 0
        return math.ceil((submitted - self.due).total_seconds() / 86400)

    def factor(self, submitted: datetime | None) -> float:
        """What fraction of the total a submission at ``submitted`` keeps."""
        days = self.days_late(submitted)
        if days > self.max_days:
            return 0.0
        return max(0.0, 1.0 - self.penalty_per_day * days)


def policy(course: Path) -> LatePolicy:
    cfg = gradebook.course_config(course).LatePolicy
    zone = ZoneInfo(cfg.get("timezone", "UTC"))
    due = datetime.fromisoformat(cfg.get("due", "2100-01-01 00:00")).replace(tzinfo=zone)
    return LatePolicy(due, float(cfg.get("penalty_per_day", 0.0)), int(cfg.get("max_days", 10**6)))


def parse_timestamp(text: str) -> datetime:
    """An nbgrader timestamp as an aware datetime (no zone given: UTC)."""
    from dateutil.parser import parse

    stamp = parse(text.strip())
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def submitted_at(course: Path, student: str) -> datetime | None:
    """When the student submitted, from ``timestamp.txt`` (None when there is none)."""
    file = course / "submitted" / student / paths.ASSIGNMENT / "timestamp.txt"
    return parse_timestamp(file.read_text(encoding="utf-8")) if file.exists() else None


def set_due_date(course: Path) -> None:
    """Store the policy's due date on the assignment in the gradebook (formgrader shows it)."""
    due = policy(course).due.astimezone(timezone.utc).replace(tzinfo=None)
    with gradebook.opened(course) as gb:
        gb.update_or_create_assignment(paths.ASSIGNMENT, duedate=due)
