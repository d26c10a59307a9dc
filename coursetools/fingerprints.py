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


def _run_cells(twin: Path) -> list[tuple[str, str]]:
    """[(cell id, fingerprint)] of each placeholder's check, in the order they ran. The cells'
    own output is kept out of the terminal (it is shown, last lines only, if a cell fails)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    recorded: list[tuple[str, str]] = []
    running = {"cell": ""}
    original_array, original_scalar = checks.check_array, checks.check_scalar

    def recording(original):
        def check(value, expected, name="el resultado"):
            if expected == PLACEHOLDER.strip('"'):
                if original is original_scalar:
                    original_scalar(value, checks.fingerprint(value), name)
                recorded.append((running["cell"], checks.fingerprint(value)))
                return
            original(value, expected, name)
        return check

    nb = notebooks.build(twin)
    namespace: dict = {"__name__": "__main__"}
    checks.check_array, checks.check_scalar = recording(original_array), recording(original_scalar)
    saved_env = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # ungraded long runs shrink, as in grading
    output = io.StringIO()
    try:
        with contextlib.chdir(paths.SOURCE), contextlib.redirect_stdout(output), \
                contextlib.redirect_stderr(output):
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                running["cell"] = cell.id
                exec(compile(reference.runnable(cell.source), f"<{cell.id}>", "exec"), namespace)
    except Exception as error:
        tail = "\n".join(output.getvalue().splitlines()[-15:])
        raise RuntimeError(f"{twin}: cell {running['cell']} raised {type(error).__name__}: {error}"
                           f"\n(last lines it printed:)\n{tail}") from error
    finally:
        checks.check_array, checks.check_scalar = original_array, original_scalar
        if saved_env is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = saved_env
    return recorded


def fill(twin: Path) -> list[str]:
    """Replace the placeholders in ``twin``; return the ids of the cells that got one, one entry
    per placeholder (empty when the twin has none: nothing runs then)."""
    text = twin.read_text(encoding="utf-8")
    wanted = text.count(PLACEHOLDER)
    if not wanted:
        return []
    values = _run_cells(twin)
    if len(values) != wanted:
        raise RuntimeError(
            f"{twin}: {wanted} placeholders but {len(values)} checks ran with one; "
            "each placeholder must run exactly once, in file order"
        )
    for _, value in values:
        text = text.replace(PLACEHOLDER, f'"{value}"', 1)
    twin.write_text(text, encoding="utf-8")
    return [cell for cell, _ in values]


