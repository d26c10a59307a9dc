# Prints a single 10 MB line. The graded notebook keeps the first 256 KB of it.

# %% p1_e9_solution_pool_backward
print("x" * (10 * 2**20))


def pool_backward_vec(dA, cache, mode="max"):
    raise NotImplementedError()
