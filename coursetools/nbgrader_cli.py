"""Running nbgrader commands in a course directory, with clear errors and time-outs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import paths


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message holds the end of its log."""


@dataclass
class Finished:
    """How a command ended: exit code (None when killed at the time-out) and its log."""

    returncode: int | None
    log: str

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def environment(extra: dict | None = None) -> dict:
    """The environment nbgrader runs in: one BLAS/torch thread, Agg backend, venv tools on PATH."""
    env = dict(os.environ)
    env.update(extra or {})
    # One BLAS thread per kernel: graders run side by side.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    env.setdefault("MPLBACKEND", "Agg")
    # nbgrader loads coursetools' plugins (sandboxed kernel manager, LMS collector).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(paths.ROOT), env.get("PYTHONPATH")]))
    # nbgrader calls the `alembic` script: the environment's bin folder comes first.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def in_cgroups(cmd: list[str], cgroups) -> list[str]:
    """``cmd`` started by a shell that first moves itself into the given cgroup folders."""
    if not cgroups:
        return list(cmd)
    join = "; ".join(f'echo $$ > "{g}/cgroup.procs"' for g in cgroups)
    return ["/bin/sh", "-c", join + '; exec "$@"', "in-cgroups", *cmd]


def kill_tree(pid: int) -> None:
    """Kill a process, its process group and every descendant (kernels start their own group)."""
    import psutil

    try:
        root = psutil.Process(pid)
        family = [root] + root.children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for proc in family:
        try:
            os.killpg(proc.pid, signal.SIGKILL) if proc.pid == pid else proc.kill()
        except (ProcessLookupError, PermissionError, psutil.NoSuchProcess):
            pass
    psutil.wait_procs(family, timeout=5)


def start(args: list[str], course: Path, env: dict | None = None,
          timeout: float | None = None, cgroups: list[Path] = ()) -> Finished:
    """Run ``nbgrader ARGS`` in ``course``; kill it and all its children after ``timeout`` s.

    ``cgroups``: cgroup folders the nbgrader process joins before it starts (its limits).
    """
    cmd = in_cgroups([sys.executable, "-m", "nbgrader", *args], cgroups)
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        proc = subprocess.Popen(cmd, cwd=course, env=environment(env), stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(proc.pid)
            proc.wait()
            returncode = None
        log.seek(0)
        return Finished(returncode, log.read())


def run(args: list[str], course: Path, env: dict | None = None, quiet: bool = True) -> str:
    """Run ``nbgrader ARGS`` in ``course``; return its log; raise NbgraderError on failure."""
    done = start(args, course, env)
    if done.returncode != 0:
        tail = "\n".join(done.log.strip().splitlines()[-25:])
        raise NbgraderError(f"nbgrader {' '.join(args)} failed (exit {done.returncode}):\n{tail}")
    if not quiet:
        print(done.log)
    return done.log
