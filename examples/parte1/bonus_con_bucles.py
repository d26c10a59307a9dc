# The bonus "vectorised" in name only: each _vec function calls the loop version
# of Exercises 3-7. Every value is right, so only the bonus rule (no Python loop
# over output positions, timed on a large batch) tells them apart: the student
# keeps every required point and earns no bonus.

# %% p1_e9_solution_conv_forward
def conv_forward_vec(A_prev, W, b, hparameters):
    return conv_forward(A_prev, W, b, hparameters)


# %% p1_e9_solution_pool_forward
def pool_forward_vec(A_prev, hparameters, mode="max"):
    return pool_forward(A_prev, hparameters, mode=mode)


# %% p1_e9_solution_conv_backward
def conv_backward_vec(dZ, cache):
    return conv_backward(dZ, cache)


# %% p1_e9_solution_pool_backward
def pool_backward_vec(dA, cache, mode="max"):
    return pool_backward(dA, cache, mode=mode)
