"""Command line: ``python -m coursetools <command>`` from the course directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import course, examples, fingerprints, gradebook, notebooks, paths, release


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursetools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("notebooks", help="rebuild source/lab2/*.ipynb from notebooks/*.py")
    p = sub.add_parser("fingerprints", help='fill "<fp>" placeholders in a notebook twin')
    p.add_argument("twin", type=Path)
    sub.add_parser("release", help="regenerate release/lab2 (nbgrader generate_assignment)")
    sub.add_parser("examples", help="build the example class into submitted/")
    p = sub.add_parser("autograde", help="autograde submitted/ (all students or --student)")
    p.add_argument("--student", action="append")
    sub.add_parser("table", help="print the marks per student and exercise")
    sub.add_parser("demo", help="release + example class + autograde + feedback + export + table")
    args = parser.parse_args(argv)

    root = paths.ROOT
    if args.command == "notebooks":
        for path in notebooks.build_all():
            print("rebuilt", path.relative_to(root))
    elif args.command == "fingerprints":
        print(f"{fingerprints.fill(args.twin)} fingerprints filled in {args.twin}")
    elif args.command == "release":
        gradebook.forget_students(root, examples.roster())  # demo data only
        print("released", release.release(root).relative_to(root))
    elif args.command == "examples":
        print("built", ", ".join(examples.build_class(root)))
    elif args.command == "autograde":
        course.autograde(root, args.student)
    elif args.command == "table":
        print(gradebook.marks_table(gradebook.read_marks(root)))
    elif args.command == "demo":
        course.demo(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
