# A correct Part 1 with no Python loop over image positions: it sums in other
# orders than the loop versions, so it proves that the checks are float-robust.

# %% p1_e1_solution
def zero_pad(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=X.dtype)
    X_pad[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return X_pad

# %% p1_e2_solution
def conv_single_step(a_slice_prev, W, b):
    return float(np.einsum("ijk,ijk->", a_slice_prev, W) + np.asarray(b).item())

# %% p1_e3_solution
from numpy.lib.stride_tricks import sliding_window_view

def conv_forward(A_prev, W, b, hparameters):
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    windows = sliding_window_view(zero_pad(A_prev, pad), (f, f), axis=(1, 2))
    windows = windows[:, ::stride, ::stride]          # (m, n_H, n_W, C_prev, f, f)
    Z = np.einsum("mhwcij,ijcn->mhwn", windows, W, optimize=True) + b.reshape(1, 1, 1, -1)
    return Z, (A_prev, W, b, hparameters)

# %% p1_e4_solution
from numpy.lib.stride_tricks import sliding_window_view

def pool_forward(A_prev, hparameters, mode="max"):
    f, stride = hparameters["f"], hparameters["stride"]
    windows = sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::stride, ::stride]
    A = windows.max(axis=(-2, -1)) if mode == "max" else windows.mean(axis=(-2, -1))
    return A, (A_prev, hparameters)

# %% p1_e5_solution
def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    _, n_H, n_W, _ = dZ.shape
    A_pad = zero_pad(A_prev, pad)
    dA_pad = np.zeros(A_pad.shape)
    dW = np.zeros(W.shape)
    for di in range(f):
        for dj in range(f):
            rows = slice(di, di + stride * (n_H - 1) + 1, stride)
            cols = slice(dj, dj + stride * (n_W - 1) + 1, stride)
            dA_pad[:, rows, cols, :] += np.einsum("mhwn,cn->mhwc", dZ, W[di, dj])
            dW[di, dj] = np.einsum("mhwc,mhwn->cn", A_pad[:, rows, cols, :], dZ)
    db = dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, -1)
    n_H_prev, n_W_prev = A_prev.shape[1:3]
    return dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :], dW, db

# %% p1_e6_solution_mask
def create_mask_from_window(x):
    return np.arange(x.size).reshape(x.shape) == np.argmax(x)

# %% p1_e6_solution_distribute
def distribute_value(dz, shape):
    return np.ones(shape) * (dz / np.prod(shape))

# %% p1_e7_solution
from numpy.lib.stride_tricks import sliding_window_view

def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    _, n_H, n_W, _ = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    if mode == "max":
        windows = sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::stride, ::stride]
        share = (windows == windows.max(axis=(-2, -1), keepdims=True)) * dA[..., None, None]
    else:
        share = np.broadcast_to(dA[..., None, None] / (f * f), dA.shape + (f, f))
    for di in range(f):
        for dj in range(f):
            rows = slice(di, di + stride * (n_H - 1) + 1, stride)
            cols = slice(dj, dj + stride * (n_W - 1) + 1, stride)
            dA_prev[:, rows, cols, :] += share[..., di, dj]
    return dA_prev
