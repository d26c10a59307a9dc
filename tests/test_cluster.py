"""Grading on a Dask cluster (``autograde --scheduler``): the local run's points, a lost worker, a refused sandbox.

A ``dask scheduler`` and two ``dask worker`` processes are started from separate
empty folders on 127.0.0.1 (no shared course folder: the work travels as data,
``coursetools/grading/cluster.py``). A representative part of the example class
(both notebooks; right, buggy Part 1, buggy Part 2, invalid and missing cases) is
graded there, one worker is killed with everything it started once the first
student is back, and every student must end with exactly the points the local
pool gave the same submission (the session's graded class).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from conftest import released_course
from coursetools import course as steps, examples, gradebook, nbgrader_cli, paths
from coursetools.grading import engine

pytestmark = pytest.mark.e2e

# right, a Part 1 bug, a Part 2 bug, Part 1 not JSON, Part 2 not handed in (refused or missing
# notebooks never leave the coordinator)
STUDENTS = ["bug_pesos_sin_permutar", "bug_stride_ignored", "json_roto", "perfecto", "sin_parte2"]
DASK = str(Path(sys.executable).parent / "dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill(proc: subprocess.Popen) -> None:
    """Kill a process and everything it started (a lost machine)."""
    try:
        tree = psutil.Process(proc.pid)
        victims = [tree, *tree.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for p in victims:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(victims, timeout=30)


class Cluster:
    """A scheduler and ``workers`` workers on 127.0.0.1, each in its own empty folder."""

    def __init__(self, base: Path, workers: int, env: dict | None = None):
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.procs: list[subprocess.Popen] = []
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = self._start(base / "scheduler", [DASK, "scheduler", "--host", "127.0.0.1",
                                                          "--port", port, "--no-dashboard"], None)
        self.workers = [self._start(base / f"worker{i}", [
            DASK, "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
            "--no-dashboard", "--name", f"w{i}", "--local-directory", str(base / f"worker{i}")], env)
            for i in range(workers)]
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def _start(self, folder: Path, cmd: list[str], env: dict | None) -> subprocess.Popen:
        folder.mkdir(parents=True)
        with open(folder / "log.txt", "w") as log:  # the child keeps its own copy of the file
            proc = subprocess.Popen(cmd, cwd=folder, env=env or nbgrader_cli.environment(),
                                    stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            _kill(proc)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (.ci/run installs Debian's bubblewrap)")
    cluster = Cluster(tmp_path_factory.mktemp("cluster"), workers=2)
    yield cluster
    cluster.stop()


def test_a_class_graded_on_the_cluster_gets_the_local_points_though_a_worker_is_lost(
        cluster, graded_class, class_outcomes, tmp_path_factory):
    root = released_course(tmp_path_factory.mktemp("cluster_course"))
    examples.build_class(root, STUDENTS)
    killed = threading.Event()

    def kill_a_worker_once_a_student_is_back():
        status = root / paths.GRADING / "status.json"
        while not killed.is_set():
            if status.exists() and engine.read_status(root):
                _kill(cluster.workers[0])
                killed.set()
            time.sleep(0.5)

    watcher = threading.Thread(target=kill_a_worker_once_a_student_is_back, daemon=True)
    watcher.start()
    try:
        outcomes = steps.autograde(root, STUDENTS, progress=False, scheduler=cluster.address)
    finally:
        killed.set()
    assert cluster.workers[0].poll() is not None  # the worker was lost mid-run
    assert set(outcomes) == set(STUDENTS)
    # the same outcome and the same points as the local pool, student by student
    for student in STUDENTS:
        assert {nb: (o.status, o.detail, o.review) for nb, o in outcomes[student].items()} == \
            {nb: (o.status, o.detail, o.review) for nb, o in class_outcomes[student].items()}, student
    marks = gradebook.read_marks(root)
    assert {s: marks[s] for s in STUDENTS} == {s: graded_class[s] for s in STUDENTS}
    # the coordinator wrote the graded notebooks, verdicts and logs; the workers left no job folder
    assert (root / "autograded" / "perfecto" / paths.ASSIGNMENT / "parte2_pytorch.ipynb").exists()
    assert (root / paths.GRADING / "verdicts" / "perfecto" / "parte1_numpy.json").exists()
    assert (root / paths.GRADING / "logs" / "perfecto.parte2_pytorch.log").exists()


def test_a_worker_whose_sandbox_does_not_hold_refuses_to_grade(tmp_path):
    # A worker without bubblewrap on its PATH: its self-test fails before any student code runs,
    # and the student's notebooks are failed with that line (never graded unsandboxed).
    env = nbgrader_cli.environment()
    env["PATH"] = str(Path(sys.executable).parent)
    broken = Cluster(tmp_path / "broken", workers=1, env=env)
    try:
        (tmp_path / "course").mkdir()
        root = released_course(tmp_path / "course")
        examples.build_class(root, ["perfecto"])
        outcomes = steps.autograde(root, ["perfecto"], progress=False, scheduler=broken.address)
    finally:
        broken.stop()
    for outcome in outcomes["perfecto"].values():
        assert outcome.status == engine.FAILED
        assert outcome.detail.startswith("no se pudo calificar en el clúster: SandboxError: "
                                         "the grading sandbox does not hold on this machine "
                                         "(bubblewrap is not installed"), outcome.detail
    assert not (root / "autograded" / "perfecto").exists()
    assert all(score is None for score, _ in gradebook.read_marks(root)["perfecto"].cells.values())
