"""Grading on a Dask cluster: each student's work goes to a worker as data, the results come back as data.

``autograde --scheduler tcp://HOST:8786`` sends one task per student to an
existing Dask cluster. Nothing is assumed shared between the coordinator (the
machine with the course folder) and a worker:

* the coordinator sends, once per worker, the course's *bundle*: its
  ``nbgrader_config.py``, ``source/lab2`` (notebooks and ``cnnlab``), the photos
  and the gradebook template (the assignment's cells, no students); and, per
  task, the student's staged notebooks and ``timestamp.txt``, already bounded
  (a notebook refused by ``notebook_bounds`` never leaves the coordinator);
* the worker (``grade_student``) runs the sandbox's self-test before its first
  student and refuses to grade when a limit does not hold (the task fails with
  that line: never unsandboxed grading), writes the bundle and the submission into
  a private temporary course folder, grades each notebook there exactly as the
  local pool does (``engine.grade_notebook``: nbgrader in its own process,
  sandboxed kernel, trusted verdict, private SQLite gradebook), and returns plain
  data: each notebook's outcome, its private gradebook's bytes, the graded
  notebooks, the verdict records and nbgrader's logs;
* only the coordinator writes the course folder and merges into the gradebook
  (workers hold no database credentials), one completed task at a time.

A worker lost mid-run: the scheduler gives its tasks to another worker; a task's
result is read once, when it completes, so nothing is merged twice or lost.
The worker's Python environment must hold this package (``coursetools``,
``cnnlab``) and nbgrader, as on the coordinator: see ``docs/cluster.md``.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from .. import paths
from . import notebook_bounds
from .limits import LIMITS
from .outcomes import FAILED, Outcome

RESULT_FILE_BYTES = 64 * 2**20  # a file a worker sends back (graded notebooks are trimmed to far less)


def _files_under(root: Path, prefix: str) -> dict[str, bytes]:
    """{posix path under ``prefix``: bytes} of every regular file below ``root``."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
            out[f"{prefix}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return out


def course_bundle(course: Path, template: Path) -> dict[str, bytes]:
    """What a worker needs of the course to grade any student (about 6 MB: the photos)."""
    bundle = {"nbgrader_config.py": (course / "nbgrader_config.py").read_bytes(),
              "grading/template.db": template.read_bytes()}
    bundle.update(_files_under(course / "source" / paths.ASSIGNMENT, f"source/{paths.ASSIGNMENT}"))
    bundle.update(_files_under((course / "data" / "cats-and-dogs").resolve(), "data/cats-and-dogs"))
    return bundle


def submission_files(staged: Path, student: str) -> dict[str, bytes]:
    """The staged notebooks and timestamp of one student (see ``engine.stage``)."""
    return _files_under(staged / student / paths.ASSIGNMENT, f"submitted/{student}/{paths.ASSIGNMENT}")


def _write(root: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` below ``root``, refusing any path that would leave it."""
    for name, data in files.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"refused path in a grading job: {name!r}")
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def grade_student(bundle: dict[str, bytes], student: str, submission: dict[str, bytes],
                  notebooks: list[str], timeout: float, sandboxed: bool) -> dict:
    """Worker side: grade ``notebooks`` of one student in a private course folder; return
    {"results": [{"outcome": dict, "db": bytes | None}], "files": {course path: bytes}}."""
    from . import engine, sandbox

    if sandboxed:
        sandbox.require_self_test()  # once per worker process; SandboxError: nothing runs
    with tempfile.TemporaryDirectory(prefix="lab2-job-") as tmp:
        root = Path(tmp) / "course"
        _write(root, bundle)
        _write(root, submission)
        work = root / paths.GRADING / "work"
        work.mkdir(parents=True, exist_ok=True)
        settings = engine.Settings(  # the font cache: built once per worker process
            work=work, template=root / "grading" / "template.db", timeout=timeout, sandboxed=sandboxed,
            matplotlib_cache=Path(sandbox.own_matplotlib_cache()) if sandboxed else None)
        engine.stage(root, student, settings.staged)
        results = []
        for outcome, db in engine.grade_student_notebooks(root, student, notebooks, settings):
            results.append({"outcome": asdict(outcome), "db": db.read_bytes() if db else None})
        files = {}
        for folder, prefix in ((root / "autograded" / student, f"autograded/{student}"),
                               (root / paths.GRADING / "verdicts" / student,
                                f"{paths.GRADING}/verdicts/{student}")):
            if folder.is_dir():
                files.update(_files_under(folder, prefix))
        for log in sorted((root / paths.GRADING / "logs").glob(f"{student}.*.log")):
            files[f"{paths.GRADING}/logs/{log.name}"] = log.read_bytes()  # nbgrader's, the verdict's
        return {"results": results,
                "files": {k: v for k, v in files.items() if len(v) <= RESULT_FILE_BYTES}}


def receive(course: Path, work: Path, student: str, answer: dict) -> list[tuple[Outcome, Path | None]]:
    """Coordinator side: write what a worker sent back into the course; return the outcomes
    and the private gradebooks (written into ``work``) for ``engine``'s merge."""
    allowed = (f"autograded/{student}/", f"{paths.GRADING}/verdicts/{student}/",
               f"{paths.GRADING}/logs/{student}.")
    files = answer["files"]
    if any(not name.startswith(allowed) for name in files):
        raise ValueError("a grading job sent back a file outside this student's folders")
    _write(course, files)  # over what was there (a notebook not graded now keeps its files)
    out = []
    for result in answer["results"]:
        outcome = Outcome(**result["outcome"])
        if outcome.student != student:
            raise ValueError("a grading job answered for another student")
        db = None
        if result["db"] is not None:
            db = work / f"{student}.{outcome.notebook}.db"
            db.write_bytes(result["db"])
        out.append((outcome, db))
    return out


def grade_on_cluster(course: Path, students: list[str], notebooks: list[str], settings,
                     scheduler: str):
    """Grade ``students`` on the Dask cluster at ``scheduler``; yield (student, [(Outcome, db)])
    as each student completes (``settings``: the coordinator's ``engine.Settings``)."""
    from distributed import Client, as_completed

    from ..safetext import failure_line

    order = {name: i for i, name in enumerate(notebooks)}
    with Client(scheduler, timeout=LIMITS.cluster_connect_seconds) as client:
        bundle = client.scatter(course_bundle(course, settings.template), broadcast=True, hash=False)
        futures = {}
        for student in students:
            refused, shipped = [], []
            for name in notebooks:  # a notebook refused here never leaves the coordinator
                problem = notebook_bounds.problem(
                    course / "submitted" / student / paths.ASSIGNMENT / f"{name}.ipynb")
                if problem:
                    refused.append((Outcome(student, name, *problem), None))
                else:
                    shipped.append(name)
            if not shipped:
                yield student, refused
                continue
            future = client.submit(grade_student, bundle, student,
                                   submission_files(settings.staged, student), shipped,
                                   settings.timeout, settings.sandboxed,
                                   key=f"lab2-{student}-{os.urandom(4).hex()}", pure=False)
            futures[future] = (student, refused, shipped)
        for future in as_completed(list(futures)):
            student, refused, shipped = futures[future]
            try:
                graded = receive(course, settings.work, student, future.result())
            except Exception as error:  # noqa: BLE001 - costs this student only, with one line
                graded = [(Outcome(student, name, FAILED,
                                   failure_line("no se pudo calificar en el clúster", error)), None)
                          for name in shipped]
            yield student, sorted(refused + graded, key=lambda r: order[r[0].notebook])
