# Leaves a detached process behind (new session) that would write a file 30 s
# after the notebook ends. The sandbox's process namespace and cgroup end it
# with the notebook.

# %% p1_e9_solution_pool_backward
import subprocess
import sys

subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30); "
                  "open('ataque_tarde.txt', 'w').write('sigo aqui')"], start_new_session=True)


def pool_backward_vec(dA, cache, mode="max"):
    raise NotImplementedError()
