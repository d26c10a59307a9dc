"""Fill the ``"<fp>"`` placeholders of a notebook twin with real fingerprints.

An instructor writes a check as ``check_array(Z, "<fp>", "Z")`` and runs
``python -m coursetools fingerprints notebooks/NAME.py``: the twin's cells run
in order, with the solutions, and each placeholder is replaced by the
fingerprint of the value its check received. Placeholders must run exactly
once each, in the order they appear in the file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from cnnlab import checks

from . import notebooks, paths, reference

PLACEHOLDER = '"<fp>"'


def _run_cells(twin: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    recorded: list[str] = []
    original_array, original_scalar = checks.check_array, checks.check_scalar

    def recording(original):
        def check(value, expected, name="el resultado"):
            if expected == PLACEHOLDER.strip('"'):
                if original is original_scalar:
                    original_scalar(value, checks.fingerprint(value), name)
                recorded.append(checks.fingerprint(value))
                return
            original(value, expected, name)
        return check

    nb = notebooks.build(twin)
    namespace: dict = {"__name__": "__main__"}
    checks.check_array, checks.check_scalar = recording(original_array), recording(original_scalar)
    saved_env = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # ungraded long runs shrink, as in grading
    try:
        with contextlib.chdir(paths.SOURCE):
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                exec(compile(reference.runnable(cell.source), f"<{cell.id}>", "exec"), namespace)
    finally:
        checks.check_array, checks.check_scalar = original_array, original_scalar
        if saved_env is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = saved_env
    return recorded


def fill(twin: Path) -> int:
    """Replace the placeholders in ``twin``; return how many were filled."""
    text = twin.read_text(encoding="utf-8")
    wanted = text.count(PLACEHOLDER)
    if not wanted:
        return 0
    values = _run_cells(twin)
    if len(values) != wanted:
        raise RuntimeError(
            f"{twin}: {wanted} placeholders but {len(values)} checks ran with one; "
            "each placeholder must run exactly once, in file order"
        )
    for value in values:
        text = text.replace(PLACEHOLDER, f'"{value}"', 1)
    twin.write_text(text, encoding="utf-8")
    return wanted


