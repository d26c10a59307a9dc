"""Feedback HTML shows the student's points and none of the hidden tests."""

import html
import re

import pytest

from coursetools import examples, feedback, paths


def visible_text(page: str) -> str:
    """The text of an HTML page with tags removed (code highlighting splits lines into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("name", sorted(paths.NOTEBOOKS))
def test_feedback_holds_no_hidden_test_line(course, feedback_dir, name):
    secret = feedback.hidden_lines(course / "source" / paths.ASSIGNMENT, name)
    assert len(secret) > 50
    pages = sorted(feedback_dir.glob(f"*/{paths.ASSIGNMENT}/{name}.html"))
    assert len(pages) >= len(examples.demo_students()) - 1  # one notebook missing, one not JSON
    for page in pages:
        text = visible_text(page.read_text())
        assert [line for line in secret if line in text] == [], page


def test_feedback_shows_points_and_hidden_cell_descriptions(feedback_dir):
    text = visible_text((feedback_dir / "bug_stride_ignored" / paths.ASSIGNMENT /
                         "parte1_numpy.html").read_text())
    assert "Score: 144.0 / 162.0" in text
    assert "Prueba oculta: stride 2 con pad 1 en imágenes no cuadradas." in text
    assert "✗ prueba oculta [0/3 puntos]" in text


def test_scrub_replaces_tracebacks_and_quoted_hidden_lines():
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [
        nbformat.v4.new_output("error", ename="AssertionError", evalue="boom",
                               traceback=["check_array(secret_value, 'fp1:abc')  # quoted"]),
        nbformat.v4.new_output("stream", name="stdout",
                               text="harmless\ncheck_array(secret_value, 'fp1:abc')\n"),
    ]
    nb.cells = [cell]
    out = feedback.scrub(nb, {}, {"check_array(secret_value, 'fp1:abc')"})
    assert out.cells[0].outputs[0].traceback == ["AssertionError: boom"]
    assert "secret_value" not in out.cells[0].outputs[1].text
    assert out.cells[0].outputs[1].text.startswith("harmless\n")
