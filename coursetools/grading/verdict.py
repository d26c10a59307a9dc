"""The trusted verdict: a notebook's test cells run in a trusted process, the student's code elsewhere.

nbgrader runs the test cells in the student's kernel, where the student's code
can rebind ``np.allclose``, ``cnnlab.marks`` or IPython's hooks and fake the
marks. Here the same test cells (taken from ``source/``, hidden tests
included) run in a trusted Python process with trusted NumPy, PyTorch and
``cnnlab``; every function (or class) the solution cells define is a proxy
that sends its arguments to the student's sandboxed kernel after its last cell
(``KernelLink``; ``verdict_worker.serve_kernel``) or, when the kernel does not
answer, to a fresh sandboxed process running only the student's cells
(``verdict_worker.py``), and gets plain data back (``.npz``
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

Every reply of the student's process is hostile data: its length, the shape
and dtype declared by each array's ``.npy`` header and the size of its JSON
tree are checked against ``ReplyLimits`` before anything is loaded; a reply
over a limit, unreadable or late makes the whole verdict fail (``VerdictError``).

``run_verdict`` (called by nbgrader's TrustedVerdict preprocessor) computes it in
a fork of nbgrader's process that joins cgroups of its own (the student's process
joins others) and stops both at the notebook's deadline; it returns
``{"points": {grade_id: points}}`` or ``{"error": reason, "timed_out": bool}``.
``python -m coursetools.grading.verdict COURSE STUDENT NOTEBOOK`` prints the same as JSON
(for debugging one notebook by hand).
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
import stat
import subprocess
import sys
import tempfile
import time
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np

from .. import paths
from ..points import KEY as COURSE_METADATA
from . import sandbox
from .limits import LIMITS, megabytes
from .verdict_worker import (ERROR, IMAGE_TYPES, KEPT, OBJECT, REF, TENSOR, decode, encode, pack,
                             random_state_message, set_random_state)

# Fixed cells that only show something (figures, timings, training, the summary): no test needs them.
SKIPPED_FIXED = ("_figure", "_timing", "_train", "_summary", "_experiment", "_run", "_curves", "_errors")
CALL_TIMEOUT = 120.0   # seconds for one request to the student's process
SETUP_TIMEOUT = 300.0  # seconds for the student's cells to run
KERNEL_READY_TIMEOUT = 15.0  # seconds for the kernel to start answering (else: a fresh process)
ENV_DEADLINE = "LAB2_VERDICT_DEADLINE"  # epoch seconds: the verdict stops there (the notebook's wall clock)


@dataclass(frozen=True)
class ReplyLimits:
    """What one reply of the student's process may declare, checked before anything is loaded."""

    reply_bytes: int = 256 * 2**20     # the .npz as read from the pipe
    members: int = 4096                # arrays in it
    array_bytes: int = 256 * 2**20     # all arrays together, as declared by their headers
    elements: int = 64 * 2**20         # all arrays together (a zero-size dtype has no bytes)
    meta_chars: int = 16 * 2**20       # the JSON tree, as text
    json_nodes: int = 1_000_000        # values in the JSON tree
    json_depth: int = 64               # nesting of the JSON tree


REPLY_LIMITS = ReplyLimits()


class StudentArray(np.ndarray):
    """What an ndarray subclass returned by the student becomes here: checks reject it as well."""


class VerdictError(RuntimeError):
    """The student's process died, hung, or broke the protocol."""


class VerdictTimeout(VerdictError):
    """The notebook's wall-clock limit was reached during the verdict."""


