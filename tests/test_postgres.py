"""A larger course keeps its gradebook in PostgreSQL (``LAB2_DB_URL``): the pipeline works there too.

The test starts a throw-away PostgreSQL server from Debian's packages on a Unix
socket (no TCP), as the ``postgres`` user when run as root, and is skipped with
the reason when no server can be started.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import make_course
from coursetools import course as steps
from coursetools import examples, gradebook, paths
from test_grading import EXPECTED_LOSSES, full_points, scores


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="module")
def postgres_url():
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (Debian package postgresql) are not installed")
    home = Path(tempfile.mkdtemp(prefix="lab2-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
        os.chown(home, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]

    def run(*cmd):
        return subprocess.run(as_user + list(cmd), capture_output=True, text=True, timeout=120)

    data, port = home / "data", 54329
    steps_done = [run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "lab2",
                      "--no-sync")]
    if steps_done[-1].returncode == 0:
        steps_done.append(run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(home / "log"),
                              "-o", f"-k {home} -p {port} -c listen_addresses=''", "start"))
    if steps_done[-1].returncode == 0:
        steps_done.append(run(str(bindir / "createdb"), "-h", str(home), "-p", str(port),
                              "-U", "lab2", "gradebook"))
    if steps_done[-1].returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip("could not start a PostgreSQL server: " + steps_done[-1].stderr.strip()[-300:])
    try:
        yield f"postgresql+psycopg2://lab2@/gradebook?host={home}&port={port}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


def test_class_autograde_with_a_postgresql_gradebook(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LAB2_DB_URL", postgres_url)
    root = make_course(tmp_path)
    steps.release_step(root)
    students = ["perfecto", "bug_stride_ignored", "bug_pad_slice"]
    examples.build_class(root, students)
    # Part 1 only: what differs among these three is there (the suite grades Part 2 elsewhere)
    outcomes = steps.autograde(root, students, workers=2, progress=False, notebooks=["parte1_numpy"])
    assert {o.status for per in outcomes.values() for o in per.values()} == {"graded"}
    marks = gradebook.read_marks(root)
    for student in students:
        expected = {c: p for c, p in {**full_points(), **EXPECTED_LOSSES[student]}.items()
                    if c.startswith("p1_")}
        assert {c: s for c, s in scores(marks[student]).items() if c in expected} == expected
    assert not (root / "gradebook.db").exists()  # everything went to PostgreSQL
    # the next steps read the same database
    assert "bug_pad_slice" in steps.export_step(root).read_text(encoding="utf-8-sig")
    assert paths.ASSIGNMENT in steps.report_step(root).read_text(encoding="utf-8")
