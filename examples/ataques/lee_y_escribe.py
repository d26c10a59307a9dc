# Looks for the instructor's notebooks, the gradebook and other students' work
# from inside the kernel, and tries to write the gradebook and another student's
# notebook. In the sandbox none of them exists; the honest zero_pad keeps its marks.

# %% p1_e1_solution
import glob

encontrado = []
for patron in ["../../../source/*/*.ipynb", "../../../release/*/*.ipynb", "../../../gradebook.db",
               "../../*/lab2/*.ipynb", "../../../submitted/*/lab2/*.ipynb", "../../../coursetools/*.py"]:
    encontrado += glob.glob(patron)
print("encontrado:", encontrado)
for destino in ["../../../gradebook.db", "../../perfecto/lab2/parte1_numpy.ipynb"]:
    try:
        with open(destino, "a") as fh:
            fh.write("x")
        print("escrito:", destino)
    except OSError as error:
        print("no se pudo escribir", destino, type(error).__name__)


def zero_pad(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant")
