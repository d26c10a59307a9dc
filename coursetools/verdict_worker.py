"""The untrusted half of the trusted verdict: runs a student's code and answers calls with data.

Started by ``coursetools.verdict`` inside the sandbox (``coursetools.sandbox``),
with the cells to run in a JSON file given as the first argument. It runs them
in an IPython shell, then serves calls on the stdout it was started with:
each request names a function and carries its arguments as plain data; each
answer carries the result (or the exception's name and message), the
arguments after the call (a function may change its inputs) and NumPy's
random state. Only numbers, strings, lists, tuples, dicts and NumPy arrays
cross: no pickles, no objects. The student's prints go to /dev/null.

This file is copied into the sandbox on its own: it imports nothing of
``coursetools``. Its encoding rules are the ones of ``coursetools.verdict``.
"""

import io
import json
import os
import signal
import struct
import sys

import numpy as np

CELL_SECONDS = 20  # a cell of the student's that runs longer is stopped (as nbgrader's time-out)
ARRAY, SCALAR, TUPLE, ERROR, SUBCLASS = "__array__", "__npscalar__", "__tuple__", "__error__", "__subclass__"
SAME = "__same__"  # the object returned is one of the arguments (path into them)


def paths_of(value, path=(), found=None):
    """{id(object): path} of every array, list or dict inside ``value`` (the call's arguments)."""
    found = {} if found is None else found
    if isinstance(value, (np.ndarray, list, dict)):
        found.setdefault(id(value), list(path))
    if isinstance(value, (list, tuple)):
        for k, item in enumerate(value):
            paths_of(item, path + (k,), found)
    elif isinstance(value, dict):
        for k, item in value.items():
            paths_of(item, path + (k,), found)
    return found


def encode(value, arrays, same=None):
    """Plain data for ``value``; an object that *is* one of the arguments becomes a reference."""
    if same and id(value) in same and isinstance(value, (np.ndarray, list, dict)):
        return {SAME: same[id(value)]}
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = np.array(value)  # a plain copy, whatever the class
        out = {ARRAY: key}
        if type(value) is not np.ndarray:
            out[SUBCLASS] = type(value).__name__
        return out
    if isinstance(value, np.generic):
        key = f"a{len(arrays)}"
        arrays[key] = np.array(value)
        return {SCALAR: key}
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is tuple:
        return {TUPLE: [encode(v, arrays, same) for v in value]}
    if type(value) is list:
        return [encode(v, arrays, same) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: encode(v, arrays, same) for k, v in value.items()}}
    raise TypeError(f"valor de tipo {type(value).__name__} no se puede devolver")


def decode(value, arrays, args=(), subclass=None):
    """The value ``encode`` wrote. A reference to an argument becomes that very object
    of ``args``; with ``subclass``, arrays that were of an ndarray subclass become one."""
    if isinstance(value, list):
        return [decode(v, arrays, args, subclass) for v in value]
    if isinstance(value, dict):
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
            return tuple(decode(v, arrays, args, subclass) for v in value[TUPLE])
        if "__dict__" in value:
            return {k: decode(v, arrays, args, subclass) for k, v in value["__dict__"].items()}
    return value


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
    name, keys, pos, has_gauss, cached = np.random.get_state()
    arrays["rng_keys"] = keys
    return [name, pos, has_gauss, cached]


def main():
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)

    sys.path.insert(0, os.getcwd())  # the trusted cnnlab, as in a kernel
    from IPython.core.interactiveshell import InteractiveShell

    def too_long(signum, frame):
        raise KeyboardInterrupt(f"celda detenida a los {CELL_SECONDS} s")

    signal.signal(signal.SIGALRM, too_long)
    shell = InteractiveShell.instance()
    shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` outside a kernel
    cells = json.loads(open(sys.argv[1], encoding="utf-8").read())
    failures = []
    for cell in cells:
        signal.alarm(CELL_SECONDS)
        result = shell.run_cell(cell["source"], silent=True)
        signal.alarm(0)
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            failures.append(f"{cell['id']}: {type(error).__name__}: {error}")
    answers.write(pack({"ready": True, "failures": failures}, {}))
    answers.flush()

    namespace = shell.user_ns
    while True:
        message = read_message(requests)
        if message is None:
            return
        meta, arrays = message
        out_arrays = {}
        if meta.get("rng"):
            name, pos, has_gauss, cached = meta["rng"]
            np.random.set_state((name, arrays["rng_keys"], pos, has_gauss, cached))
        if meta["kind"] == "value":
            try:
                reply = {"result": encode(namespace[meta["name"]], out_arrays)}
            except Exception as error:  # noqa: BLE001 - reported to the trusted side as data
                reply = {ERROR: [type(error).__name__, str(error)[:500]]}
        else:
            args = decode(meta["args"], arrays)
            kwargs = decode(meta["kwargs"], arrays)
            try:
                function = namespace[meta["name"]]
                value = function(*args, **kwargs)
                reply = {"result": encode(value, out_arrays, paths_of(list(args)))}
            except BaseException as error:  # noqa: BLE001 - the student's exception, as data
                reply = {ERROR: [type(error).__name__, str(error)[:500]]}
            try:
                reply["args_after"] = encode(list(args), out_arrays)
            except TypeError:
                reply["args_after"] = None
        reply["rng"] = random_state_message(out_arrays)
        answers.write(pack(reply, out_arrays))
        answers.flush()


if __name__ == "__main__":
    main()
