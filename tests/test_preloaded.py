"""The preloaded nbgrader jobs (coursetools/grading/preloaded.py) keep the command's contract."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

from coursetools.grading import preloaded, sandbox

pytestmark = pytest.mark.e2e


def test_a_job_runs_nbgrader_inside_its_cgroups_in_its_own_session(tmp_path):
    """The fork joins the job's cgroups before it runs anything, so what it spends is counted
    (and bounded) there; it answers like ``nbgrader --version``, exit code and log included."""
    if shutil.which("bwrap") is None:
        pytest.skip("the job cgroups are made by the sandbox's helpers (.ci/run installs bubblewrap)")
    groups = sandbox.make_cgroups("grader-" + sandbox.job_tag("preloaded-test"), 2**30, 64)
    try:
        done = preloaded.start(["--version"], tmp_path, cgroups=groups, timeout=120)
        spent = sandbox.cpu_seconds(groups)
    finally:
        sandbox.kill_cgroups(groups)
    assert done.returncode == 0, done.log
    assert "nbgrader version" in done.log  # what `nbgrader --version` prints
    assert spent > 0.0


def test_a_job_past_its_time_out_is_killed_and_says_so(tmp_path):
    """A job still running at the time-out is killed with its children: returncode None."""
    (tmp_path / "nbgrader_config.py").write_text("import time\ntime.sleep(600)\n", encoding="utf-8")
    done = preloaded.start(["list"], tmp_path, timeout=5)
    assert done.timed_out


def _from_a_daemon(course: str, answer) -> None:
    answer.put(preloaded.start(["--version"], Path(course), timeout=120).returncode)


def test_a_daemonic_process_gets_the_command_instead(tmp_path):
    """A daemonic process (a Dask worker under its nanny) may not start multiprocessing
    children: there the job is the ``nbgrader`` command, with the same answer."""
    ctx = multiprocessing.get_context("spawn")
    answer = ctx.Queue()
    daemon = ctx.Process(target=_from_a_daemon, args=(str(tmp_path), answer), daemon=True)
    daemon.start()
    daemon.join(120)
    assert daemon.exitcode == 0
    assert answer.get(timeout=5) == 0
