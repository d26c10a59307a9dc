# The same endless loop, but the cell first ignores SIGINT, so nbgrader's
# interrupt at the per-cell time-out does nothing: only the outer wall-clock
# time-out of the class autograde (which kills the process tree) ends it.

# %% p1_e9_solution_pool_backward
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
