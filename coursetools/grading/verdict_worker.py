"""The untrusted half of the trusted verdict: runs a student's code and answers requests with data.

Two ways in: the student's kernel runs ``serve_kernel`` after the notebook's last
cell and answers on two FIFOs (``coursetools.grading.verdict.KernelLink``), in the
namespace the notebook's cells left; or ``coursetools.grading.verdict`` starts this
file inside the sandbox (``coursetools.grading.sandbox``) with the cells to run in a
JSON file given as the first argument (``main``): it runs them in an IPython shell,
then answers on the stdin/stdout it was started with. Either way it answers requests:
call a function of the student's (or an object it returned before), read an
attribute, iterate, take the length or an item. Each answer carries the
result, the arguments after the call (a function may change its inputs) and
the random states of NumPy and PyTorch. An exception of the student's goes
back as its name, its message and where the student's code raised (cell
``In[N]``, line, function, text: ``cnnlab.failures``), plain strings only.

What it sends back is plain data only: numbers, strings, lists, tuples, dicts,
NumPy arrays and tensors (as arrays), no pickles. Any other object it returns
stays here and is answered as a reference (a number and its type's name) that
the trusted side can make further requests about. Objects of the trusted side
that are not plain data (modules, optimizers, photos, tensors, the test's
lambdas) come in pickled: that direction carries no risk for the trusted side.
After a call, the state of those objects (parameters, train/eval mode, plain
attributes, optimizer state) goes back as plain data too. The student's prints
go to /dev/null.

This file is copied into the sandbox on its own: it imports nothing of
``coursetools``. Its encoding rules are the ones of ``coursetools.grading.verdict``.
"""

import io
import json
import marshal
import os
import pickle
import select
import signal
import struct
import sys
import types

import numpy as np

CELL_SECONDS = 20  # a cell of the student's that runs longer is stopped (as nbgrader's time-out)
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "application/pdf")  # not drawn
FIXED_CELL_SECONDS = 120  # the course's own set-up cells (importing torch on a busy machine)
ARRAY, SCALAR, TUPLE, ERROR, SUBCLASS = "__array__", "__npscalar__", "__tuple__", "__error__", "__subclass__"
SAME = "__same__"      # the object returned is one of the arguments (path into them)
OBJECT = "__object__"  # the object returned is one of the pickled arguments (its index)
TENSOR = "__tensor__"  # a torch tensor, sent as an array
REF = "__ref__"        # an object that stays in the student's process
KEPT = "__kept__"      # in the arguments after a call: an object whose state travels apart
ITEMS = "__items__"    # a dict whose keys are not all strings


def paths_of(value, path=(), found=None):
    """{id(object): reference} of every array, list or dict inside ``value`` (the call's arguments)."""
    found = {} if found is None else found
    if isinstance(value, (np.ndarray, list, dict)):
        found.setdefault(id(value), {SAME: list(path)})
    if isinstance(value, (list, tuple)):
        for k, item in enumerate(value):
            paths_of(item, path + (k,), found)
    elif isinstance(value, dict):
        for k, item in value.items():
            paths_of(item, path + (k,), found)
    return found


def _store(arrays, array) -> str:
    """Put ``array`` among the message's arrays; its key."""
    key = f"a{len(arrays)}"
    arrays[key] = array
    return key


def encode(value, arrays, same=None, other=None):
    """Plain data for ``value``.

    ``same``: {id: reference} of the call's arguments (an object that *is* one of them
    becomes a reference to it). ``other(value)`` encodes what is not plain data; without
    it, such a value raises TypeError.
    """
    if same and id(value) in same:
        return same[id(value)]
    if isinstance(value, np.ndarray):
        out = {ARRAY: _store(arrays, np.array(value))}  # a plain copy, whatever the class
        if type(value) is not np.ndarray:
            out[SUBCLASS] = type(value).__name__
        return out
    if isinstance(value, np.generic):
        return {SCALAR: _store(arrays, np.array(value))}
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is tuple:
        return {TUPLE: [encode(v, arrays, same, other) for v in value]}
    if type(value) is list:
        return [encode(v, arrays, same, other) for v in value]
    if type(value) is dict:
        if all(type(k) is str for k in value):
            return {"__dict__": {k: encode(v, arrays, same, other) for k, v in value.items()}}
        return {ITEMS: [[encode(k, arrays), encode(v, arrays, same, other)] for k, v in value.items()]}
    if other is not None:
        return other(value)
    raise TypeError(f"valor de tipo {type(value).__name__} no se puede devolver")


