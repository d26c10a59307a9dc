"""Unit tests of the inline marks (cnnlab.marks), outside a Jupyter kernel."""

import sys
import warnings

import numpy as np
import pytest

from cnnlab import failures
from cnnlab import marks as M
from cnnlab.checks import CheckFailed, check_array, fingerprint


@pytest.fixture(autouse=True)
def fresh():
    M.reiniciar()
    yield
    M.reiniciar()


def test_passing_block_earns_its_marks_and_shows_a_tick(capsys):
    with M.marks(5, "e1_ok"):
        check_array(np.ones(3), fingerprint(np.ones(3)))
    assert M.puntos_de_la_celda() == 5
    out = capsys.readouterr()
    assert "✓ [5 puntos]" in out.out and out.err == ""


def test_failing_check_shows_reason_and_hint_and_never_raises(capsys):
    with M.marks(5, "e1_bad", pista="Revise el relleno."):
        check_array(np.ones((2, 2)), fingerprint(np.ones(3)))
    assert M.puntos_de_la_celda() == 0
    out = capsys.readouterr().out
    assert "✗ [0/5 puntos]" in out and "forma" in out and "Revise el relleno." in out


@pytest.mark.parametrize("error, words", [
    (NotImplementedError(), "todavía no implementó la función (NotImplementedError)"),
    (ValueError("boom"), "ValueError: boom"),
    (AssertionError("x"), "comprobación"),
    (ZeroDivisionError("division by zero"), "ZeroDivisionError"),
])
def test_student_exceptions_become_a_red_box(error, words, capsys):
    with M.marks(3, "e2_x"):
        raise error
    assert M.puntos_de_la_celda() == 0
    assert words in capsys.readouterr().out


def test_keyboard_interrupt_is_not_swallowed():
    with pytest.raises(KeyboardInterrupt):
        with M.marks(1, "e1_k"):
            raise KeyboardInterrupt


def test_warnings_and_stderr_inside_a_block_go_to_stdout(capsys):
    with M.marks(2, "e3_w"):
        warnings.warn("cuidado", RuntimeWarning)
        np.log(np.zeros(1))  # numpy's divide warning
        print("a stderr", file=sys.stderr)
    assert M.puntos_de_la_celda() == 2
    out = capsys.readouterr()
    assert out.err == ""
    assert "cuidado" in out.out and "a stderr" in out.out


def test_cell_score_sums_the_cell_and_running_total_keeps_latest_per_key(capsys):
    with M.marks(5, "e3_a"):
        pass
    with M.marks(5, "e3_b"):
        raise AssertionError
    assert M.puntos_de_la_celda() == 5
    assert M.puntos_de_la_celda() == 0  # the cell's marks were consumed
    with M.marks(5, "e3_b"):  # re-run after a fix
        pass
    assert M.visible_total() == (10, 10)
    with M.marks(3, "e3_oculta", oculta=True):
        pass
    assert M.visible_total() == (10, 10)
    assert M.por_ejercicio() == {"e3": (10, 10)}
    assert M.por_ejercicio(include_hidden=True) == {"e3": (13, 13)}
    assert "prueba oculta" in capsys.readouterr().out


def test_summary_prints_per_exercise_and_draws(capsys, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    for key, ok in (("e1_a", True), ("e2_a", False), ("e10_a", True)):
        with M.marks(5, key):
            assert ok
    table = M.resumen()
    assert list(table) == ["e1", "e2", "e10"]
    out = capsys.readouterr().out
    assert "Total visible: 10/15" in out and "Ejercicio 2: 0/5" in out
    assert len(shown) == 1 and len(shown[0].axes[0].patches) == 6


def test_a_failed_zero_mark_check_shows_a_cross(capsys):
    with M.marks(0, "e0_id"):
        raise NameError("carne_1")
    assert M.puntos_de_la_celda() == 0
    assert "✗ [0 puntos]" in capsys.readouterr().out


# --- Messages that point at the student's line -------------------------------------------

STUDENT_CELL = """\
def conv_forward(A):
    Z = np.zeros((2, 3))
    for i in range(8):
        Z[i, 0] = A[i]
    return Z

def zero_pad(X, pad):
    # TU CÓDIGO AQUÍ
    raise NotImplementedError()

def pad_badly(X):
    return np.pad(X, ((0, 0), (1, 1)))
"""


def student_cell(filename="<ipython-input-12-0123456789ab>"):
    """The student's functions, compiled as IPython compiles a cell (source in linecache)."""
    import linecache

    linecache.cache[filename] = (len(STUDENT_CELL), None, STUDENT_CELL.splitlines(True), filename)
    namespace = {"np": np}
    exec(compile(STUDENT_CELL, filename, "exec"), namespace)
    return namespace


@pytest.fixture
def no_shell(monkeypatch):
    """Outside IPython, whatever an earlier test left as the IPython instance."""
    monkeypatch.setattr(failures, "_shell", lambda: None)


def test_an_error_in_the_students_code_names_cell_line_function_and_text(no_shell, capsys):
    cell = student_cell()
    with M.marks(5, "e3_Z", pista="Revise los índices de la ventana."):
        cell["conv_forward"](np.ones(10))
    assert M.puntos_de_la_celda() == 0
    assert M._latest["e3_Z"].reason == (
        "su código lanzó IndexError: index 2 is out of bounds for axis 0 with size 2 "
        "(Celda In[12], línea 4, en conv_forward: Z[i, 0] = A[i])")
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        "✗ [0/5 puntos]",
        "    Motivo: su código lanzó IndexError: index 2 is out of bounds for axis 0 with size 2 "
        "(Celda In[12], línea 4, en conv_forward: Z[i, 0] = A[i])",
        "    Pista: Revise los índices de la ventana.",
    ]


