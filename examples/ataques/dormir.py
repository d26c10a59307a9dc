# Sleeps far past the per-cell time-out: nbgrader interrupts the cell (the sandbox
# delivers the interrupt as a message) and grading goes on; pool_backward_vec is
# never defined.

# %% p1_e9_solution_pool_backward
import time

time.sleep(10**6)


def pool_backward_vec(dA, cache, mode="max"):
    raise NotImplementedError()
