"""The channel through which the student's kernel answers the trusted verdict (``KernelLink``).

The kernel can write in the folder the channel is made in, so these tests plant things there
at the worst moment (right after the folder is made, as a thread of the kernel watching for
it could) and check that the grader's process writes through none of them.
"""

from __future__ import annotations

import os
import tempfile

import pytest

from coursetools.grading import verdict
from coursetools.grading.verdict import KernelLink, VerdictError

CANARY = "el cuaderno del instructor\n"


@pytest.fixture
def planted(tmp_path, monkeypatch):
    """``plant(name)``: the next KernelLink's folder gets ``name`` as a link to a canary file
    outside the scratch folder the moment it is made; returns the canary's path."""
    canary = tmp_path / "fuera" / "canary.txt"
    canary.parent.mkdir()
    canary.write_text(CANARY, encoding="utf-8")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    real = tempfile.mkdtemp

    def plant(name: str, kind: str = "link"):
        def mkdtemp(*args, **kwargs):
            folder = real(*args, **kwargs)
            if kind == "link":
                os.symlink(canary, os.path.join(folder, name))
            else:
                open(os.path.join(folder, name), "w").close()
            return folder
        monkeypatch.setattr(verdict.tempfile, "mkdtemp", mkdtemp)
        return canary

    return scratch, plant


def test_a_link_planted_as_the_worker_script_is_never_written_through(planted):
    scratch, plant = planted
    canary = plant("verdict_worker.py")
    link = KernelLink(str(scratch), [])
    try:
        assert canary.read_text(encoding="utf-8") == CANARY
        # the worker's source travels in the code the kernel runs, not as a file in the folder
        code = link.code()
        compile(code, "<kernel>", "exec")
        assert "def serve_kernel" in code and os.path.join(link.folder, "verdict_worker.py") not in code
        assert sorted(os.listdir(link.folder)) == ["answers", "requests", "verdict_worker.py"]
        assert os.path.islink(os.path.join(link.folder, "verdict_worker.py"))  # still the student's link
    finally:
        link.close()
    assert canary.read_text(encoding="utf-8") == CANARY


@pytest.mark.parametrize("kind", ["link", "file"])
@pytest.mark.parametrize("name", ["answers", "requests"])
def test_a_name_of_the_channel_taken_beforehand_refuses_the_channel(planted, name, kind):
    scratch, plant = planted
    canary = plant(name, kind)
    with pytest.raises((OSError, VerdictError)):
        KernelLink(str(scratch), [])
    assert canary.read_text(encoding="utf-8") == CANARY


def test_an_honest_channel_holds_two_fifos_and_nothing_else(tmp_path):
    link = KernelLink(str(tmp_path), [])
    try:
        assert sorted(os.listdir(link.folder)) == ["answers", "requests"]
    finally:
        link.close()
    assert not os.path.exists(link.folder)
