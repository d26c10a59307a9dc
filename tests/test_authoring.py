"""The authoring loop: a new check's placeholder becomes a fingerprint, and says where."""

import subprocess
import sys

from coursetools import fingerprints, paths

TWIN = '''# %% [markdown]
# Un notebook mínimo.

# %% tipo="fijo" id="p9_setup"
import numpy as np
from cnnlab.checks import check_array
from cnnlab.marks import marks, puntos_de_la_celda

# %% tipo="solucion" id="p9_e1_solution"
def doble(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION

# %% tipo="prueba" id="p9_e1_hidden_nuevo" puntos=1
# Prueba oculta: el doble de un vector.
### BEGIN HIDDEN TESTS
with marks(1, "e1_oculta_nuevo", oculta=True):
    check_array(doble(np.arange(3.0)), "<fp>", "doble")
puntos_de_la_celda()
### END HIDDEN TESTS
'''


def test_fingerprints_fills_each_placeholder_and_names_its_cell(tmp_path):
    twin = tmp_path / "mini.py"
    twin.write_text(TWIN, encoding="utf-8")
    assert fingerprints.fill(twin) == ["p9_e1_hidden_nuevo"]
    text = twin.read_text(encoding="utf-8")
    assert '"<fp>"' not in text and 'check_array(doble(np.arange(3.0)), "fp1:3:n:' in text
    assert fingerprints.fill(twin) == []  # nothing left: nothing runs


def test_fingerprints_command_prints_a_short_summary(tmp_path):
    twin = tmp_path / "mini.py"
    twin.write_text(TWIN, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "coursetools", "fingerprints", str(twin)],
                          cwd=paths.ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "  p9_e1_hidden_nuevo: 1", f"1 fingerprints filled in {twin}",
        "next: make notebooks && make release (then commit the twin, source/ and release/)"]
