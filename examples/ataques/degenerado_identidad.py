# Degenerate Part 1: functions that hand back (a piece of) their input, with
# backward passes that are the exact gradients of those forwards, so every
# numeric gradient check would see a consistent, non-zero pair: zero_pad
# returns X, the convolution is the bias alone (Z = b everywhere), pooling
# crops the top-left corner, the mask is x > -inf, distribute_value puts dz in
# the first cell, the CNN returns a constant 50/50 and the update returns the
# parameters unchanged. No exercise is implemented: it must score (almost) nothing.

# %% p1_e1_solution
def zero_pad(X, pad):
    return X

# %% p1_e2_solution
def conv_single_step(a_slice_prev, W, b):
    return float(np.squeeze(b))

# %% p1_e3_solution
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev + 2 * pad - f) // stride + 1
    n_W = (n_W_prev + 2 * pad - f) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C)) + b
    cache = (A_prev, W, b, hparameters)
    return Z, cache

# %% p1_e4_solution
def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    A = A_prev[:, :(n_H_prev - f) // stride + 1, :(n_W_prev - f) // stride + 1, :].copy()
    cache = (A_prev, hparameters)
    return A, cache

# %% p1_e5_solution
def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    db = np.sum(dZ, axis=(0, 1, 2)).reshape(b.shape)
    return np.zeros(A_prev.shape), np.zeros(W.shape), db

# %% p1_e6_solution_mask
def create_mask_from_window(x):
    return x > -np.inf

# %% p1_e6_solution_distribute
def distribute_value(dz, shape):
    a = np.zeros(shape)
    a[0, 0] = dz
    return a

# %% p1_e7_solution
def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    dA_prev = np.zeros(A_prev.shape)
    dA_prev[:, :dA.shape[1], :dA.shape[2], :] = dA
    return dA_prev

# %% p1_e8_solution_forward
def simple_cnn_model(image_array, parameters):
    return np.full((image_array.shape[0], 2), 0.5), dict(parameters)

# %% p1_e8_solution_backward
def backward_propagation(A_last, Y, caches):
    return {"d" + name: np.zeros(caches[name].shape) for name in ("W1", "b1", "W3", "b3")}

# %% p1_e8_solution_update
def update_parameters(parameters, gradients, learning_rate=0.01):
    return parameters

# %% p1_e9_solution_conv_forward
def conv_forward_vec(A_prev, W, b, hparameters):
    return conv_forward(A_prev, W, b, hparameters)

# %% p1_e9_solution_pool_forward
def pool_forward_vec(A_prev, hparameters, mode="max"):
    return pool_forward(A_prev, hparameters, mode)

# %% p1_e9_solution_conv_backward
def conv_backward_vec(dZ, cache):
    return conv_backward(dZ, cache)

# %% p1_e9_solution_pool_backward
def pool_backward_vec(dA, cache, mode="max"):
    return pool_backward(dA, cache, mode)
