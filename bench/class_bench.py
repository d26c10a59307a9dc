"""Class-scale autograde: nbgrader's serial run against the pool, side by side in one run.

Run from the repository root:

    scripts/in-venv python bench/class_bench.py [--students 60] [--workers N]

It builds a temporary course with N complete submissions (both notebooks:
copies of the example students that hand in two valid notebooks and do not
loop), autogrades them once with plain ``nbgrader autograde lab2`` (one
submission after another, as nbgrader does) and once with
``coursetools.grading.engine`` (one process per notebook, N workers, sandbox,
trusted verdict), and prints seconds and CPU seconds per submission, whether the
required cells' marks are the same, and the ratio. The pool's CPU is read from
the grading cgroups (``engine_profile.cgroup_cpu``) plus this process and its waited
children; plain nbgrader's from its process and its kernels. Run it on a machine
with no other grading. Target (#14) on 2 cores: the pool at least 1.5× faster
than plain nbgrader, at most 10 CPU s per complete submission.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import make_course  # noqa: E402
from coursetools import course, examples, gradebook, nbgrader_cli, paths  # noqa: E402
from engine_profile import cgroup_cpu, cpu_of_children  # noqa: E402
from coursetools.grading import engine  # noqa: E402


def complete_students() -> list[str]:
    roster = examples.roster()
    return [s for s in examples.demo_students()
            if not roster[s].get("missing") and not roster[s].get("corrupt")
            and not any("bucle" in f for f in roster[s].get("cells", []))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workers", type=int, default=engine.default_workers())
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="class-bench-"))
    try:
        make_course(root)
        course.release_step(root)
        base = complete_students()
        examples.build_class(root, base)
        names = []
        for k in range(args.students):
            model = base[k % len(base)]
            name = f"b{k:02d}_{model}"
            shutil.copytree(root / "submitted" / model, root / "submitted" / name)
            names.append(name)
        for model in base:
            shutil.rmtree(root / "submitted" / model)
        print(f"{args.students} complete submissions (copies of {len(base)} example students), "
              f"{args.workers} workers", flush=True)

        # The baseline is nbgrader as it comes: the course's config without its protected
        # chain (coursetools/grading/chain.py), restored for the pool.
        config = root / "nbgrader_config.py"
        protected = config.read_text(encoding="utf-8")
        config.write_text(protected.replace("    chain.configure(c, HERE)", "    pass")
                          .replace('c.Execute.kernel_manager_class = "coursetools.grading.sandbox.SandboxedKernelManager"',
                                   ""), encoding="utf-8")
        start, cpu0 = time.perf_counter(), cpu_of_children()
        nbgrader_cli.run(["autograde", paths.ASSIGNMENT, "--force"], root)
        serial, serial_cpu = time.perf_counter() - start, cpu_of_children() - cpu0
        config.write_text(protected, encoding="utf-8")
        serial_marks = gradebook.read_marks(root)
        print(f"nbgrader autograde (serial): {serial:7.1f} s  {serial / args.students:5.1f} s/submission"
              f"  {serial_cpu / args.students:5.1f} CPU s/submission", flush=True)

        start, cpu0 = time.perf_counter(), cpu_of_children()
        with cgroup_cpu() as seen:
            outcomes = engine.autograde_class(root, names, workers=args.workers)
        pool = time.perf_counter() - start
        pool_cpu = sum(seen.values()) + cpu_of_children() - cpu0
        graded = sum(o.status == engine.GRADED for per in outcomes.values() for o in per.values())
        pool_marks = gradebook.read_marks(root)
        # plain nbgrader has no bonus (extra credit): the required cells are compared
        differ = [(s, cell, serial_marks[s].cells.get(cell), got)
                  for s, marks in pool_marks.items() for cell, got in marks.cells.items()
                  if s not in serial_marks or serial_marks[s].cells.get(cell) != got]
        same = not differ
        print(f"pool of {args.workers} workers:        {pool:7.1f} s  {pool / args.students:5.1f} s/submission"
              f"  {pool_cpu / args.students:5.1f} CPU s/submission"
              f"  ({graded}/{2 * args.students} notebooks graded; same marks per cell as serial: {same})")
        for student, cell, plain, got in differ[:20]:
            print(f"  differs: {student} {cell}: serial {plain}, pool {got}")
        print(f"the pool is {serial / pool:.2f}x as fast as plain nbgrader (target: at least 1.5x); "
              f"{pool_cpu / args.students:.1f} CPU s per complete submission (target: at most 10)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
