# Degenerate Part 1: every function returns zeros of the right shape (the
# caches the stubs already hold included), and Exercise 8's functions change
# their inputs in place: backward_propagation zeroes the labels it gets (so a
# cost computed afterwards with them is 0) and update_parameters zeroes the
# parameters. No exercise is implemented: it must score (almost) nothing.

# %% p1_e1_solution
def zero_pad(X, pad):
    m, n_H, n_W, n_C = X.shape
    return np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=X.dtype)

# %% p1_e2_solution
def conv_single_step(a_slice_prev, W, b):
    return 0.0

# %% p1_e3_solution
def conv_forward(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    Z = np.zeros((m, (n_H_prev + 2 * pad - f) // stride + 1, (n_W_prev + 2 * pad - f) // stride + 1, n_C))
    cache = (A_prev, W, b, hparameters)
    return Z, cache

# %% p1_e4_solution
def pool_forward(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    A = np.zeros((m, (n_H_prev - f) // stride + 1, (n_W_prev - f) // stride + 1, n_C))
    cache = (A_prev, hparameters)
    return A, cache

# %% p1_e5_solution
def conv_backward(dZ, cache):
    A_prev, W, b, hparameters = cache
    return np.zeros(A_prev.shape), np.zeros(W.shape), np.zeros(b.shape)

# %% p1_e6_solution_mask
def create_mask_from_window(x):
    return np.zeros(x.shape, dtype=bool)

# %% p1_e6_solution_distribute
def distribute_value(dz, shape):
    return np.zeros(shape)

# %% p1_e7_solution
def pool_backward(dA, cache, mode="max"):
    A_prev, hparameters = cache
    return np.zeros(A_prev.shape)

# %% p1_e8_solution_forward
def simple_cnn_model(image_array, parameters):
    caches = {name: value for name, value in parameters.items()}
    return np.zeros((image_array.shape[0], 2)), caches

# %% p1_e8_solution_backward
def backward_propagation(A_last, Y, caches):
    Y[...] = 0.0
    return {"d" + name: np.zeros(value.shape) for name, value in caches.items()}

# %% p1_e8_solution_update
def update_parameters(parameters, gradients, learning_rate=0.01):
    for name in list(parameters):
        parameters[name] = np.zeros(parameters[name].shape)
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
