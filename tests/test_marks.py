"""Unit tests of the inline marks (cnnlab.marks), outside a Jupyter kernel."""

import sys
import warnings

import numpy as np
import pytest

from cnnlab import marks as M
from cnnlab.checks import check_array, fingerprint


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
    (NotImplementedError(), "no está implementada"),
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
