"""The trusted verdict: Part 1's test cells run in a trusted process, the student's code elsewhere.

nbgrader runs the test cells in the student's kernel, where the student's code
can rebind ``np.allclose``, ``cnnlab.marks`` or IPython's hooks and fake the
marks. Here the same test cells (taken from ``source/``, hidden tests
included) run in a trusted Python process with trusted NumPy and ``cnnlab``;
every function the solution cells define is a proxy that sends its arguments,
as plain data, to a fresh sandboxed process running only the student's cells
(``verdict_worker.py``), and gets plain data back (``.npz`` read with
``allow_pickle=False``: numbers, strings, lists, tuples, dicts, arrays). The
student's process never sees a test, a check or an expected value, and can
only influence the marks through what its functions return. NumPy's random
state travels with every call, and arguments a function changes are changed
on the trusted side too, so the test cells see exactly what they would in the
notebook: an honest submission gets the same points either way.

Run as ``python -m coursetools.verdict COURSE STUDENT`` by the class autograde;
prints ``{grade_id: points}`` as JSON. Part 2 (PyTorch objects do not cross as
plain data) is not covered yet.
"""

from __future__ import annotations

import ast
import builtins
import json
import numbers
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np

from . import paths, sandbox
from .verdict_worker import ERROR, decode, encode, pack, random_state_message, unpack

NOTEBOOK = "parte1_numpy"
SKIPPED_FIXED = ("_figure", "_timing", "_train", "_summary")  # shown, not needed by any test
CALL_TIMEOUT = 120.0   # seconds for one call of a student's function
SETUP_TIMEOUT = 300.0  # seconds for the student's cells to run


class StudentArray(np.ndarray):
    """What an ndarray subclass returned by the student becomes here: checks reject it as well."""


