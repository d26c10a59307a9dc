"""A submitted notebook is bounded before it is parsed: bytes, JSON nesting, cells."""

from __future__ import annotations

import json

import nbformat
import pytest

from coursetools.grading import notebook_bounds
from coursetools.grading.limits import Limits

SMALL = Limits(notebook_bytes=10_000, notebook_cells=5, notebook_depth=20)


def _write(tmp_path, text: str):
    path = tmp_path / "parte1_numpy.ipynb"
    path.write_text(text, encoding="utf-8")
    return path


def _notebook(cells: int = 1) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1") for _ in range(cells)])
    return nbformat.writes(nb)


@pytest.mark.parametrize("text, reason", [
    (_notebook(1) + " " * 20_000, "parte1_numpy.ipynb pesa 20 KB (límite 10 KB)"),
    ('{"a": ' * 1_000 + "1" + "}" * 1_000, "parte1_numpy.ipynb anida más de 20 niveles de JSON"),
    (_notebook(6), "parte1_numpy.ipynb tiene 6 celdas (límite 5)"),
    ('{"cells": [', "parte1_numpy.ipynb no es JSON válido (línea 1, columna 12)"),
    ('{"nbformat": "\\u001b[2J"}', None),
])
def test_each_limit_is_named(tmp_path, text, reason):
    problem = notebook_bounds.problem(_write(tmp_path, text), SMALL)
    assert problem is not None and problem[0] == notebook_bounds.INVALID
    if reason:
        assert problem[1] == reason


def test_brackets_inside_strings_do_not_count(tmp_path):
    nb = json.loads(_notebook(1))
    nb["cells"][0]["source"] = "[" * 5_000
    assert notebook_bounds.read(_write(tmp_path, json.dumps(nb)), SMALL).cells[0].source == "[" * 5_000


def test_a_missing_notebook_is_missing(tmp_path):
    assert notebook_bounds.problem(tmp_path / "parte2_pytorch.ipynb") == (
        notebook_bounds.MISSING, "falta parte2_pytorch.ipynb")
