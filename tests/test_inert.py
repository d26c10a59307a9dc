"""coursetools.inert on the payloads of ``examples/ataques/xss.py`` (fast; the browser proof is
tests/test_formgrader.py)."""

from __future__ import annotations

import re

import nbformat
from nbconvert.exporters import HTMLExporter

from coursetools import examples, inert, paths

ACTIVE = re.compile(r"<script|<iframe|<svg|<form|\son\w+\s*=|javascript:|\\href", re.I)
BLOCKED_TAGS = {"script", "iframe", "svg", "form", "object", "embed", "frame", "base", "meta", "style",
                "link", "textarea", "template"}


def _active(fragment: str) -> list[str]:
    """Active parts of an HTML fragment: blocked elements, event attributes, script URLs."""
    from bs4 import BeautifulSoup

    found = []
    for el in BeautifulSoup(fragment, "html.parser").find_all(True):
        if el.name in BLOCKED_TAGS:
            found.append(el.name)
        for name, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name.startswith("on") or (name in ("href", "src", "action", "formaction")
                                         and not re.match(r"\s*(https?:|mailto:|data:image/)", value)):
                found.append(f"{el.name}[{name}={value[:30]}]")
    return found


def _payload_cells() -> dict[str, str]:
    return examples.read_cells(paths.EXAMPLES / "ataques" / "xss.py")


def test_written_answers_render_as_text_without_active_content():
    for grade_id, source in _payload_cells().items():
        if "_answer_" not in grade_id:
            continue
        assert ACTIVE.search(source), grade_id  # the payload is there
        assert _active(HTMLExporter(template_name="classic").from_notebook_node(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source)]))[0]
            .split("<body", 1)[1]), grade_id  # and active without InertHTML
        html = HTMLExporter(template_name="classic").from_notebook_node(
            inert.inert_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source)])))[0]
        assert _active(html.split("<body", 1)[1]) == [], grade_id
        assert "\\href" not in html
    assert "Respuesta legible: a 16×16" in inert.inert_markdown(_payload_cells()["p1_e8_answer_q1"])

def test_outputs_keep_text_images_and_cleaned_html_only():
    data = inert._inert_data({
        "text/plain": "p", "image/png": "iVBORw0KGgo=", "application/javascript": "alert(1)",
        "text/html": '<b onclick="x()">b</b><script>x()</script><a href="javascript:x()">a</a>',
        "application/vnd.jupyter.widget-view+json": {"model_id": "m"},
    })
    assert data == {"text/plain": "p\n" + inert.NOTE.format(
                        "application/javascript, application/vnd.jupyter.widget-view+json"),
                    "image/png": "iVBORw0KGgo=",
                    "text/html": '<b>b</b><a rel="noopener noreferrer nofollow">a</a>'}
    svg = inert._inert_data({"image/svg+xml": '<svg onload="x()"/>'})
    assert list(svg) == ["text/html"] and svg["text/html"].startswith('<img src="data:image/svg+xml;base64,')
    assert inert._inert_data({"image/png": '" onerror="x()'}) == {
        "text/plain": inert.NOTE.format("image/png")}


def test_a_block_markdown_would_not_copy_verbatim_is_shown_escaped():
    # A markdown cell is one raw HTML block that the template's markdown pass copies as is.
    for source in ["$a<b$ and $$c$$", "    <script>x()</script>", "a\n\n\n<div>\n\nb</div>", "\\href{x}{y}"]:
        block = inert.inert_markdown(source)
        assert "\n" not in block and "$" not in block and "\\href" not in block
        assert inert._markdown(block).strip() == block


def test_grade_ids_and_execution_counts_cannot_carry_markup():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "x", metadata={"nbgrader": {"grade_id": 'a"><img src=x onerror=y()>', "solution": True}})])
    code = nbformat.v4.new_code_cell("1")
    code.execution_count = "<img onerror=x()>"
    nb.cells.append(code)
    inert.inert_notebook(nb)
    assert nb.cells[0].metadata.nbgrader.grade_id == "a___img_src_x_onerror_y___"
    assert nb.cells[1].execution_count is None


def test_static_pages_get_a_policy_that_forbids_scripts():
    page = inert.with_policy("<html><head><title>t</title></head><body></body></html>")
    assert page.startswith('<html><head><meta http-equiv="Content-Security-Policy" '
                           'content="default-src &#x27;none&#x27;;')


def test_output_metadata_and_grade_comments_are_inert():
    out = nbformat.v4.new_output("display_data", data={"text/html": "<b>x</b>"},
                                 metadata={"text/html": {"isolated": True, "width": 3},
                                           "filenames": {"image/png": "x\" onerror=\"y()"}})
    code = nbformat.v4.new_code_cell("1", outputs=[out])
    answer = nbformat.v4.new_markdown_cell("x", metadata={"nbgrader": {
        "grade_id": "q", "comment": "<img src=x onerror=y()>Bien"}})
    nb = inert.inert_notebook(nbformat.v4.new_notebook(cells=[code, answer]))
    assert nb.cells[0].outputs[0].metadata == {"text/html": {"width": 3}}
    assert nb.cells[1].metadata.nbgrader.comment == "<div><p>Bien</p>&#10;</div>"
