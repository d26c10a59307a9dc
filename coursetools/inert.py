"""Student content made inert before nbgrader turns it into HTML.

``InertHTML`` is an nbconvert preprocessor that nbgrader's ``HTMLExporter``
runs (``c.HTMLExporter.preprocessors`` in ``nbgrader_config.py``), so every
page nbgrader renders from a graded notebook gets it: formgrader's
manual-grading page (``/formgrader/submissions/<id>``) and
``generate_feedback``. It works on the in-memory copy being rendered;
``autograded/`` keeps the notebook as graded.

What it does to a notebook (shapes: an nbformat v4 notebook in, the same out):

* every markdown cell becomes one raw HTML block: the markdown rendered by
  nbconvert's own renderer, then cleaned by ``clean_html`` (an allowlist of
  text tags; links only to ``http``/``https``/``mailto``; images only as
  ``data:image/png|jpeg|gif|webp`` URLs; no ``style``, ``class``, event
  attribute, ``script``, ``iframe``, ``svg``, form or ``javascript:`` URL).
  ``$`` and newlines are written as character references so that the
  template's second markdown pass (``cell.source | markdown2html``) copies
  the block verbatim; this is checked, and a block that would not come out
  verbatim is shown as escaped text instead;
* outputs keep ``text/plain``, base64 ``image/png|jpeg|gif``, ``text/latex``
  (escaped by the template), ``text/html`` cleaned the same way,
  ``text/markdown`` rendered and cleaned into ``text/html``, and
  ``image/svg+xml`` as an ``<img>`` (an SVG image runs no script); anything
  else (``application/javascript``, widgets, ...) is replaced by a one-line
  note; output metadata keeps only numeric ``width``/``height``;
* MathJax commands that act (``\\href``, ``\\require``, ``\\unicode``,
  ``\\class``, ``\\style``, ...) lose their backslash, in text and outputs;
* raw cells are not rendered, cell attachments and the notebook's widget
  state are dropped, execution counts are integers, grade ids hold only
  ``[A-Za-z0-9_.-]``, and a grade comment (rendered as markdown by the feedback
  template) is cleaned like a markdown cell.
"""

from __future__ import annotations

import base64
import html
import re

import nh3
from nbconvert.preprocessors import Preprocessor

_TEXT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
}
# Presentation MathML as latex2mathml writes it (feedback turns math into MathML);
# no annotation-xml, maction or mglyph.
_MATHML_TAGS = {
    "math", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub",
    "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none",
    "semantics", "annotation",
}
_MATHML_ATTRIBUTES = {
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "display", "displaystyle",
    "fence", "form", "largeop", "linethickness", "lspace", "mathsize", "mathvariant", "maxsize",
    "minsize", "movablelimits", "notation", "rowalign", "rowlines", "rowspacing", "rspace",
    "scriptlevel", "separator", "stretchy", "symmetric", "width", "height", "depth", "xmlns",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "ol": {"start"},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
}
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z", re.I)
_LINK = re.compile(r"(https?|mailto):", re.I)
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")
# MathJax 2 commands that link, load code, or set classes, ids, styles or HTML attributes.
_MATHJAX_ACTIVE = re.compile(
    r"\\(href|url|require|unicode|class|cssId|style|html|data|texttip|mathtip|toggle|action"
    r"|bbox|fbox|mmlToken|Newextarrow)(?![A-Za-z])")
_GRADE_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_KEPT_MIMES = ("text/plain", "image/png", "image/jpeg", "image/gif", "text/latex")
NOTE = "[salida omitida al mostrarla, contenido activo: {}]"


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value if _IMAGE_DATA.match(value.strip()) else None
    if tag == "a" and name == "href":
        return value if _LINK.match(value.strip()) else None
    return value


def neutralise_mathjax(text: str) -> str:
    """``\\href{...}`` and the other acting MathJax commands, without their backslash."""
    return _MATHJAX_ACTIVE.sub(r"\1", text)


def clean_html(fragment: str) -> str:
    """An HTML fragment reduced to inert text markup (see the module docstring)."""
    cleaned = nh3.clean(
        neutralise_mathjax(fragment),
        tags=_TEXT_TAGS | _MATHML_TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object",
                            "embed", "svg", "textarea", "select", "title", "xmp", "noembed"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )
    # An image whose address was removed would show as a broken icon: drop it (nh3's
    # output quotes every attribute and escapes ">" inside them, so this match is exact).
    return neutralise_mathjax(_IMG_WITHOUT_SRC.sub("", cleaned))


