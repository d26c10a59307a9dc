# Allocates memory until something breaks. The memory cgroup kills the kernel;
# the notebook is reported as failed, out of memory.

# %% p1_e9_solution_pool_backward
bloques = []
while True:
    bloques.append(bytearray(64 * 2**20))
