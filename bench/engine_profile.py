"""Where a submission's grading time goes: CPU seconds per process kind, read from the cgroups.

Run from the repository root:

    scripts/in-venv python bench/engine_profile.py [--students perfecto,bug_stride_ignored]

It grades the named example students (both notebooks, one worker, sandboxed, trusted
verdict) while a thread reads ``cpuacct.usage`` of every grading cgroup
(``/sys/fs/cgroup/cpuacct/lab2/<kind>-<job>``) every 0.1 s, and prints the CPU seconds
of each kind per notebook: ``grader`` (the nbgrader process), ``kernel`` (the student's
sandboxed kernel, which also answers the verdict after its last cell), ``trusted`` (the
verdict's trusted process), ``verdict`` (the verdict's fresh sandboxed process, only when a
kernel does not answer), plus the whole run's CPU (this process and its children).
Every grading cgroup of the machine is read: run it with no other grading beside it.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import make_course  # noqa: E402
from coursetools import course, examples  # noqa: E402
from coursetools.grading import engine, sandbox  # noqa: E402

ACCT = sandbox.CGROUP_ROOT / "cpuacct" / "lab2"
KINDS = ("grader", "kernel", "trusted", "verdict")


def read_usage() -> dict[str, float]:
    """{job cgroup name: ``cpuacct.usage`` (s)} of every grading cgroup now."""
    usage = {}
    for group in ACCT.glob("*"):
        try:
            usage[group.name] = int((group / "cpuacct.usage").read_text()) / 1e9
        except (OSError, ValueError):
            pass
    return usage


def watch(seen: dict, stop: threading.Event) -> None:
    """Keep the largest ``cpuacct.usage`` (s) seen for every job cgroup until ``stop``."""
    while not stop.is_set():
        for name, seconds in read_usage().items():
            seen[name] = max(seen.get(name, 0.0), seconds)
        time.sleep(0.1)


@contextlib.contextmanager
def cgroup_cpu():
    """{job cgroup name: CPU s} of every grading cgroup, read (``watch``) while the block runs.

    A cgroup left over from an earlier run (one whose removal failed) counts only what it
    used during the block.
    """
    seen: dict[str, float] = {}
    before = read_usage()
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(seen, stop), daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()
        for name, seconds in before.items():
            if name in seen:
                seen[name] -= seconds
                if seen[name] <= 0:
                    del seen[name]


def cpu_of_children() -> float:
    """CPU seconds (user + system) of this process and its waited-for descendants."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", default="perfecto,bug_stride_ignored")
    args = parser.parse_args()
    students = args.students.split(",")
    root = Path(tempfile.mkdtemp(prefix="engine-profile-"))
    try:
        make_course(root)
        course.release_step(root)
        examples.build_class(root, students)
        owner: dict[str, str] = {}  # job cgroup -> notebook (one worker: one notebook at a time)
        grade = engine.grade_notebook
        cpu0, wall0 = cpu_of_children(), time.perf_counter()
        with cgroup_cpu() as seen:

            def traced(course_, student, name, settings):
                try:
                    return grade(course_, student, name, settings)
                finally:
                    time.sleep(0.2)  # the watcher's last reading
                    for group in set(seen) - set(owner):
                        owner[group] = name

            engine.grade_notebook = traced
            try:
                outcomes = engine.autograde_class(root, students, workers=1, progress=False)
            finally:
                engine.grade_notebook = grade
        wall, cpu = time.perf_counter() - wall0, cpu_of_children() - cpu0
        per = collections.defaultdict(float)
        for name, seconds in seen.items():
            per[name.split("-", 1)[0], owner.get(name, "?")] += seconds
        print(engine.outcome_table(outcomes))
        print(f"{len(students)} students, one worker: {wall:.1f} s wall; this process and the "
              f"children it waited for (not the sandboxed ones): {cpu:.1f} CPU s")
        print(f"{'CPU s per submission':24}" + "".join(f"{k:>10}" for k in KINDS))
        for notebook in sorted(set(owner.values()) | {"?"}):
            row = [per[k, notebook] / len(students) for k in KINDS]
            if any(row):
                print(f"{notebook:24}" + "".join(f"{v:10.2f}" for v in row))
        measured = sum(per.values()) / len(students)
        print(f"in the job cgroups: {measured:.1f} CPU s per complete submission")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
