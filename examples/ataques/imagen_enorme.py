# Shows a 60 MB PNG (80 MB of base64 in the notebook). The graded notebook keeps
# at most 5 MB per output: the image is replaced by one line saying what was cut,
# and the feedback page stays small. pool_backward_vec is defined right.

# %% p1_e9_solution_pool_backward
from IPython.display import Image, display
from numpy.lib.stride_tricks import sliding_window_view

display(Image(data=b"\x89PNG\r\n\x1a\n" + bytes(60 * 2**20 - 8)))


def pool_backward_vec(dA, cache, mode="max"):
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    _, n_H, n_W, _ = dA.shape
    if mode == "max":
        windows = sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::stride, ::stride]
        share = (windows == windows.max(axis=(4, 5), keepdims=True)) * dA[..., None, None]
    else:
        share = np.broadcast_to(dA[..., None, None] / (f * f), dA.shape + (f, f))
    dA_prev = np.zeros(A_prev.shape)
    for di in range(f):
        for dj in range(f):
            dA_prev[:, di:di + stride * n_H:stride, dj:dj + stride * n_W:stride, :] += share[..., di, dj]
    return dA_prev
