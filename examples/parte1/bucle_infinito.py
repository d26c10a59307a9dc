# A loop whose condition never changes, left at the top of the last bonus cell:
# the cell runs until nbgrader's per-cell time-out interrupts it, so
# pool_backward_vec is never defined. Everything else is graded.

# %% p1_e9_solution_pool_backward
listo = False
while not listo:  # "esperar a que termine": nada cambia listo
    pass


def pool_backward_vec(dA, cache, mode="max"):
    raise NotImplementedError()
