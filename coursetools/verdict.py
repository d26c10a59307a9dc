"""The trusted verdict: a notebook's test cells run in a trusted process, the student's code elsewhere.

nbgrader runs the test cells in the student's kernel, where the student's code
can rebind ``np.allclose``, ``cnnlab.marks`` or IPython's hooks and fake the
marks. Here the same test cells (taken from ``source/``, hidden tests
included) run in a trusted Python process with trusted NumPy, PyTorch and
``cnnlab``; every function (or class) the solution cells define is a proxy
that sends its arguments to a fresh sandboxed process running only the
student's cells (``verdict_worker.py``), and gets plain data back (``.npz``
read with ``allow_pickle=False``: numbers, strings, lists, tuples, dicts,
arrays; tensors as arrays). An object the student's code returns that is not
plain data (a model, a DataLoader, a transform) stays in that process: here it
is a ``Remote`` whose attributes, calls, iteration and length are requests to
it, answered again with plain data. The trusted side's own objects (a probe
model, an optimizer, a photo, a lambda) travel pickled to the student's
process (no risk for this side) and their state after the call (parameters,
train/eval mode, plain attributes, optimizer state) comes back as plain data.
NumPy's and PyTorch's random states travel with every request, so the test
cells see exactly what they would in the notebook: an honest submission gets
the same points either way.

Run as ``python -m coursetools.verdict COURSE STUDENT NOTEBOOK`` by the class
autograde; prints ``{"points": {grade_id: points}}`` as JSON.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import marshal
import numbers
import os
import pickle
import select
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import numpy as np

from . import paths, sandbox
from .verdict_worker import (ERROR, KEPT, OBJECT, REF, TENSOR, decode, encode, pack,
                             random_state_message, set_random_state, unpack)

# Fixed cells that only show something (figures, timings, training, the summary): no test needs them.
SKIPPED_FIXED = ("_figure", "_timing", "_train", "_summary", "_experiment", "_run", "_curves", "_errors")
CALL_TIMEOUT = 120.0   # seconds for one request to the student's process
SETUP_TIMEOUT = 300.0  # seconds for the student's cells to run


class StudentArray(np.ndarray):
    """What an ndarray subclass returned by the student becomes here: checks reject it as well."""


class VerdictError(RuntimeError):
    """The student's process died, hung, or broke the protocol."""


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def cells_of(course: Path, student: str, notebook: str):
    """(worker cells, trusted cells, student names) for one notebook.

    Worker: the source's fixed cells (minus figures and training) and the *student's*
    solution cells, in notebook order. Trusted: the source's fixed and test cells.
    Names: what the reference solution cells define (functions and classes, then plain values).
    """
    source = nbformat.read(course / "source" / paths.ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    submitted = nbformat.read(course / "submitted" / student / paths.ASSIGNMENT / f"{notebook}.ipynb",
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
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    functions.append(node.name)
                elif isinstance(node, ast.Assign):
                    values += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif meta.get("grade"):
            trusted.append({"id": grade_id, "source": cell.source, "points": meta["points"]})
        elif not grade_id.endswith(SKIPPED_FIXED):
            worker.append({"id": grade_id, "source": cell.source})
            trusted.append({"id": grade_id, "source": cell.source, "points": None})
    return worker, trusted, functions, values


class Remote:
    """An object that stays in the student's process; what is asked of it is asked there."""

    _LOCAL = ("_worker_", "_ref_")

    def __getattribute__(self, name):
        if name.startswith("__") or name in Remote._LOCAL:
            return object.__getattribute__(self, name)
        return object.__getattribute__(self, "_worker_").ask("getattr", self, attr=name)

    def __call__(self, *args, **kwargs):
        return self._worker_.ask("call", self, args, kwargs)

    def __iter__(self):
        return self._worker_.ask("iter", self)

    def __next__(self):
        return self._worker_.ask("next", self)

    def __len__(self):
        return self._worker_.ask("len", self)

    def __getitem__(self, key):
        return self._worker_.ask("getitem", self, (key,))

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<{type(self).__name__} del estudiante>"


_REMOTE_CLASSES: dict = {}


def _remote_class(type_name: str, is_module: bool) -> type:
    """A Remote class named as the student's object's type (tests look at type names);
    a PyTorch module is also an ``nn.Module`` here, so ``isinstance`` checks hold."""
    key = (str(type_name).replace("\0", "")[:200] or "objeto", bool(is_module))
    if key not in _REMOTE_CLASSES:
        bases = (Remote,)
        if is_module:
            import torch
            bases = (Remote, torch.nn.Module)
        _REMOTE_CLASSES[key] = type(key[0], bases, {"__module__": "estudiante"})
    return _REMOTE_CLASSES[key]


class _Pickler(pickle.Pickler):
    """This side's objects for the student's process: the student's own objects by reference,
    the notebook's functions and classes by name, lambdas of the test cells as code."""

    def persistent_id(self, obj):
        if isinstance(obj, Remote):
            return ("ref", object.__getattribute__(obj, "_ref_"))
        if isinstance(obj, types.FunctionType):
            if hasattr(obj, "student_name"):
                return ("name", obj.student_name)
            if obj.__module__ == "__main__":
                return ("code", marshal.dumps(obj.__code__), obj.__name__, obj.__defaults__)
        if isinstance(obj, type) and obj.__module__ == "__main__":
            return ("name", obj.__qualname__)
        return None


def _apply_state(obj, state: dict) -> None:
    """Make one of this side's objects what the student's function left it (in place);
    ``state`` is decoded, so its tensors are tensors."""
    import torch

    with torch.no_grad():
        if "tensor" in state and isinstance(obj, torch.Tensor):
            new = state["tensor"]
            if isinstance(new, torch.Tensor) and new.shape == obj.shape \
                    and not torch.equal(new.to(obj.dtype), obj):
                obj.copy_(new)
        elif "module" in state and isinstance(obj, torch.nn.Module):
            new = state["module"]
            for name, tensor in obj.state_dict(keep_vars=True).items():
                value = new["state"].get(name)
                if isinstance(value, torch.Tensor) and value.shape == tensor.shape:
                    tensor.copy_(value)
            for name, module in obj.named_modules():
                if isinstance(new["training"].get(name), bool):
                    module.training = new["training"][name]
                for key, value in new["attrs"].get(name, {}).items():
                    if key in vars(module) and not key.startswith("_"):
                        object.__setattr__(module, key, value)
        elif "optimizer" in state and isinstance(obj, torch.optim.Optimizer):
            obj.load_state_dict(state["optimizer"])


class Worker:
    """The student's cells in a sandboxed process, answering requests with data."""

    def __init__(self, course: Path, student: str, cells: list[dict], groups: list[Path]):
        self.handles: dict[int, Remote] = {}
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
        try:
            set_random_state(reply["rng"], out)
        except (KeyError, TypeError, ValueError, RuntimeError) as error:
            raise VerdictError(f"respuesta ilegible: {error}") from error
        return reply, out

    def ask(self, kind: str, target, args=(), kwargs=None, attr: str | None = None):
        """Ask the student's process to do ``kind`` (call, getattr, iter, next, len, getitem,
        value) with ``target`` (a name of the student's or a Remote); the decoded answer."""
        arrays, objects = {}, []

        def pickled(value):
            if isinstance(value, Remote):
                return {REF: object.__getattribute__(value, "_ref_")}
            objects.append(value)
            return {OBJECT: len(objects) - 1}

        meta = {"kind": kind, "args": encode(list(args), arrays, other=pickled),
                "kwargs": encode(dict(kwargs or {}), arrays, other=pickled)}
        if isinstance(target, Remote):
            meta["ref"] = object.__getattribute__(target, "_ref_")
        else:
            meta["name"] = target
        if attr is not None:
            meta["attr"] = attr
        if objects:
            buffer = io.BytesIO()
            _Pickler(buffer).dump(objects)
            arrays["pickle"] = np.frombuffer(buffer.getvalue(), dtype=np.uint8)
        reply, out = self.request(meta, arrays)
        hooks = {TENSOR: _tensor, REF: lambda value, _: self.handle(value),
                 OBJECT: lambda value, _: objects[value[OBJECT]], KEPT: lambda value, _: KEPT}
        if kind == "call":
            after = reply.get("args_after")
            if after is not None:
                _sync(list(args), decode(after, out, args, StudentArray, hooks))
            for obj, state in zip(objects, reply.get("objects_after") or []):
                if isinstance(state, dict):
                    _apply_state(obj, decode(state, out, hooks=hooks))
        if ERROR in reply:
            raise _exception(*reply[ERROR])
        return decode(reply["result"], out, args, StudentArray, hooks)

    def handle(self, value: dict) -> Remote:
        """The Remote for a reference the student's process sent (one per object)."""
        ref = value[REF]
        if ref not in self.handles:
            remote = object.__new__(_remote_class(value.get("type", "objeto"), value.get("module")))
            object.__setattr__(remote, "_worker_", self)
            object.__setattr__(remote, "_ref_", ref)
            self.handles[ref] = remote
        return self.handles[ref]

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _tensor(value, arrays):
    import torch

    return torch.from_numpy(arrays[value[TENSOR]].copy())


def _exception(name: str, message: str) -> Exception:
    kind = getattr(builtins, name, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = type(name, (RuntimeError,), {})
    return kind(message)


def _sync(before, after) -> None:
    """Make the trusted arguments what the student's function left them (in place)."""
    if after is KEPT:
        return
    if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before is not after and before.shape == after.shape and before.flags.writeable:
            np.copyto(before, after, casting="unsafe")
    elif isinstance(before, dict) and isinstance(after, dict) and before is not after:
        for key in list(before):
            if key not in after:
                del before[key]
        for key, value in after.items():
            if _kept_inside(value):
                if key in before:
                    _sync(before[key], value)
                continue
            if key in before and isinstance(before[key], (np.ndarray, dict, list)) \
                    and type(before[key]) is type(value) and getattr(before[key], "shape", None) \
                    == getattr(value, "shape", None):
                _sync(before[key], value)
            else:
                before[key] = value
    elif isinstance(before, list) and isinstance(after, list) and before is not after:
        if len(before) == len(after):
            for k, (old, new) in enumerate(zip(before, after)):
                if _kept_inside(new) or (isinstance(old, (np.ndarray, dict, list)) and type(old) is type(new)):
                    _sync(old, new)
                else:
                    before[k] = new
        elif not _kept_inside(after):
            before[:] = after
    elif isinstance(before, tuple) and isinstance(after, tuple):
        for old, new in zip(before, after):
            _sync(old, new)


def _kept_inside(value) -> bool:
    """Whether ``value`` (arguments after a call) holds an object whose state travelled apart."""
    if value is KEPT:
        return True
    if isinstance(value, (list, tuple)):
        return any(_kept_inside(v) for v in value)
    if isinstance(value, dict):
        return any(_kept_inside(v) for v in value.values())
    return False


def proxy(worker: Worker, name: str):
    """A function of this side that calls the student's ``name`` over there."""
    def call(*args, **kwargs):
        return worker.ask("call", name, args, kwargs)

    call.__name__ = name
    call.student_name = name
    return call


def trusted_points(course: Path, student: str, notebook: str, groups: list[Path]) -> dict[str, float]:
    """{grade_id: points} of one notebook's test cells, decided on the trusted side."""
    from IPython.core.interactiveshell import InteractiveShell

    worker_cells, trusted, functions, values = cells_of(course, student, notebook)
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
            try:
                shell.user_ns[name] = worker.ask("value", name)
            except VerdictError:
                raise
            except Exception:  # noqa: BLE001 - the student did not define it: as in the notebook
                pass
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
    course, student, notebook = (argv or sys.argv[1:])[:3]
    groups = [Path(g) for g in os.environ.get(sandbox.ENV_CGROUPS, "").split(os.pathsep) if g]
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the test cells print; only the verdict goes to stdout
    try:
        points = trusted_points(Path(course), student, notebook, groups)
    except VerdictError as error:
        print(json.dumps({"error": str(error)}), file=real_stdout)
        return 1
    print(json.dumps({"points": points}), file=real_stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
