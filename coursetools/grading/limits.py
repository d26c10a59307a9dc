"""The numbers that bound one student's notebook while it is graded (one place for all of them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Limits of one notebook's grading; bytes, seconds and counts."""

    memory_bytes: int = 3 * 2**30        # per kernel, per fresh verdict process, per nbgrader process
    max_pids: int = 256                  # processes and threads per kernel
    grader_pids: int = 4096              # processes and threads of one nbgrader process
    notebook_seconds: float = 300.0      # wall clock for one notebook: kernel + trusted verdict
    cpu_seconds: int = 900               # CPU time of one sandboxed process
    file_bytes: int = 200 * 2**20        # largest file a sandboxed process may write
    space_bytes: int = 512 * 2**20       # each private tmpfs of one (HOME, TMPDIR, cwd, /dev/shm)
    text_bytes: int = 256 * 2**10        # text kept per output field in the graded notebook
    trusted_memory_bytes: int = 3 * 2**30  # the trusted verdict process
    trusted_max_pids: int = 1024         # ... its processes and threads
    notebook_bytes: int = 20 * 2**20     # a submitted notebook larger than this is not parsed
    notebook_cells: int = 2_000          # ... nor one with more cells
    notebook_depth: int = 64             # ... nor one whose JSON nests deeper
    cluster_connect_seconds: float = 30.0  # reaching a Dask scheduler (autograde --scheduler)


LIMITS = Limits()


def megabytes(n: float) -> str:
    """2**20 -> "1.0 MB" (how every limit message writes a size)."""
    return f"{n / 2**20:.1f} MB"
