"""nbgrader jobs forked from one process that imported nbgrader, NumPy and PyTorch once.

``nbgrader autograde`` started as a command pays Python's start and its imports
(nbgrader, nbconvert, SQLAlchemy, Jupyter's client; about 2 CPU s) for every
notebook, and the trusted verdict it starts pays them again with NumPy and
PyTorch. Here one server process (multiprocessing's *forkserver*, single-threaded)
imports them once per class run; each notebook's job is a fork of it that joins
its cgroups, starts its own session, sends its output to the job's log and runs
nbgrader's own command-line entry point in-process, with the same arguments and
the same ``nbgrader_config.py`` as the command would. The verdict the job starts
is in turn a fork of the job (``coursetools.grading.verdict.run_verdict``), so it starts
with everything imported too. Nothing a student wrote runs in these processes:
the kernel (and the verdict's fresh process, when one is needed) is a fresh
sandboxed process as before.

``start`` has ``nbgrader_cli.start``'s contract: a ``Finished`` (exit code, or None
when killed at the time-out, and the log).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import tempfile
import threading
from pathlib import Path

from ..nbgrader_cli import Finished, environment, kill_tree
from ..nbgrader_cli import start as start_command
from .sandbox import join_cgroups

# What the server imports once (names only: a module missing here is imported by the job).
PRELOAD = ["nbgrader.apps.nbgraderapp", "nbgrader.preprocessors", "nbclient", "jupyter_client",
           "nbformat", "sqlalchemy", "IPython.core.interactiveshell", "numpy", "matplotlib.pyplot",
           "torch", "torchvision",
           "coursetools.grading.preprocessors", "coursetools.grading.verdict", "coursetools.grading.sandbox"]

_LOCK = threading.Lock()
_CONTEXT = None


def context():
    """The forkserver context of this process (its server starts on the first job)."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            # the server's environment is the jobs' base: one BLAS/torch thread, Agg, venv tools
            for key, value in environment().items():
                os.environ.setdefault(key, value)
            _CONTEXT = ctx
        return _CONTEXT


def _job(args: list[str], course: str, env: dict, cgroups: list[str], log: str) -> None:
    """In the forked job: join the cgroups, own session, log, environment; run nbgrader."""
    join_cgroups(cgroups)  # the limits first, before anything else runs
    gc.freeze()  # the preloaded modules: the collector no longer walks them (0.4 s a pass)
    os.setsid()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(course)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["nbgrader", *args]
    if "torch" in sys.modules:  # imported by the server before the job's environment was set
        sys.modules["torch"].set_num_threads(int(env.get("OMP_NUM_THREADS", "1")))
    from nbgrader.apps.nbgraderapp import main

    code = 0
    try:
        main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 - the log says what, the exit code that it failed
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def start(args: list[str], course: Path, env: dict | None = None,
          timeout: float | None = None, cgroups: list[Path] = ()) -> Finished:
    """Run ``nbgrader ARGS`` in ``course`` as a preloaded fork; kill it and all its children
    after ``timeout`` s. ``cgroups``: cgroup folders the job joins before it runs.

    A daemonic process (a Dask worker started by its nanny) may not start children through
    multiprocessing: there the job is the ``nbgrader`` command, as ``nbgrader_cli.start``.
    """
    if multiprocessing.current_process().daemon:
        return start_command(args, course, env=env, timeout=timeout, cgroups=cgroups)
    ctx = context()
    with tempfile.TemporaryDirectory(prefix="lab2-job-") as scratch:
        log = os.path.join(scratch, "log")
        proc = ctx.Process(target=_job, args=(list(args), str(course), environment(env),
                                               [str(g) for g in cgroups], log), daemon=False)
        proc.start()
        proc.join(timeout)
        if proc.exitcode is None:
            kill_tree(proc.pid)
            proc.join()
            returncode = None
        else:
            returncode = proc.exitcode
        proc.close()
        try:
            with open(log, encoding="utf-8", errors="replace") as text:
                output = text.read()
        except OSError:
            output = ""
    return Finished(returncode, output)
