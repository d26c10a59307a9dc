"""Feedback that does not reveal the hidden tests.

nbgrader's ``generate_feedback`` renders the autograded notebooks, which hold
the hidden tests' source (it is restored there on purpose, to run them), and
error tracebacks quote those lines. Here feedback is rendered from a scrubbed
copy of ``autograded/`` instead:

* every read-only cell gets back the source students saw in the release
  (hidden regions become their one-line description);
* error outputs keep the exception name and message, not the traceback;
* any output line that quotes a hidden-only source line is replaced by a note
  (student code can print the source of later cells);
* student content is made inert by ``coursetools.inert.InertHTML`` (nbgrader's
  HTML exporter runs it, see ``nbgrader_config.py``), and each page carries a
  Content-Security-Policy that allows no script (``inert.with_policy``);
* math in markdown becomes MathML (``latex2mathml``) and the MathJax script is
  dropped from the HTML, so a page renders complete without internet (nbgrader's
  template already inlines its styles).

The instructor's ``autograded/`` (and so formgrader) is left untouched.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat

from . import grade_ids, gradebook, inert, nbgrader_cli, notebooks, paths
from .grading import chain
from .safetext import failure_line

SCRUBBED = ".feedback_source"  # folder under the course, git-ignored
_HIDDEN_NOTE = "[línea omitida: cita una prueba oculta]"


def _release_cells(release_dir: Path, name: str) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(release_dir / f"{name}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def hidden_lines(source_dir: Path, name: str) -> set[str]:
    """Lines (stripped, 12+ characters) that appear only inside hidden-test regions."""
    nb = nbformat.read(source_dir / f"{name}.ipynb", as_version=4)
    hidden, shown = set(), set()
    for cell in nb.cells:
        inside, outside = notebooks.regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        hidden.update(line for line in inside if len(line) >= 12)
        shown.update(outside)
    return hidden - shown


def _scrub_text(text: str, secret: set[str]) -> str:
    return "\n".join(_HIDDEN_NOTE if any(s in line for s in secret) else line
                     for line in text.split("\n"))


_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$([^$\n]+?)\$", re.S)
_EXTERNAL_SCRIPT = re.compile(
    r'<script type="text/x-mathjax-config">.*?</script>|<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>',
    re.S)


def math_to_mathml(markdown: str) -> str:
    """Replace ``$$...$$`` and ``$...$`` by MathML, which browsers draw without any script."""
    from latex2mathml.converter import convert

    def one(match):
        latex, display = (match.group(1), "block") if match.group(1) is not None else (match.group(2), "inline")
        try:
            return convert(" ".join(latex.split()), display=display)
        except Exception:  # noqa: BLE001 - a formula it cannot read is shown as its source
            return f"<code>{html.escape(match.group(0))}</code>"

    return _MATH.sub(one, markdown)


def drop_external_scripts(page: str) -> str:
    """Remove the MathJax loader (the only remote resource of nbgrader's feedback page)."""
    return _EXTERNAL_SCRIPT.sub("", page)


def scrub(nb: nbformat.NotebookNode, release: dict, secret: set[str]) -> nbformat.NotebookNode:
    """The notebook as feedback may show it (see the module docstring)."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("locked") and grade_id in release:
            cell.source = release[grade_id].source
        if cell.cell_type == "markdown":
            cell.source = math_to_mathml(cell.source)
        if cell.cell_type != "code":
            continue
        if meta.get("grade") and not meta.get("solution"):  # a check's score, as Out[n]: already
            cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]  # in the page
            cell.execution_count = None
        for output in cell.outputs:
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {_scrub_text(output.evalue, secret)}"]
                output.evalue = _scrub_text(output.evalue, secret)
            elif output.output_type == "stream":
                output.text = _scrub_text(output.text, secret)
            elif "data" in output:
                for mime, value in list(output.data.items()):
                    if mime.startswith("text/") and isinstance(value, str):
                        output.data[mime] = _scrub_text(value, secret)
    return nb


_FAILED_STUDENT = re.compile(r"There was an error processing assignment '[^']*' for student '([^']*)'")


def generate(course: Path) -> tuple[Path, dict[str, str]]:
    """Scrub ``autograded/`` into ``.feedback_source/`` and render ``feedback/`` from it.

    Returns the feedback folder and {"student[/notebook]": why it has no page}: a
    notebook that cannot be scrubbed or rendered costs its own page only.
    """
    release_dir = course / "release" / paths.ASSIGNMENT
    source_dir = course / "source" / paths.ASSIGNMENT
    target = course / SCRUBBED
    if target.exists():
        shutil.rmtree(target)
    # A notebook's outputs may quote the other notebook's hidden tests too (Part 2 runs
    # beside the graded Part 1), so every notebook is scrubbed of all of them.
    secret = set().union(*(hidden_lines(source_dir, name) for name in paths.NOTEBOOKS))
    per_notebook = {name: (_release_cells(release_dir, name), secret) for name in paths.NOTEBOOKS}
    failures: dict[str, str] = {}
    for folder in sorted((course / "autograded").glob(f"*/{paths.ASSIGNMENT}")):
        student = folder.parent.name
        out = target / student / paths.ASSIGNMENT
        out.mkdir(parents=True)
        for name, (release, secret) in per_notebook.items():
            path = folder / f"{name}.ipynb"
            if not path.exists():
                continue
            try:  # a notebook that cannot be scrubbed costs its own page only
                nb = scrub(nbformat.read(path, as_version=4), release, secret)
                nbformat.write(nb, out / path.name)
            except Exception as error:  # noqa: BLE001
                failures[f"{student}/{name}"] = failure_line("sin retroalimentación", error)
        timestamp = folder / "timestamp.txt"
        if timestamp.exists():
            shutil.copy(timestamp, out / timestamp.name)
    done = nbgrader_cli.start(["generate_feedback", paths.ASSIGNMENT, "--force",
                               f"--CourseDirectory.autograded_directory={SCRUBBED}",
                               "--FeedbackDetails.course_step=True",
                               *chain.feedback_options()], course)
    for student in _FAILED_STUDENT.findall(done.log):  # nbgrader goes on past a failed student
        failures.setdefault(student, "sin retroalimentación: nbgrader generate_feedback falló "
                                     "(grading/logs/feedback.log)")
    if done.returncode != 0:
        log = course / paths.GRADING / "logs" / "feedback.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(done.log, encoding="utf-8")
        if not failures:
            raise nbgrader_cli.NbgraderError("nbgrader generate_feedback failed: " + done.log[-2000:])
    marks = gradebook.read_marks(course)
    for page in (course / "feedback").glob(f"*/{paths.ASSIGNMENT}/*.html"):
        student, prefix = page.parent.parent.name, paths.NOTEBOOKS.get(page.stem)
        text = drop_external_scripts(page.read_text(encoding="utf-8"))
        if student in marks and prefix:
            text = add_summary(text, marks[student], prefix)
        page.write_text(inert.with_policy(text), encoding="utf-8")
    return course / "feedback", failures


def add_summary(page: str, marks: gradebook.Submission, prefix: str) -> str:
    """Put a table of the student's points per exercise of this notebook at the top of the page."""
    rows = []
    for exercise, (got, full, pending) in sorted(
            marks.by_exercise().items(), key=lambda kv: grade_ids.exercise_number(kv[0])):
        if exercise.startswith(prefix + "_"):
            note = " (más las respuestas escritas, pendientes)" if pending else ""
            rows.append(f"<tr><td>Ejercicio {grade_ids.exercise_number(exercise)}</td>"
                        f"<td>{got:g} / {full:g}{note}</td></tr>")
    got, full = marks.total_of(prefix)
    rows.append(f"<tr><th>Total de este notebook</th><th>{got:g} / {full:g}</th></tr>")
    for exercise, (earned, offered) in sorted(marks.extra_by_exercise().items()):
        if exercise.startswith(prefix + "_"):
            rows.append(f"<tr><td>Bonus: ejercicio {exercise.split('_')[1][1:]} (puntos extra, "
                        f"fuera del máximo)</td><td>+{earned:g} / {offered:g}</td></tr>")
    table = ('<div class="container" id="resumen-puntos" style="margin:1em auto;max-width:900px">'
             "<h2>Sus puntos por ejercicio</h2><table class=\"table table-condensed\">"
             + "".join(rows) + "</table></div>")
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + table, page, count=1)