def check_reply(data: bytes, limits: ReplyLimits = REPLY_LIMITS) -> None:
    """Raise VerdictError (one line, Spanish) unless the .npz ``data`` stays within ``limits``.

    Reads only the zip directory and each member's .npy header (shape, dtype):
    nothing the headers declare is allocated.
    """
    from numpy.lib import format as npy

    if len(data) > limits.reply_bytes:
        raise VerdictError(f"respuesta rechazada: {megabytes(len(data))} (límite {megabytes(limits.reply_bytes)})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if len(members) > limits.members:
            raise VerdictError(f"respuesta rechazada: {len(members)} matrices (límite {limits.members})")
        total_bytes = total_elements = 0
        for member in members:
            name = member.filename[:-4] if member.filename.endswith(".npy") else member.filename
            with archive.open(member) as fp:
                version = npy.read_magic(fp)
                reader = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
                shape, _, dtype = reader(fp)
            if dtype.hasobject:
                raise VerdictError(f"respuesta rechazada: la matriz {name[:40]!r} es de objetos")
            elements = 1
            for n in shape:
                elements *= int(n)
            total_elements += elements
            total_bytes += elements * dtype.itemsize
            if name == "__meta__" and (shape != () or dtype.kind != "U" or dtype.itemsize // 4 > limits.meta_chars):
                raise VerdictError(f"respuesta rechazada: descripción de {megabytes(elements * dtype.itemsize)} "
                                   f"(límite {limits.meta_chars // 2**20}M caracteres)")
            if total_bytes > limits.array_bytes:
                raise VerdictError(f"respuesta rechazada: la matriz {name[:40]!r} declara {shape} de {dtype}, "
                                   f"{total_bytes / 2**30:.2f} GiB en total (límite {megabytes(limits.array_bytes)})")
            if total_elements > limits.elements:
                raise VerdictError(f"respuesta rechazada: {total_elements} elementos en total "
                                   f"(límite {limits.elements})")
    except VerdictError:
        raise
    except Exception as error:  # noqa: BLE001 - any malformed archive or header
        raise VerdictError(f"respuesta ilegible: {type(error).__name__}: {str(error)[:120]}") from error


def check_tree(value, limits: ReplyLimits = REPLY_LIMITS) -> None:
    """Raise VerdictError unless the decoded JSON tree ``value`` stays within ``limits``."""
    nodes, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if depth > limits.json_depth:
            raise VerdictError(f"respuesta rechazada: anidada más de {limits.json_depth} niveles")
        if nodes > limits.json_nodes:
            raise VerdictError(f"respuesta rechazada: más de {limits.json_nodes} valores")
        if isinstance(item, dict):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]


def read_reply(data: bytes, limits: ReplyLimits = REPLY_LIMITS):
    """(meta, arrays) of a reply of the student's process, bounded by ``limits``."""
    check_reply(data, limits)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(str(arrays.pop("__meta__")))
    except (ValueError, KeyError, OSError, RecursionError, EOFError, zipfile.BadZipFile) as error:
        raise VerdictError(f"respuesta ilegible: {type(error).__name__}: {str(error)[:120]}") from error
    check_tree(meta, limits)
    if not isinstance(meta, dict):
        raise VerdictError("respuesta ilegible: no es un diccionario")
    return meta, arrays


def deadline_from_env() -> float | None:
    """The verdict's deadline (epoch seconds) given by ``run_verdict``, or None."""
    value = os.environ.get(ENV_DEADLINE)
    return float(value) if value else None


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _execution_numbers(nb) -> dict[str, int]:
    """{grade_id: the execution count nbgrader's run from the top gives the cell} (its ``In[N]``:
    every code cell in order, empty ones skipped as nbclient does)."""
    numbers, count = {}, 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip():
            count += 1
            numbers[_grade_id(cell)] = count
    return numbers


def cells_of(course: Path, student: str, notebook: str):
    """(worker cells, trusted cells, student names) for one notebook.

    Worker: the source's fixed cells (minus figures and training) and the *student's*
    solution cells, in notebook order, each with the number it has in the graded notebook
    (``In[N]``, for the messages that point at the student's line). Trusted: the source's
    fixed and test cells.
    Names: what the reference solution cells define (functions and classes, then plain values).
    """
    source = nbformat.read(course / "source" / paths.ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    submitted = nbformat.read(course / "submitted" / student / paths.ASSIGNMENT / f"{notebook}.ipynb",
                              as_version=4)
    theirs = {_grade_id(c): c.source for c in submitted.cells
              if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    numbers = _execution_numbers(submitted)
    worker, trusted, functions, values = [], [], [], []
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if cell.cell_type != "code" or not grade_id:
            continue
        if meta.get("solution"):
            worker.append({"id": grade_id, "source": theirs.get(grade_id, ""), "number": numbers.get(grade_id)})
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    functions.append(node.name)
                elif isinstance(node, ast.Assign):
                    values += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif meta.get("grade"):
            trusted.append({"id": grade_id, "source": cell.source, "points": meta["points"],
                            "bonus": "bonus" in cell.get("metadata", {}).get(COURSE_METADATA, {})})
        elif not grade_id.endswith(SKIPPED_FIXED):
            worker.append({"id": grade_id, "source": cell.source, "number": numbers.get(grade_id),
                           "fixed": True})
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


class KernelLink:
    """Two FIFOs through which the student's kernel answers the verdict after its last cell.

    Made by nbgrader's process (``preprocessors.ServingExecute``) in a new folder of the
    kernel's scratch folder, which the sandbox shows at the same path; the kernel runs
    ``code()`` (``verdict_worker.serve_kernel``). This side never follows a name the
    kernel could have changed: the folder is held open, nothing is written into it but
    the two FIFOs, which are opened through it without following links and must still be
    FIFOs once open; anything the kernel planted there first (``OSError``,
    ``VerdictError``) makes the caller use a fresh process instead.
    ``groups``: the kernel's cgroups (its CPU is the student's, for the timing checks).
    """

    def __init__(self, scratch: str, groups: list[Path]):
        self.groups = [Path(g) for g in groups]
        self.folder = tempfile.mkdtemp(prefix="verdict-", dir=scratch)
        self._dir = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        for name in ("requests", "answers"):
            os.mkfifo(name, 0o600, dir_fd=self._dir)
        self.answers_fd = self._open("answers", os.O_RDONLY)

    def _open(self, name: str, flags: int) -> int:
        fd = os.open(name, flags | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self._dir)
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.close(fd)
            raise VerdictError("canal del kernel alterado")
        return fd

    def open_requests(self):
        """The write end of the requests FIFO (the kernel opened its read end before "ready")."""
        try:
            fd = self._open("requests", os.O_WRONLY)
        except OSError as error:  # ENXIO: nobody reads it
            raise VerdictError("el kernel no abrió su canal") from error
        os.set_blocking(fd, True)
        return os.fdopen(fd, "wb")

    def code(self) -> str:
        """The code the kernel runs to answer (binds no name in the student's namespace).

        The worker's source travels inside the code itself: nothing is written into the
        folder, where the kernel could have planted a link for this side to write through.
        """
        source = Path(__file__).with_name("verdict_worker.py").read_text(encoding="utf-8")
        requests, answers = (str(Path(self.folder) / n) for n in ("requests", "answers"))
        return (f"(lambda ns: (exec(compile({source!r}, 'verdict_worker.py', 'exec'), ns), "
                f"ns['serve_kernel']({requests!r}, {answers!r})))({{'__name__': 'lab2_verdict_worker'}})")

    def close(self) -> None:
        for fd in (self.answers_fd, self._dir):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


class Worker:
    """The student's cells in a sandboxed process, answering requests with data."""

    def __init__(self, course: Path, student: str, cells: list[dict], groups: list[Path],
                 deadline: float | None = None, kernel: KernelLink | None = None):
        """A fresh sandboxed process that runs ``cells`` in ``groups``; with ``kernel``, the
        student's kernel answering through it instead (``VerdictError`` if it does not start
        answering within ``KERNEL_READY_TIMEOUT``)."""
        self.handles: dict[int, Remote] = {}
        self.deadline = deadline
        self.broken: VerdictError | None = None  # why the protocol broke (then every answer is void)
        self.proc, self.scratch, self.requests = None, None, None
        if kernel is not None:
            self.answers_fd = os.dup(kernel.answers_fd)
            self.ready = self._read(KERNEL_READY_TIMEOUT)
            try:
                self.requests = kernel.open_requests()
            except VerdictError as error:
                self.fail(error)
                raise
            return
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
        self.requests, self.answers_fd = self.proc.stdin, self.proc.stdout.fileno()
        self.ready = self._read(SETUP_TIMEOUT)
        for failure in self.ready[0].get("failures", []):  # ready = (meta, arrays)
            print("celda que falló en el proceso del estudiante:", str(failure)[:300], file=sys.stderr)

    def _read(self, timeout: float):
        try:
            timeout = self._cap(timeout)
            size = int.from_bytes(self._read_exactly(8, timeout), "big")
            if size > REPLY_LIMITS.reply_bytes:
                raise VerdictError(f"respuesta rechazada: {megabytes(size)} (límite {megabytes(REPLY_LIMITS.reply_bytes)})")
            return read_reply(self._read_exactly(size, timeout))
        except VerdictError as error:
            self.fail(error)
            raise

    def _cap(self, timeout: float) -> float:
        """``timeout`` capped by what is left before the deadline."""
        if self.deadline is None:
            return timeout
        left = self.deadline - time.time()
        if left <= 0:
            raise VerdictTimeout("límite de tiempo del notebook alcanzado")
        return min(timeout, left)

    def fail(self, error: VerdictError) -> None:
        """The protocol broke: stop the student's process; every later request fails too."""
        self.broken = self.broken or error
        self.close()

    def _read_exactly(self, n: int, timeout: float) -> bytes:
        buffer, got = bytearray(n), 0
        view = memoryview(buffer)
        fd = self.answers_fd
        end = time.monotonic() + timeout
        while got < n:
            ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                if self.deadline is not None and time.time() >= self.deadline:
                    raise VerdictTimeout("límite de tiempo del notebook alcanzado")
                raise VerdictError(f"sin respuesta en {timeout:.0f} s")
            count = os.readv(fd, [view[got:]])
            if not count:
                raise VerdictError("el proceso del estudiante terminó")
            got += count
        return bytes(buffer)

    def request(self, meta: dict, arrays: dict):
        if self.broken:
            raise self.broken
        meta["rng"] = random_state_message(arrays)
        try:
            self.requests.write(pack(meta, arrays))
            self.requests.flush()
        except (BrokenPipeError, ValueError, AttributeError) as error:
            self.fail(VerdictError("el proceso del estudiante terminó"))
            raise self.broken from error
        reply, out = self._read(CALL_TIMEOUT)
        try:
            set_random_state(reply["rng"], out)
        except (KeyError, TypeError, ValueError, RuntimeError) as error:
            self.fail(VerdictError(f"respuesta ilegible: {str(error)[:120]}"))
            raise self.broken from error
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
        """Stop answering: a fresh process is killed; the kernel sees its requests end."""
        if self.proc is None:
            for stream in (self.requests,):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            try:
                os.close(self.answers_fd)
            except OSError:
                pass
            self.requests, self.answers_fd = None, -1
            return
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _tensor(value, arrays):
    import torch

    return torch.from_numpy(arrays[value[TENSOR]].copy())


def _exception(name: str, message: str, where=None) -> Exception:
    """The student's exception rebuilt from its name and message. ``where``, the student's
    frame as the worker saw it (untrusted plain data), rides along as ``cnnlab_where``:
    ``cnnlab.failures`` checks, cleans and bounds it before showing it (escaped)."""
    kind = getattr(builtins, name, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = type(name, (RuntimeError,), {})
    error = kind(message)
    if isinstance(where, list):
        error.cnnlab_where = where
    return error


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


def start_worker(course: Path, student: str, cells: list[dict], groups: list[Path],
                 deadline: float | None, kernel: KernelLink | None) -> tuple[Worker, list[Path]]:
    """The student's side of the verdict and the cgroups its CPU is read from: the kernel
    through ``kernel`` when it starts answering, else a fresh process in ``groups``."""
    if kernel is not None:
        try:
            return Worker(course, student, cells, groups, deadline, kernel), kernel.groups
        except VerdictTimeout:
            raise
        except VerdictError as error:
            print(f"el kernel no atendió la verificación ({error}): proceso nuevo", file=sys.stderr)
    return Worker(course, student, cells, groups, deadline), groups


def trusted_points(course: Path, student: str, notebook: str, groups: list[Path],
                   deadline: float | None = None,
                   kernel: KernelLink | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """({grade_id: points}, {grade_id: bonus points}) of one notebook's test cells, decided on
    the trusted side (a bonus cell's points are 0: what it earns is extra credit). The
    student's side is the kernel through ``kernel`` or, failing that, a fresh process
    that runs the student's cells in ``groups`` (``start_worker``).

    Raises VerdictError when the student's process breaks the protocol (a reply over
    the limits, no reply, a dead process), VerdictTimeout past ``deadline`` (epoch s).
    """
    from IPython.core.interactiveshell import InteractiveShell

    worker_cells, trusted, functions, values = cells_of(course, student, notebook)
    worker, groups = start_worker(course, student, worker_cells, groups, deadline, kernel)
    try:
        shell = InteractiveShell.instance()
        shell.reset(new_session=False)
        shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` outside a kernel
        for mime in IMAGE_TYPES:  # no figure is drawn here: nobody sees this side's outputs
            shell.display_formatter.formatters[mime].enabled = False
        sys.path.insert(0, str(course / "source" / paths.ASSIGNMENT))  # the trusted cnnlab
        os.chdir(course / "autograded" / student / paths.ASSIGNMENT)   # the photos are found from here
        os.environ["NBGRADER_EXECUTION"] = "autograde"
        import cnnlab.timing  # the trusted cnnlab: its CPU clock also counts the student's process

        cnnlab.timing.cpu_clock = ((lambda: time.thread_time() + sandbox.cpu_seconds(groups))
                                   if groups else time.perf_counter)  # unmeasured: wall time
        cnnlab.timing.transport_clock = time.thread_time if groups else None  # this side's share
        for name in functions:
            shell.user_ns[name] = proxy(worker, name)
        for name in values:
            try:
                shell.user_ns[name] = worker.ask("value", name)
            except VerdictError:
                raise
            except Exception:  # noqa: BLE001 - the student did not define it: as in the notebook
                pass
        points, extra = {}, {}
        for cell in trusted:
            # store_history: each cell gets its own execution count (marks counts per cell)
            result = shell.run_cell(cell["source"], store_history=True)
            if worker.broken:  # the cell saw a void answer: no point of this notebook is decided
                raise worker.broken
            if cell["points"] is None:
                continue
            if cell.get("bonus"):
                from cnnlab.marks import ultima_celda  # the trusted cnnlab the cells imported

                points[cell["id"]] = 0.0
                extra[cell["id"]] = (float(sum(r.earned for r in ultima_celda() if r.bonus))
                                     if result.success else 0.0)
            elif not result.success:
                points[cell["id"]] = 0.0
            elif isinstance(result.result, numbers.Number) and not isinstance(result.result, bool):
                points[cell["id"]] = float(result.result)
            else:
                points[cell["id"]] = float(cell["points"])
        return points, extra
    finally:
        worker.close()


def answer(course: Path, student: str, notebook: str, groups: list[Path],
           deadline: float | None, kernel: KernelLink | None = None) -> dict:
    """The verdict as data: {"points": ..., "bonus": ...} or {"error": ..., "timed_out": ...}.
    The test cells' prints go to stderr."""
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the test cells print; only the verdict is returned
    try:
        points, extra = trusted_points(course, student, notebook, groups, deadline, kernel)
    except VerdictError as error:
        return {"error": str(error), "timed_out": isinstance(error, VerdictTimeout)}
    finally:
        sys.stdout = real_stdout
    return {"points": points, "bonus": extra}


def main(argv=None) -> int:
    """``python -m coursetools.grading.verdict COURSE STUDENT NOTEBOOK``: the verdict as JSON on stdout
    (the student's process in the cgroups named by $LAB2_SANDBOX_CGROUPS)."""
    course, student, notebook = (argv or sys.argv[1:])[:3]
    groups = [Path(g) for g in os.environ.get(sandbox.ENV_CGROUPS, "").split(os.pathsep) if g]
    result = answer(Path(course), student, notebook, groups, deadline_from_env())
    print(json.dumps(result))
    return 1 if "error" in result else 0


@dataclass(frozen=True)
class VerdictLimits:
    """Resources of one verdict: the trusted process and the student's process, each in its cgroups."""

    memory_bytes: int = LIMITS.memory_bytes           # the student's process (as its kernel), bytes
    max_pids: int = LIMITS.max_pids
    trusted_memory_bytes: int = LIMITS.trusted_memory_bytes  # the trusted process
    trusted_max_pids: int = LIMITS.trusted_max_pids


def run_verdict(course: Path, student: str, notebook: str, limits: VerdictLimits,
                deadline: float, tag: str = "", kernel: KernelLink | None = None) -> dict:
    """The verdict of one notebook, computed in a fork of this process, each side in its cgroups.

    The trusted process is a fork of the caller (nbgrader's process: NumPy, IPython and,
    in the class pool, PyTorch already imported; ``grading/preloaded.py``) that joins a
    memory/pids/cpu cgroup of its own before anything else; the student's process it
    starts (``Worker``) joins another one. Both are killed, whatever happened, when it
    ends or at ``deadline`` (epoch seconds: the notebook's wall-clock limit, which the
    verdict's time counts in). ``tag`` names the cgroups and scratch folders. With
    ``kernel`` the student's side is the kernel that ran the notebook (``KernelLink``).

    Returns {"points": {grade_id: points}, "bonus": {grade_id: extra credit}} or
    {"error": one line, "timed_out": bool},
    plus "peak_bytes" (the trusted process's memory peak) and "log" (its stderr, tail).
    """
    tag = tag or f"{os.getpid()}-{abs(hash((student, notebook))) % 10**8}"
    trusted_groups = sandbox.make_cgroups("trusted-" + tag, limits.trusted_memory_bytes,
                                          limits.trusted_max_pids)
    worker_groups = sandbox.make_cgroups("verdict-" + tag, limits.memory_bytes, limits.max_pids)
    peak_file = trusted_groups[0] / "memory.max_usage_in_bytes"
    with tempfile.TemporaryFile() as log, tempfile.TemporaryFile() as out:
        # (its stderr: the test cells' prints, of which only the end is kept; out: the verdict)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the trusted process: never returns
                _trusted_child(course, student, notebook, trusted_groups, worker_groups, tag,
                               deadline, log.fileno(), out.fileno(), kernel)
            # It stops itself at the deadline; a few seconds later it is killed.
            killed = not _wait_until(pid, deadline + 5.0)
        finally:
            peak = int(peak_file.read_text()) if peak_file.exists() else 0
            out_of_memory = sandbox.oom_killed(trusted_groups)
            sandbox.kill_cgroups(worker_groups + trusted_groups)
            sandbox.remove_scratch(tag)
        if killed:
            _wait_until(pid, time.time() + 5.0)
        out.seek(0)
        stdout = out.read(1_000_000).decode("utf-8", errors="replace")
        log.seek(max(0, log.seek(0, os.SEEK_END) - 20_000))
        stderr = log.read().decode("utf-8", errors="replace")
    result = {"peak_bytes": peak, "log": stderr}
    if killed:
        return {**result, "error": "límite de tiempo del notebook alcanzado", "timed_out": True}
    if out_of_memory:
        return {**result, "error": f"memoria agotada en el proceso de confianza "
                                   f"(límite {limits.trusted_memory_bytes / 2**30:.1f} GB)", "timed_out": False}
    try:
        answer = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        answer = {"error": (stderr.strip().splitlines() or ["sin salida"])[-1][:200]}
    if not isinstance(answer, dict) or not ("points" in answer or "error" in answer):
        answer = {"error": "respuesta del proceso de confianza ilegible"}
    if "error" in answer:
        answer = {"error": str(answer["error"])[:300], "timed_out": answer.get("timed_out") is True}
    return {**result, **answer}


def _wait_until(pid: int, deadline: float) -> bool:
    """Reap child ``pid``; False if it is still running at ``deadline`` (epoch seconds)."""
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if done:
            return True
        if time.time() >= deadline:
            return False
        time.sleep(0.02)


def _trusted_child(course: Path, student: str, notebook: str, trusted_groups: list[Path],
                   worker_groups: list[Path], tag: str, deadline: float, log_fd: int,
                   out_fd: int, kernel: KernelLink | None = None) -> None:
    """In the fork: join the trusted cgroups, own session; write the verdict as JSON; exit."""
    code = 1
    try:
        sandbox.join_cgroups(trusted_groups)  # the limits first
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.environ[sandbox.ENV_TAG] = tag  # names the worker's scratch folder (remove_scratch)
        os.chdir(paths.ROOT)
        result = answer(course, student, notebook, worker_groups, deadline, kernel)
        os.write(out_fd, (json.dumps(result) + "\n").encode())
        code = 0 if "error" not in result else 1
    except BaseException:  # noqa: BLE001 - its log says what; no verdict means an error line
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