def test_a_stub_says_which_function_is_not_implemented_and_shows_no_hint(no_shell, capsys):
    cell = student_cell()
    with M.marks(5, "e1_x_pad", pista="El relleno va solo en los ejes 1 y 2."):
        cell["zero_pad"](np.ones(3), 2)
    assert M._latest["e1_x_pad"].reason == "todavía no implementó zero_pad (Celda In[12], línea 9)"
    out = capsys.readouterr().out
    assert "Motivo: todavía no implementó zero_pad (Celda In[12], línea 9)\n" in out
    assert "Pista" not in out


def test_a_failed_check_shows_its_reason_and_the_hint(no_shell, capsys):
    with M.marks(5, "e1_x_pad", pista="El relleno va solo en los ejes 1 y 2."):
        check_array(np.ones(2), fingerprint(np.ones(3)), "x_pad")
    assert M._latest["e1_x_pad"].reason == "x_pad tiene forma (2,); se esperaba (3,)"
    assert capsys.readouterr().out.splitlines()[1:3] == [
        "    Motivo: x_pad tiene forma (2,); se esperaba (3,)",
        "    Pista: El relleno va solo en los ejes 1 y 2.",
    ]


def test_an_error_inside_numpy_points_at_the_students_line_that_called_it(no_shell, capsys):
    cell = student_cell()
    with M.marks(5, "e1_pad", pista="p"):
        cell["pad_badly"](np.ones(3))
    reason = M._latest["e1_pad"].reason
    assert reason.startswith("su código lanzó ValueError: ")
    assert reason.endswith("(Celda In[12], línea 12, en pad_badly: return np.pad(X, ((0, 0), (1, 1))))")
    assert "Pista: p" in capsys.readouterr().out


def test_a_function_never_defined_says_so_and_shows_no_hint(no_shell, capsys):
    with M.marks(5, "e9_conv", pista="Mismas formas que conv_forward."):
        conv_forward_vec(np.ones(3))  # noqa: F821 - the student never ran its cell
    with M.marks(5, "e9_media", pista="p"):
        np.mean(Z_vec)  # noqa: F821
    assert M._latest["e9_conv"].reason == \
        "falta la función conv_forward_vec: ejecute antes la celda que la define"
    assert M._latest["e9_media"].reason == ("el nombre Z_vec no está definido: ejecute antes las "
                                            "celdas anteriores (o corrija el paso que falló más arriba)")
    assert "Pista" not in capsys.readouterr().out


def test_the_cell_number_is_ipythons_own_mapping_when_a_shell_runs(monkeypatch, capsys):
    name = "/tmp/ipykernel_123/456.py"
    cell = student_cell(name)

    class Compiler:
        def format_code_name(self, filename):
            return ("Cell", "In[7]") if filename == name else None

    class Shell:
        compile = Compiler()

    monkeypatch.setattr(failures, "_shell", lambda: Shell())
    with M.marks(5, "e3_Z"):
        cell["conv_forward"](np.ones(10))
    assert M._latest["e3_Z"].reason.endswith("(Celda In[7], línea 4, en conv_forward: Z[i, 0] = A[i])")
    # a file the shell did not compile is no cell, whatever its name says
    cell = student_cell("<ipython-input-12-0123456789ab>")
    with M.marks(5, "e3_Z"):
        cell["conv_forward"](np.ones(10))
    assert M._latest["e3_Z"].reason == \
        "su código lanzó IndexError: index 2 is out of bounds for axis 0 with size 2"