def decode(value, arrays, args=(), subclass=None, hooks=None):
    """The value ``encode`` wrote. A reference to an argument becomes that very object
    of ``args``; with ``subclass``, arrays that were of an ndarray subclass become one;
    ``hooks`` {marker: function(dict, arrays)} decode the markers of non-plain values."""
    if isinstance(value, list):
        return [decode(v, arrays, args, subclass, hooks) for v in value]
    if isinstance(value, dict):
        for marker, hook in (hooks or {}).items():
            if marker in value:
                return hook(value, arrays)
        if SAME in value:
            target = list(args)
            for step in value[SAME]:
                target = target[step]
            return target
        if ARRAY in value:
            array = arrays[value[ARRAY]].copy()
            return array.view(subclass) if subclass is not None and SUBCLASS in value else array
        if SCALAR in value:
            return arrays[value[SCALAR]][()]
        if TUPLE in value:
            return tuple(decode(v, arrays, args, subclass, hooks) for v in value[TUPLE])
        if "__dict__" in value:
            return {k: decode(v, arrays, args, subclass, hooks) for k, v in value["__dict__"].items()}
        if ITEMS in value:
            return {_hashable(decode(k, arrays)): decode(v, arrays, args, subclass, hooks)
                    for k, v in value[ITEMS]}
    return value


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def pack(message, arrays):
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.array(json.dumps(message)), **arrays)
    data = buffer.getvalue()
    return struct.pack(">Q", len(data)) + data


def unpack(data):
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return json.loads(str(arrays.pop("__meta__"))), arrays


def read_message(stream):
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack(">Q", head)
    return unpack(stream.read(size))


def random_state_message(arrays):
    """NumPy's random state (and PyTorch's, once imported) into ``arrays``; the rest as a list."""
    name, keys, pos, has_gauss, cached = np.random.get_state()
    arrays["rng_keys"] = keys
    torch = sys.modules.get("torch")
    if torch is not None:
        arrays["torch_rng"] = torch.get_rng_state().numpy()
    return [name, pos, has_gauss, cached]


def set_random_state(message, arrays):
    """The random states ``random_state_message`` wrote."""
    name, pos, has_gauss, cached = message
    np.random.set_state((name, arrays["rng_keys"], pos, has_gauss, cached))
    torch = sys.modules.get("torch")
    if torch is not None and "torch_rng" in arrays:
        torch.set_rng_state(torch.from_numpy(np.ascontiguousarray(arrays["torch_rng"], dtype=np.uint8)))


def encode_tensor(value, arrays):
    """A tensor as plain data: its values (detached, on the CPU) as an array.

    Raises TypeError or RuntimeError for a dtype NumPy has no twin of.
    """
    return {TENSOR: _store(arrays, value.detach().cpu().resolve_conj().resolve_neg().numpy().copy())}


class Objects:
    """What stays in the student's process: the objects it returned, by reference number."""

    def __init__(self):
        self.table, self.refs = {}, {}

    def encode(self, value, arrays):
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(value, torch.Tensor):
            try:
                return encode_tensor(value, arrays)
            except (TypeError, RuntimeError):
                pass
        if id(value) not in self.refs or self.table[self.refs[id(value)]] is not value:
            self.refs[id(value)] = len(self.table)
            self.table[len(self.table)] = value
        is_module = torch is not None and isinstance(value, torch.nn.Module)
        return {REF: self.refs[id(value)], "type": type(value).__name__, "module": is_module}


