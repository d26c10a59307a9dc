"""Every way into nbgrader grades the protected way (issue: trust, round 2, item 0).

The course's ``nbgrader_config.py`` configures the sandboxed kernel, the hidden
tests' removal and the trusted verdict (``coursetools/grading/chain.py``), so an
instructor who types plain ``nbgrader autograde`` or presses formgrader's
"Autograde" button gets what the class pool gives: attackers of the adversarial
suite gain nothing, and the course is left untouched.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import released_course
from coursetools import course as steps, examples, gradebook, nbgrader_cli, paths
from coursetools.grading import sandbox
from test_grading import EXPECTED_LOSSES, full_points, scores
from test_adversarial import BONUS_RESTORED

pytestmark = pytest.mark.e2e

PLAIN = {"ataque_revisor_falso": "bug_stride_ignored", "ataque_numpy_propio": "bug_pad_slice",
         "ataque_lee_y_escribe": None}
FORMGRADER = "ataque_marks_falsos"  # a marks() that records full points: bug_stride_ignored's


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expected(honest: str | None) -> dict:
    return {**full_points(), **(EXPECTED_LOSSES[honest] if honest else {})}


@pytest.fixture(scope="module")
def plain_course(tmp_path_factory):
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (.ci/run installs Debian's bubblewrap)")
    assert sandbox.self_test() == []
    course = released_course(tmp_path_factory.mktemp("every_way_in"))
    examples.build_class(course, [*PLAIN, FORMGRADER])
    watched = list((course / "source" / paths.ASSIGNMENT).glob("*.ipynb"))
    digests = {p: _digest(p) for p in watched}
    # What an instructor who knows nbgrader types: no coursetools options (Part 1 only,
    # where these attacks are, to keep the suite short).
    done = nbgrader_cli.start(["autograde", paths.ASSIGNMENT, "--force", "--notebook=parte1_numpy"],
                              course, timeout=1200)
    return {"course": course, "log": done.log, "returncode": done.returncode, "digests": digests}


def _marks(course: Path, student: str, prefix: str = "p") -> dict:
    got = scores(gradebook.read_marks(course)[student])
    return {c: s for c, s in got.items() if c in full_points() and c.startswith(prefix)}


@pytest.mark.parametrize("student", sorted(PLAIN))
def test_plain_nbgrader_autograde_gives_attackers_the_pools_points(plain_course, student):
    assert plain_course["returncode"] == 0, plain_course["log"][-3000:]
    expected = {c: s for c, s in _expected(PLAIN[student]).items() if c.startswith("p1_")}
    assert _marks(plain_course["course"], student, "p1_") == expected


def test_plain_nbgrader_autograde_leaves_the_course_untouched(plain_course):
    import nbformat

    course = plain_course["course"]
    for path, digest in plain_course["digests"].items():
        assert _digest(path) == digest, path
    nb = nbformat.read(course / "autograded" / "ataque_lee_y_escribe" / paths.ASSIGNMENT /
                       "parte1_numpy.ipynb", as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "p1_e1_solution")
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert "encontrado: []" in text and text.count("no se pudo escribir") == 2
    # nbgrader copied the student's numpy.py beside the graded notebook; the kernel never saw it
    assert (course / "autograded" / "ataque_numpy_propio" / paths.ASSIGNMENT / "numpy.py").exists()
    # an HTML page handed in is never copied where formgrader would serve it
    assert (course / "submitted" / "ataque_lee_y_escribe" / paths.ASSIGNMENT / "informe.html").exists()
    assert not (course / "autograded" / "ataque_lee_y_escribe" / paths.ASSIGNMENT / "informe.html").exists()
    # no hidden test was written to autograded/
    for graded in (course / "autograded").glob(f"*/{paths.ASSIGNMENT}/*.ipynb"):
        assert "BEGIN HIDDEN TESTS" not in graded.read_text(encoding="utf-8"), graded


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_formgraders_autograde_button_grades_the_protected_way(plain_course):
    course = plain_course["course"]
    token, port = secrets.token_hex(16), _free_port()
    verdict = course / "grading" / "verdicts" / FORMGRADER / "parte1_numpy.json"
    verdict.unlink(missing_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={course}"],
        cwd=course, env=nbgrader_cli.environment(), stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        request = urllib.request.Request(
            f"{base}/formgrader/api/submission/{paths.ASSIGNMENT}/{FORMGRADER}/autograde",
            data=b"", method="POST", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=900) as response:
            answer = json.loads(response.read())
    finally:
        nbgrader_cli.kill_tree(server.pid)
    assert answer["success"], answer.get("error", "")[-3000:]
    # the verdict ran: it flags the visible check the fake marks() passed, and restores the bonus
    assert json.loads(verdict.read_text(encoding="utf-8"))["review"] == \
        "la verificación externa corrige p1_e3_visible 15→10" + BONUS_RESTORED
    assert _marks(course, FORMGRADER, "p1_") == {  # it hands in Part 1 only
        c: s for c, s in _expected("bug_stride_ignored").items() if c.startswith("p1_")}
    for path, digest in plain_course["digests"].items():
        assert _digest(path) == digest, path


def test_plain_nbgrader_autograde_stops_a_kernel_at_the_wall_clock(plain_course):
    # ignora_sigint loops with SIGINT ignored: nbgrader's per-cell interrupt does nothing.
    # Started by plain nbgrader, the sandboxed kernel manager kills the kernel itself at the
    # notebook's wall clock (300 s in the course's limits; 20 s here to keep the suite short).
    import psutil

    course = plain_course["course"]
    examples.build_class(course, ["ignora_sigint"])
    done = nbgrader_cli.start(["autograde", paths.ASSIGNMENT, "--force", "--student=ignora_sigint",
                               "--notebook=parte1_numpy", "--SandboxedKernelManager.wall_seconds=20"],
                              course, timeout=600)
    assert not done.timed_out
    assert done.returncode != 0 and "ignora_sigint" in done.log
    assert [p for p in psutil.process_iter(["cmdline"])
            if any("ignora_sigint" in part for part in (p.info["cmdline"] or []))] == []
    cells = scores(gradebook.read_marks(course)["ignora_sigint"])
    assert all(cells[c] in (None, 0) for c in cells if c.startswith("p1_e9"))
    assert not (course / "autograded" / "ignora_sigint" / paths.ASSIGNMENT / "parte1_numpy.ipynb").exists()


def test_without_a_working_sandbox_the_kernel_manager_refuses(monkeypatch):
    monkeypatch.setattr(sandbox, "_SELF_TEST", None)
    monkeypatch.setattr(sandbox, "self_test", lambda: ["network reachable"])
    with pytest.raises(sandbox.SandboxError, match=r"\(network reachable\): no student code was run\. "
                                                   r"Grade with `scripts/in-venv python -m coursetools autograde`"):
        sandbox.require_self_test()
