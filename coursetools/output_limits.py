"""Bounds on the outputs of a graded notebook: text cut, images and other data omitted.

A student's code decides what its cells output: a 10 MB line, a 60 MB PNG.
The graded notebook (what formgrader and the feedback page show) keeps:

- text (``stream`` text and ``text/*`` data): the first ``text_bytes`` characters
  of each field, then a line saying how much there was;
- any other output (images, JSON, an error's traceback, metadata) of at most
  ``output_bytes`` (its JSON size); a larger one is replaced by one Spanish line,
  e.g. ``[imagen de 60.0 MB omitida: límite 5 MB por salida]``;
- at most ``notebook_bytes`` of outputs and attachments in the whole notebook:
  past that budget each further output is replaced the same way.

``trim_notebook`` works on a notebook node (pure: no file, so it can back an
nbgrader preprocessor); ``trim_file`` reads, trims and writes one ``.ipynb``.
Both return the notes of what was cut, one Spanish phrase each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .grading.limits import LIMITS, megabytes


@dataclass(frozen=True)
class OutputLimits:
    """Bytes kept in a graded notebook (characters of its JSON; images: their decoded bytes)."""

    text_bytes: int = LIMITS.text_bytes  # per text field
    output_bytes: int = 5 * 2**20      # per output (or attachment), after text cuts
    notebook_bytes: int = 20 * 2**20   # all outputs and attachments of the notebook


OUTPUT_LIMITS = OutputLimits()


def _limit(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n // 2**10} KB"


def _size(value) -> int:
    return len(value) if isinstance(value, str) else len(json.dumps(value, ensure_ascii=False))


def _what(output: dict) -> tuple[str, float]:
    """(Spanish name, size in bytes) of an output: its JSON size, images counted as
    their decoded bytes (base64 takes 4/3 of that in the notebook)."""
    data = output.get("data") if isinstance(output.get("data"), dict) else {}
    images = [v for m, v in data.items()
              if m.startswith("image/") and not m.endswith("+xml") and isinstance(v, str)]
    size = _size(output) - sum(len(v) / 4 for v in images)
    if images:
        return "imagen", size
    return ("error" if output.get("output_type") == "error" else "salida"), size


def _note(text: str) -> dict:
    """A stream output holding one line (what replaces an omitted output)."""
    from nbformat.v4 import new_output

    return new_output("stream", name="stdout", text=text + "\n")


def _cut_text(output: dict, limit: int) -> int:
    """Cut the text fields of ``output`` to ``limit`` characters; how many were cut."""
    fields = [("text", output)] if isinstance(output.get("text"), str) else []
    data = output.get("data") if isinstance(output.get("data"), dict) else {}
    fields += [(mime, data) for mime in data if mime.startswith("text/") and isinstance(data[mime], str)]
    cut = 0
    for key, holder in fields:
        if len(holder[key]) > limit:
            size = len(holder[key])
            holder[key] = holder[key][:limit] + f"\n[... salida recortada: {megabytes(size)} en total]\n"
            cut += 1
    return cut


def trim_notebook(nb, limits: OutputLimits = OUTPUT_LIMITS) -> list[str]:
    """Bound the outputs and attachments of notebook node ``nb`` in place; the notes of what was cut."""
    notes, texts, omitted = [], 0, []
    total = 0
    for cell in nb.get("cells", []):
        outputs = cell.get("outputs")
        if isinstance(outputs, list):
            for k, output in enumerate(outputs):
                if not isinstance(output, dict):
                    outputs[k] = _note("[salida inválida omitida]")
                    continue
                texts += _cut_text(output, limits.text_bytes)
                kind, size = _what(output)
                if size > limits.output_bytes:
                    why = f"límite {_limit(limits.output_bytes)} por salida"
                elif total + size > limits.notebook_bytes:
                    why = f"límite {_limit(limits.notebook_bytes)} por notebook"
                else:
                    total += size
                    continue
                line = f"{kind} de {megabytes(size)} omitida: {why}"
                outputs[k] = _note(f"[{line}]")
                total += _size(outputs[k])
                omitted.append(line)
        attachments = cell.get("attachments")
        if isinstance(attachments, dict):
            for name in list(attachments):
                size = _size(attachments[name])
                if size > limits.output_bytes or total + size > limits.notebook_bytes:
                    del attachments[name]
                    omitted.append(f"adjunto de {megabytes(size)} omitido")
                else:
                    total += size
    if texts:
        notes.append(f"salidas de más de {_limit(limits.text_bytes)} recortadas")
    if omitted:
        counts: dict[str, int] = {}
        for line in omitted:
            counts[line] = counts.get(line, 0) + 1
        notes += [line if n == 1 else f"{line} (×{n})" for line, n in counts.items()]
    return notes


def trim_file(notebook: Path, limits: OutputLimits = OUTPUT_LIMITS) -> list[str]:
    """``trim_notebook`` on an ``.ipynb`` file, rewritten only when something was cut."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    notes = trim_notebook(nb, limits)
    if notes:
        nbformat.write(nb, notebook)
    return notes