def state_of(value, arrays):
    """Plain data describing the state of a pickled argument after a call, or None
    (not a tensor, module or optimizer, or not expressible as plain data)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    try:
        if isinstance(value, torch.Tensor):
            state = {"tensor": encode_tensor(value, arrays)}
        elif isinstance(value, torch.nn.Module):
            attrs = {}
            for name, module in value.named_modules():
                plain = {}
                for k, v in vars(module).items():
                    if not k.startswith("_") and k != "training":
                        try:
                            plain[k] = encode(v, arrays)
                        except TypeError:
                            pass
                attrs[name] = {"__dict__": plain}
            parameters = {k: encode_tensor(v, arrays) for k, v in value.state_dict().items()}
            training = {n: m.training for n, m in value.named_modules()}
            state = {"module": {"__dict__": {"state": {"__dict__": parameters},
                                             "training": {"__dict__": training},
                                             "attrs": {"__dict__": attrs}}}}
        elif isinstance(value, torch.optim.Optimizer):
            state = {"optimizer": encode(value.state_dict(), arrays, other=lambda t: encode_tensor(t, arrays))}
        else:
            return None
    except (TypeError, RuntimeError):
        return None
    return {"__dict__": state}


def student_frame(error):
    """Where the student's code raised, as ``cnnlab.failures.Where.plain()`` (five plain
    values: cell ``In[N]``, line, function, that line's text, raised right there), or None.

    The cells ran with their notebook numbers, so IPython's own mapping names them as in
    the graded notebook. The trusted side treats this as untrusted text.
    """
    try:
        from cnnlab.failures import student_frame as find

        where = find(error.__traceback__)
        return None if where is None else where.plain()
    except Exception:  # noqa: BLE001 - no location rather than no answer
        return None


def run_cells(shell, cells) -> list[str]:
    """Run the cells (dicts with "source", "number", "fixed") in ``shell``; the failures, one line each."""
    def too_long(signum, frame):
        raise KeyboardInterrupt("celda detenida por tiempo")

    signal.signal(signal.SIGALRM, too_long)
    failures = []
    for cell in cells:
        if type(cell.get("number")) is int:
            shell.execution_count = cell["number"]  # IPython maps the cell's code to In[number]
        signal.alarm(FIXED_CELL_SECONDS if cell.get("fixed") else CELL_SECONDS)
        result = shell.run_cell(cell["source"], silent=True)
        signal.alarm(0)
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            failures.append(f"{cell['id']}: {type(error).__name__}: {error}")
    return failures


def main():
    """A fresh process: run the cells of the JSON file ``sys.argv[1]``, then answer on stdin/stdout."""
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)

    sys.path.insert(0, os.getcwd())  # the trusted cnnlab, as in a kernel
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` outside a kernel
    for mime in IMAGE_TYPES:  # figures are not drawn: nobody sees this process's outputs
        shell.display_formatter.formatters[mime].enabled = False
    cells = json.loads(open(sys.argv[1], encoding="utf-8").read())
    failures = run_cells(shell, cells)
    answers.write(pack({"ready": True, "failures": failures}, {}))
    answers.flush()
    serve(requests, answers, shell.user_ns)


def serve_kernel(requests_path, answers_path):
    """In the student's kernel, after its last cell: answer on two FIFOs (``verdict.KernelLink``).

    The namespace is the kernel's, as nbgrader's run from the top left it. Prints and
    figures from here on go nowhere: no output of this request reaches the notebook.
    """
    shell = sys.modules["IPython"].get_ipython()
    requests_fd = os.open(requests_path, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(requests_fd, True)
    answers = open(answers_path, "wb")  # the trusted side holds the read end: no wait
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    sys.stdout = sys.stderr = open(os.devnull, "w")
    for mime in IMAGE_TYPES:
        shell.display_formatter.formatters[mime].enabled = False
    answers.write(pack({"ready": True, "failures": []}, {}))
    answers.flush()
    select.select([requests_fd], [], [])  # the trusted side opens its end after "ready"
    serve(os.fdopen(requests_fd, "rb"), answers, shell.user_ns)


def serve(requests, answers, namespace):
    """Answer the trusted side's requests about ``namespace`` until its stream ends."""
    objects = Objects()

    class Unpickler(pickle.Unpickler):
        """The trusted side's objects; its functions and classes by name, its lambdas as code."""

        def persistent_load(self, pid):
            if pid[0] == "ref":
                return objects.table[pid[1]]
            if pid[0] == "name":
                return namespace[pid[1]]
            _, code, name, defaults = pid
            return types.FunctionType(marshal.loads(code), namespace, name, defaults)

    while True:
        message = read_message(requests)
        if message is None:
            return
        meta, arrays = message
        out_arrays = {}
        if meta.get("rng"):
            set_random_state(meta["rng"], arrays)
        try:
            pickled = Unpickler(io.BytesIO(arrays["pickle"].tobytes())).load() if "pickle" in arrays else []
            hooks = {OBJECT: lambda v, a: pickled[v[OBJECT]], REF: lambda v, a: objects.table[v[REF]]}
            args = decode(meta.get("args", []), arrays, hooks=hooks)
            kwargs = decode(meta.get("kwargs", {"__dict__": {}}), arrays, hooks=hooks)
        except Exception as error:  # noqa: BLE001 - reported to the trusted side as data
            answers.write(pack({ERROR: [type(error).__name__, str(error)[:500]],
                                "rng": random_state_message(out_arrays)}, out_arrays))
            answers.flush()
            continue
        kind = meta["kind"]
        try:
            if "ref" in meta:
                target = objects.table[meta["ref"]]
            elif meta.get("name") in namespace:
                target = namespace[meta["name"]]
            else:  # as in the notebook, where the test cell would use an undefined name
                raise NameError(f"name {meta.get('name')!r} is not defined")
            if kind == "call":
                value = target(*args, **kwargs)
            elif kind == "getattr":
                value = getattr(target, meta["attr"])
            elif kind == "iter":
                value = iter(target)
            elif kind == "next":
                value = next(target)
            elif kind == "len":
                value = len(target)
            elif kind == "getitem":
                value = target[args[0]]
            else:  # "value"
                value = target
            same = paths_of(list(args))
            same.update({id(obj): {OBJECT: k} for k, obj in enumerate(pickled)})
            reply = {"result": encode(value, out_arrays, same, lambda v: objects.encode(v, out_arrays))}
        except BaseException as error:  # noqa: BLE001 - the student's exception, as data
            reply = {ERROR: [type(error).__name__, str(error)[:500], student_frame(error)]}
        if kind == "call":
            try:
                reply["args_after"] = encode(list(args), out_arrays, other=lambda v: {KEPT: True})
            except TypeError:
                reply["args_after"] = None
            reply["objects_after"] = [state_of(obj, out_arrays) for obj in pickled]
        reply["rng"] = random_state_message(out_arrays)
        answers.write(pack(reply, out_arrays))
        answers.flush()


if __name__ == "__main__":
    main()