class VerdictError(RuntimeError):
    """The student's process died, hung, or broke the protocol."""


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def cells_of(course: Path, student: str):
    """(worker cells, trusted cells, student names) for Part 1.

    Worker: the source's fixed cells (minus figures) and the *student's* solution
    cells, in notebook order. Trusted: the source's fixed and test cells. Names:
    what the reference solution cells define (functions, and plain values).
    """
    source = nbformat.read(course / "source" / paths.ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    submitted = nbformat.read(course / "submitted" / student / paths.ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                              as_version=4)
    theirs = {_grade_id(c): c.source for c in submitted.cells
              if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    worker, trusted, functions, values = [], [], [], []
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if cell.cell_type != "code" or not grade_id:
            continue
        if meta.get("solution"):
            worker.append({"id": grade_id, "source": theirs.get(grade_id, "")})
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    functions.append(node.name)
                elif isinstance(node, ast.Assign):
                    values += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif meta.get("grade"):
            trusted.append({"id": grade_id, "source": cell.source, "points": meta["points"]})
        elif not grade_id.endswith(SKIPPED_FIXED):
            worker.append({"id": grade_id, "source": cell.source})
            trusted.append({"id": grade_id, "source": cell.source, "points": None})
    return worker, trusted, functions, values


class Worker:
    """The student's cells in a sandboxed process, answering calls with data."""

    def __init__(self, course: Path, student: str, cells: list[dict], groups: list[Path]):
        self.scratch = sandbox.make_scratch()
        script = Path(self.scratch) / "verdict_worker.py"
        shutil.copy(Path(__file__).with_name("verdict_worker.py"), script)
        (Path(self.scratch) / "cells.json").write_text(json.dumps(cells), encoding="utf-8")
        cwd = str(course / "autograded" / student / paths.ASSIGNMENT)
        env = sandbox.kernel_env({"NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg",
                                  "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}, self.scratch)
        cmd = sandbox.sandboxed_command([sys.executable, str(script), str(Path(self.scratch) / "cells.json")],
                                        cwd, self.scratch, sandbox.data_paths(course), env, groups)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        self.ready = self._read(SETUP_TIMEOUT)

    def _read(self, timeout: float):
        size = int.from_bytes(self._read_exactly(8, timeout), "big")
        if size > 512 * 2**20:
            raise VerdictError("respuesta demasiado grande")
        try:
            return unpack(self._read_exactly(size, timeout))
        except (ValueError, KeyError, OSError) as error:
            raise VerdictError(f"respuesta ilegible: {error}") from error

    def _read_exactly(self, n: int, timeout: float) -> bytes:
        chunks, got = [], 0
        fd = self.proc.stdout.fileno()
        while got < n:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                self.close()
                raise VerdictError(f"sin respuesta en {timeout:.0f} s")
            chunk = os.read(fd, n - got)
            if not chunk:
                raise VerdictError("el proceso del estudiante terminó")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def request(self, meta: dict, arrays: dict):
        meta["rng"] = random_state_message(arrays)
        try:
            self.proc.stdin.write(pack(meta, arrays))
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError) as error:
            raise VerdictError("el proceso del estudiante terminó") from error
        reply, out = self._read(CALL_TIMEOUT)
        name, pos, has_gauss, cached = reply["rng"]
        np.random.set_state((name, out["rng_keys"], pos, has_gauss, cached))
        return reply, out

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _exception(name: str, message: str) -> Exception:
    kind = getattr(builtins, name, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = type(name, (RuntimeError,), {})
    return kind(message)


def _revive(value, out, args=()):
    """Decode a reply: ndarray subclasses become StudentArray, references to an argument
    become that very (trusted) argument, so ``cache[0] is A`` holds as in the notebook."""
    return decode(value, out, args, StudentArray)


def _sync(before, after) -> None:
    """Make the trusted arguments what the student's function left them (in place)."""
    if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before is not after and before.shape == after.shape and before.flags.writeable:
            np.copyto(before, after, casting="unsafe")
    elif isinstance(before, dict) and isinstance(after, dict) and before is not after:
        for key in list(before):
            if key not in after:
                del before[key]
        for key, value in after.items():
            if key in before and isinstance(before[key], (np.ndarray, dict, list)) \
                    and type(before[key]) is type(value) and getattr(before[key], "shape", None) \
                    == getattr(value, "shape", None):
                _sync(before[key], value)
            else:
                before[key] = value
    elif isinstance(before, list) and isinstance(after, list) and before is not after:
        if len(before) == len(after):
            for k, (old, new) in enumerate(zip(before, after)):
                if isinstance(old, (np.ndarray, dict, list)) and type(old) is type(new):
                    _sync(old, new)
                else:
                    before[k] = new
        else:
            before[:] = after
    elif isinstance(before, tuple) and isinstance(after, tuple):
        for old, new in zip(before, after):
            _sync(old, new)


def proxy(worker: Worker, name: str):
    def call(*args, **kwargs):
        arrays: dict = {}
        meta = {"kind": "call", "name": name, "args": encode(list(args), arrays),
                "kwargs": encode(dict(kwargs), arrays)}
        reply, out = worker.request(meta, arrays)
        after = reply.get("args_after")
        if after is not None:
            _sync(list(args), _revive(after, out, args))
        if ERROR in reply:
            raise _exception(*reply[ERROR])
        return _revive(reply["result"], out, args)

    call.__name__ = name
    return call


def trusted_points(course: Path, student: str, groups: list[Path]) -> dict[str, float]:
    """{grade_id: points} of Part 1's test cells, decided on the trusted side."""
    from IPython.core.interactiveshell import InteractiveShell

    worker_cells, trusted, functions, values = cells_of(course, student)
    worker = Worker(course, student, worker_cells, groups)
    try:
        shell = InteractiveShell.instance()
        shell.reset(new_session=False)
        shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` outside a kernel
        sys.path.insert(0, str(course / "source" / paths.ASSIGNMENT))  # the trusted cnnlab
        os.chdir(course / "autograded" / student / paths.ASSIGNMENT)   # the photos are found from here
        os.environ["NBGRADER_EXECUTION"] = "autograde"
        for name in functions:
            shell.user_ns[name] = proxy(worker, name)
        for name in values:
            reply, out = worker.request({"kind": "value", "name": name}, {})
            if ERROR not in reply:
                shell.user_ns[name] = _revive(reply["result"], out)
        points = {}
        for cell in trusted:
            # store_history: each cell gets its own execution count (marks counts per cell)
            result = shell.run_cell(cell["source"], store_history=True)
            if cell["points"] is None:
                continue
            if not result.success:
                points[cell["id"]] = 0.0
            elif isinstance(result.result, numbers.Number) and not isinstance(result.result, bool):
                points[cell["id"]] = float(result.result)
            else:
                points[cell["id"]] = float(cell["points"])
        return points
    finally:
        worker.close()


def main(argv=None) -> int:
    course, student = Path(argv[0] if argv else sys.argv[1]), (argv[1] if argv else sys.argv[2])
    groups = [Path(g) for g in os.environ.get(sandbox.ENV_CGROUPS, "").split(os.pathsep) if g]
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the test cells print; only the verdict goes to stdout
    try:
        points = trusted_points(course, student, groups)
    except VerdictError as error:
        print(json.dumps({"error": str(error)}), file=real_stdout)
        return 1
    print(json.dumps({"points": points}), file=real_stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