def test_the_verdicts_frame_is_untrusted_text_cleaned_bounded_and_escaped(no_shell):
    error = IndexError("index 7 is out of bounds")
    error.cnnlab_where = ["In[3]\x1b[31m", 9, "conv\u202eforward", "<script>" + "x" * 200, False]
    with M.marks(5, "e3_Z", pista="p"):
        raise error
    reason = M._latest["e3_Z"].reason
    assert reason.startswith("su código lanzó IndexError: index 7 is out of bounds "
                             "(Celda In[3] [31m, línea 9, en conv forward: <script>xxx")
    assert reason.endswith("x…)") and len(reason) < 200
    html_box = M._Box(M._latest["e3_Z"], "p", [])._repr_html_()
    assert "<script>" not in html_box and "&lt;script&gt;" in html_box
    for bad in (None, "In[3]", ["In[3]", "9", "f", "t", False], ["In[3]", 9, "f", "t"], [1, 9, "f", "t", True]):
        error = ValueError("v")
        error.cnnlab_where = bad
        with M.marks(1, "e3_bad"):
            raise error
        assert M._latest["e3_bad"].reason == "su código lanzó ValueError: v"
    error = NotImplementedError()
    error.cnnlab_where = ["In[5]", 20, "zero_pad", "raise NotImplementedError()", True]
    with M.marks(1, "e1_stub", pista="p"):
        raise error
    assert M._latest["e1_stub"].reason == "todavía no implementó zero_pad (Celda In[5], línea 20)"


def test_marks_never_raises_even_when_the_message_cannot_be_made(monkeypatch, capsys):
    def broken(exc):
        raise RuntimeError("no")

    monkeypatch.setattr(failures, "_describe", broken)
    with M.marks(2, "e2_x", pista="p"):
        raise CheckFailed("mal")
    assert M._latest["e2_x"].reason == "su código lanzó CheckFailed: mal"
    assert M.puntos_de_la_celda() == 0


def test_the_verdicts_worker_sends_the_students_frame_back_and_the_message_matches(tmp_path, no_shell):
    """The trusted verdict's worker (here unsandboxed) runs the student's cells with their
    notebook numbers; a call that raises comes back as name, message and the student's frame,
    and the trusted side's red box says what the notebook's says."""
    import json
    import subprocess
    from pathlib import Path

    from coursetools.grading import verdict
    from coursetools.grading.verdict_worker import ERROR, encode, pack, unpack

    root = Path(__file__).resolve().parents[1]
    cells = [{"id": "setup", "source": "import numpy as np", "number": 1},
             {"id": "p1_e3_solution", "source": STUDENT_CELL, "number": 12}]
    (tmp_path / "cells.json").write_text(json.dumps(cells), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(root / "coursetools" / "grading" / "verdict_worker.py"),
                             str(tmp_path / "cells.json")], cwd=root, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def read():
        size = int.from_bytes(proc.stdout.read(8), "big")
        return unpack(proc.stdout.read(size))

    def call(name, *args):
        arrays = {}
        proc.stdin.write(pack({"kind": "call", "name": name, "args": encode(list(args), arrays)}, arrays))
        proc.stdin.flush()
        reply, _ = read()
        return verdict._exception(*reply[ERROR])

    try:
        assert read()[0] == {"ready": True, "failures": []}
        error = call("conv_forward", np.ones(10))
        assert error.cnnlab_where == ["In[12]", 4, "conv_forward", "Z[i, 0] = A[i]", True]
        stub = call("zero_pad", np.ones(3), 2)
        missing = call("conv_forward_vec", np.ones(3))
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    with M.marks(5, "e3_Z", pista="Revise los índices de la ventana."):
        raise error
    assert M._latest["e3_Z"].reason == (
        "su código lanzó IndexError: index 2 is out of bounds for axis 0 with size 2 "
        "(Celda In[12], línea 4, en conv_forward: Z[i, 0] = A[i])")
    with M.marks(5, "e1_x_pad", pista="p"):
        raise stub
    assert M._latest["e1_x_pad"].reason == "todavía no implementó zero_pad (Celda In[12], línea 9)"
    assert type(missing) is NameError and not hasattr(missing, "cnnlab_where")
    assert str(missing) == "name 'conv_forward_vec' is not defined"


def test_the_worker_numbers_cells_as_nbgrader_runs_them():
    import nbformat

    from coursetools.grading import verdict

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("texto"),
        nbformat.v4.new_code_cell("import numpy as np", metadata={"nbgrader": {"grade_id": "setup"}}),
        nbformat.v4.new_code_cell("  \n"),  # empty: nbclient skips it, no number
        nbformat.v4.new_code_cell("x = 1"),  # a cell the student added
        nbformat.v4.new_code_cell("def f(): pass", metadata={"nbgrader": {"grade_id": "p1_e1_solution"}}),
    ])
    assert verdict._execution_numbers(nb) == {"setup": 1, None: 2, "p1_e1_solution": 3}