_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _markdown(source: str) -> str:
    """nbconvert's markdown rendering (math kept for MathJax), without heading anchor links."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    return MarkdownWithMath(renderer=IPythonRenderer(escape=False, exclude_anchor_links=True)).render(source)


def _verbatim_block(inner: str) -> str:
    """``inner`` as one raw HTML block that markdown copies unchanged."""
    return "<div>" + inner.replace("$", "&#36;").replace("\r", "").replace("\n", "&#10;") + "</div>"


def inert_markdown(source: str) -> str:
    """Markdown source whose rendering by nbconvert is the cleaned HTML of ``source``."""
    block = _verbatim_block(clean_html(_markdown(neutralise_mathjax(source))))
    if _markdown(block).strip() == block:
        return block
    fallback = _verbatim_block("<pre>" + html.escape(source) + "</pre>")
    if _markdown(fallback).strip() == fallback:
        return fallback
    return "[respuesta no mostrable como HTML; véala en el notebook]"


def _inert_data(data: dict) -> dict:
    """Output ``data`` (mime -> value) keeping only inert kinds (see the module docstring)."""
    out, dropped = {}, []
    for mime, value in data.items():
        text = "".join(value) if isinstance(value, list) else value
        if not isinstance(text, str):
            dropped.append(mime)
        elif mime in ("image/png", "image/jpeg", "image/gif"):
            if _BASE64.match(text):
                out[mime] = text
            else:
                dropped.append(mime)
        elif mime == "text/plain":
            out[mime] = text
        elif mime == "text/latex":
            out[mime] = neutralise_mathjax(text)
        elif mime == "text/html":
            out[mime] = clean_html(text)
        elif mime == "text/markdown":
            out.setdefault("text/html", clean_html(_markdown(neutralise_mathjax(text))))
        elif mime == "image/svg+xml":
            encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
            out.setdefault("text/html", f'<img src="data:image/svg+xml;base64,{encoded}" alt="SVG">')
        else:
            dropped.append(mime)
    if dropped:
        note = NOTE.format(", ".join(sorted(dropped)))
        out["text/plain"] = (out["text/plain"] + "\n" + note) if "text/plain" in out else note
    return out


def _int_or_none(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _output_metadata(output) -> dict:
    """{mime: {"width"/"height": number}} of an output whose ``data`` is already inert."""
    metadata = output.get("metadata")
    if not isinstance(metadata, dict):
        return {}
    return {mime: {k: v for k, v in m.items()
                   if k in ("width", "height") and isinstance(v, (int, float))}
            for mime, m in metadata.items() if mime in output.data and isinstance(m, dict)}


def inert_notebook(nb):
    """The notebook (changed in place and returned) with every part shown as HTML made inert."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.pop("attachments", None)
        meta = cell.get("metadata", {})
        nbgrader = meta.get("nbgrader")
        if isinstance(nbgrader, dict):
            if "grade_id" in nbgrader:
                nbgrader["grade_id"] = _GRADE_ID_UNSAFE.sub("_", str(nbgrader["grade_id"]))
            if isinstance(nbgrader.get("comment"), str):  # feedback renders it as markdown
                nbgrader["comment"] = inert_markdown(nbgrader["comment"])
        if cell.cell_type == "markdown":
            cell.source = inert_markdown(cell.source)
        elif cell.cell_type == "raw":
            meta.pop("raw_mimetype", None)
            meta.pop("format", None)
        elif cell.cell_type == "code":
            cell.execution_count = _int_or_none(cell.get("execution_count"))
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output.execution_count = _int_or_none(output.execution_count)
                if "data" in output:
                    output.data = _inert_data(output.data)
                    output.metadata = _output_metadata(output)
    return nb


class InertHTML(Preprocessor):
    """nbconvert preprocessor: ``inert_notebook`` on the notebook being rendered."""

    def preprocess(self, nb, resources):
        return inert_notebook(nb), resources


# Pages the course writes as files (feedback, class report) need no script at all:
# a Content-Security-Policy in the page itself forbids every script, frame, form
# target and request but images (data: URLs; the report's own PNG files) and inline styles.
STATIC_PAGE_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                      "font-src data:; form-action 'none'; base-uri 'none'")


def with_policy(page: str, policy: str = STATIC_PAGE_POLICY) -> str:
    """``page`` (an HTML document) with ``policy`` as its first ``<head>`` element."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'
    new, count = re.subn(r"(<head[^>]*>)", lambda m: m.group(1) + meta, page, count=1, flags=re.I)
    if not count:
        raise ValueError("page without <head>: cannot add its Content-Security-Policy")
    return new
