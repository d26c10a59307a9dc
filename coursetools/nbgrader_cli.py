"""Running nbgrader commands in a course directory, with clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message holds the end of its log."""


def run(args: list[str], course: Path, env: dict | None = None, quiet: bool = True) -> str:
    """Run ``nbgrader ARGS`` in ``course``; return its log; raise NbgraderError on failure."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    # One BLAS thread per kernel: graders run side by side.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        full_env.setdefault(var, "1")
    full_env.setdefault("MPLBACKEND", "Agg")
    # nbgrader calls the `alembic` script: the environment's bin folder comes first.
    bin_dir = str(Path(sys.executable).parent)
    full_env["PATH"] = bin_dir + os.pathsep + full_env.get("PATH", "")
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=course, env=full_env, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-25:])
        raise NbgraderError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    if not quiet:
        print(log)
    return log
