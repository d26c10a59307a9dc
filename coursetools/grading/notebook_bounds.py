"""Read a student's notebook only after bounding it: bytes, JSON nesting, cells.

``json.loads`` on input nested thousands of levels deep raises RecursionError
(not JSONDecodeError), and a valid notebook can still be gigabytes or hold
millions of cells. Everything that opens a *submitted* notebook goes through
``problem`` / ``read`` here, and every refusal is one Spanish line naming the
limit that was broken.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .limits import LIMITS, Limits, megabytes

MISSING, INVALID = "missing", "invalid"
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)  # strings (skipped) and brackets


class NotebookRejected(ValueError):
    """A submitted notebook that cannot be graded; ``status`` is MISSING or INVALID."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def json_depth(text: str, stop_at: int) -> int:
    """Deepest bracket nesting of a JSON text (strings skipped); stops counting past ``stop_at``."""
    depth = deepest = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _size(n: int) -> str:
    return megabytes(n) if n >= 2**20 else f"{n / 2**10:.0f} KB"


def read(path: Path, limits: Limits = LIMITS):
    """The notebook at ``path`` as an nbformat v4 node; raise NotebookRejected with the reason."""
    import nbformat

    name = path.name
    if not path.is_file():
        raise NotebookRejected(MISSING, f"falta {name}")
    size = path.stat().st_size
    if size > limits.notebook_bytes:
        raise NotebookRejected(INVALID, f"{name} pesa {_size(size)} (límite {_size(limits.notebook_bytes)})")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookRejected(INVALID, f"{name} no es texto UTF-8 (byte {error.start})") from None
    depth = json_depth(text, limits.notebook_depth)
    if depth > limits.notebook_depth:
        raise NotebookRejected(INVALID, f"{name} anida más de {limits.notebook_depth} niveles de JSON")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookRejected(
            INVALID, f"{name} no es JSON válido (línea {error.lineno}, columna {error.colno})") from None
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if isinstance(cells, list) and len(cells) > limits.notebook_cells:
        raise NotebookRejected(INVALID, f"{name} tiene {len(cells)} celdas "
                                        f"(límite {limits.notebook_cells})")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable notebook is reported, not raised
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotebookRejected(INVALID, f"{name} no se puede leer como notebook: {first[:160]}") from None
    return nb


def problem(path: Path, limits: Limits = LIMITS) -> tuple[str, str] | None:
    """(status, reason) when a submitted notebook cannot be graded, else None."""
    try:
        read(path, limits)
    except NotebookRejected as rejected:
        return rejected.status, rejected.reason
    return None
