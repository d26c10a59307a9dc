"""What a grade id says (SPEC §8): ``p1_e3_hidden_stride2`` is Part 1 (``p1``), Exercise 3,
a hidden check named ``stride2``. The one place that splits grade ids."""

from __future__ import annotations

from . import paths


def exercise_of(grade_id: str) -> str:
    """``p1_e3_hidden_stride2`` -> ``p1_e3``."""
    return "_".join(grade_id.split("_")[:2])


def notebook_of(grade_id: str) -> str:
    """``p1_e3_hidden_stride2`` (or the exercise ``p1_e3``) -> ``parte1_numpy``."""
    return paths.PART_OF[grade_id.split("_")[0]]


def exercise_number(grade_id: str) -> int | None:
    """``p1_e3_hidden_stride2`` -> 3; None when the id names no exercise."""
    parts = grade_id.split("_")
    return int(parts[1][1:]) if len(parts) > 1 and parts[1][1:].isdigit() else None


def kind_of(grade_id: str) -> list[str]:
    """What follows the exercise: ``p1_e8_answer_q1`` -> ["answer", "q1"]."""
    return grade_id.split("_")[2:]


def exercise_order(exercises) -> list[str]:
    """Exercise ids in notebook order: p1_e1 ... p1_e9, p2_e1 ... p2_e6."""
    return sorted(exercises, key=lambda e: (e.split("_")[0], exercise_number(e)))
