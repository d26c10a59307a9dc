"""Feedback HTML shows the student's points and none of the hidden tests."""

import html
import re
import shutil
import subprocess

import pytest

from coursetools import examples, feedback, paths, points


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


def part1_score_of_bug_stride_ignored() -> str:
    """The page's header for a Part 1 that loses 5 visible and 3 hidden points of Exercise 3,
    written answers pending: the automatic points over the required maximum, the bonus beside."""
    part1 = points.offered()["parte1_numpy"]
    return (f"parte1_numpy: {part1.automatic - 8:g} / {part1.required:g} puntos · "
            f"bonus +{part1.bonus:g} de {part1.bonus:g}")


def test_feedback_is_spanish_and_says_what_is_pending(feedback_dir):
    page = (feedback_dir / "bug_stride_ignored" / paths.ASSIGNMENT / "parte1_numpy.html").read_text()
    text = visible_text(page)
    assert "Faltan 3 respuestas escritas por calificar a mano" in text
    assert "Ejercicio 8 · respuesta escrita (pregunta 1): pendiente de calificación manual (vale 5)" in text
    assert "Ejercicio 9 · bonus (puntos extra): +3 de 3" in text
    assert "Total de este notebook" in text
    for english in ("Test cell", "Student's answer", "Comments:", "No response", "Score:", "(Top)"):
        assert english not in text, english
    # a check's score is in the page's header and list, not as a stray Out[n] under the check
    assert "Out[" not in text

def test_feedback_shows_points_and_hidden_cell_descriptions(feedback_dir):
    text = visible_text((feedback_dir / "bug_stride_ignored" / paths.ASSIGNMENT /
                         "parte1_numpy.html").read_text())
    assert part1_score_of_bug_stride_ignored() in text
    assert "Prueba oculta: stride 2 con pad 1 en imágenes no cuadradas." in text
    assert "✗ Prueba oculta: 0 de 3 puntos (calificada fuera de su notebook)" in text


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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = paths.ROOT / "tests" / "artifacts"  # git-ignored: for people to look at


def chromium(tmp_path, *args) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    done = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_feedback_page_needs_nothing_from_the_network(feedback_dir):
    for page in feedback_dir.glob(f"*/{paths.ASSIGNMENT}/*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', text)
        assert remote == [], page
        assert "$$" not in text, page  # math was turned into MathML


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_feedback_renders_in_headless_chromium_with_score_and_no_hidden_test(course, feedback_dir,
                                                                              tmp_path):
    page = feedback_dir / "bug_stride_ignored" / paths.ASSIGNMENT / "parte1_numpy.html"
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    text = visible_text(dom)
    assert "Sus puntos por ejercicio" in text and "<td>Ejercicio 3</td><td>15 / 23</td>" in dom
    assert part1_score_of_bug_stride_ignored() in text
    assert "✗ Prueba oculta: 0 de 3 puntos (calificada fuera de su notebook)" in text
    secret = feedback.hidden_lines(course / "source" / paths.ASSIGNMENT, "parte1_numpy")
    assert [line for line in secret if line in text] == []
    assert dom.count("<math") >= 8
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "feedback-bug_stride_ignored-parte1.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1100,1400", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
