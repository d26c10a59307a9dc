"""Command line: ``python -m coursetools <command>`` from the course directory.

The instructor's steps, in order: release, collect, autograde, feedback,
export, report; ``demo`` runs them all on the bundled example class.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import course, examples, fingerprints, gradebook, lms_download, notebooks, paths
from .grading import engine
from .grading.limits import LIMITS
from .safetext import for_terminal


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("notebooks", help="rebuild source/lab2/*.ipynb from notebooks/*.py")
    p = sub.add_parser("fingerprints", help='fill "<fp>" placeholders in a notebook twin')
    p.add_argument("twin", type=Path)
    sub.add_parser("release", help="regenerate release/lab2 (nbgrader generate_assignment) "
                                   "and store the due date in the gradebook")
    p = sub.add_parser("collect", help="list submitted/<student>/lab2 (after collecting an LMS zip)")
    p.add_argument("--zip", type=Path, help="LMS download to collect first (bounded: "
                                            "coursetools/lms_download.py)")
    sub.add_parser("examples", help="build the example class into submitted/")
    for name, text in (("autograde", "autograde submitted/ in parallel (all students or --student)"),
                       ("demo", "every step on the bundled example class")):
        p = sub.add_parser(name, help=text)
        if name == "autograde":
            p.add_argument("--student", action="append", help="only this student (repeatable)")
            p.add_argument("--notebook", action="append", choices=list(paths.NOTEBOOKS),
                           help="only this notebook (repeatable; e.g. parte1_numpy while Part 2 "
                                "is not due): the other notebook's grades are kept")
            p.add_argument("--scheduler", default=None, metavar="tcp://HOST:8786",
                           help="grade on this Dask cluster's workers instead of this machine "
                                "(default: c.ClassPool.scheduler in nbgrader_config.py, else here); "
                                "see docs/cluster.md")
        p.add_argument("--workers", type=int, default=None,
                       help=f"students graded side by side (default: cores + 1, at most one per 3 GB of "
                            f"memory; here {engine.default_workers()})")
        p.add_argument("--timeout", type=float, default=LIMITS.notebook_seconds,
                       help=f"wall-clock seconds allowed per notebook of a student (default {LIMITS.notebook_seconds:.0f})")
        p.add_argument("--no-sandbox", dest="sandboxed", action="store_false",
                       help="run kernels with the instructor's rights (only for code you trust)")
    sub.add_parser("feedback", help="feedback/<student>/lab2/*.html without hidden tests")
    sub.add_parser("export", help="exports/grades.csv: one row per student, both partners")
    sub.add_parser("report", help="reports/lab2/index.html: the class at a glance, with charts")
    sub.add_parser("table", help="print the marks per student and exercise")
    args = parser.parse_args(argv)

    root = paths.ROOT
    if args.command == "notebooks":
        for path in notebooks.build_all():
            print("rebuilt", path.relative_to(root))
    elif args.command == "fingerprints":
        filled = fingerprints.fill(args.twin)
        for cell in dict.fromkeys(filled):
            print(f"  {cell}: {filled.count(cell)}")
        print(f"{len(filled)} fingerprints filled in {args.twin}" if filled else
              f'no "<fp>" placeholder in {args.twin}: nothing to fill')
        if filled:
            print("next: make notebooks && make release (then commit the twin, source/ and release/)")
    elif args.command == "release":
        # nbgrader will not regenerate a release whose cells changed while grades exist: the
        # example class's (demo data, regraded by `make demo`) go, and the command says so
        removed = gradebook.forget_students(root, examples.roster())
        if removed:
            print(f"removed the example class's grades and folders ({len(removed)} example "
                  "students; `make demo` grades them again)")
        print("released", course.release_step(root).relative_to(root))
    elif args.command == "collect":
        try:
            inventory = course.collect_step(root, args.zip)
        except lms_download.DownloadError as error:
            print(for_terminal(error), file=sys.stderr)
            return 2
        for student, lines in inventory.items():
            print(for_terminal(f"{student}: " + "; ".join(lines)))
    elif args.command == "examples":
        print("built", ", ".join(examples.build_class(root)))
    elif args.command == "autograde":
        outcomes = course.autograde(root, args.student, workers=args.workers, timeout=args.timeout,
                                    sandboxed=args.sandboxed, notebooks=args.notebook,
                                    scheduler=args.scheduler)
        print(engine.outcome_table(outcomes))
    elif args.command == "feedback":
        print("feedback in", course.feedback(root).relative_to(root))
    elif args.command == "export":
        print("wrote", course.export_step(root).relative_to(root))
    elif args.command == "report":
        print("wrote", course.report_step(root).relative_to(root))
    elif args.command == "table":
        print(gradebook.marks_table(gradebook.read_marks(root), engine.read_status(root)))
    elif args.command == "demo":
        course.demo(root, workers=args.workers, timeout=args.timeout, sandboxed=args.sandboxed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
