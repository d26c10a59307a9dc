"""Manual grading in formgrader, in a real browser, with a submission that attacks the instructor.

The example student ``ataque_xss`` (``examples/ataques/xss.py``) hands in the
reference solutions with three written answers and a solution cell whose
outputs carry every kind of active content: ``<script>``, ``<img onerror>``,
``<svg onload>``, ``<details ontoggle>``, ``<iframe srcdoc>``, ``javascript:``
links (markdown and HTML), a ``javascript:`` form, a MathJax ``\\href``,
``IPython.display`` HTML / Javascript / SVG / Markdown outputs, a raw
``application/javascript`` output and an "isolated" HTML output; its typed
signature holds HTML too. Each payload, if it ran, would set
``document.title`` and a ``data-xss`` attribute, PUT a file into the course
through ``/api/contents`` and PUT full marks through ``/formgrader/api/grade``.

The course's real ``jupyter server`` (formgrader loaded from
``nbgrader_config.py``) is started on 127.0.0.1 with a token; Debian's
Chromium, driven by Playwright, logs in with the token URL, opens the
manual-grading page and shows that nothing ran; the instructor then grades a
written answer through the page, and the score and comment reach the
gradebook, the feedback page and the CSV. Feedback and report pages are
opened in the browser too. Last, the same page is served without
``InertHTML``: the payloads do run there, so the attack itself is live.
"""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import released_course
from coursetools import course as steps, examples, gradebook, nbgrader_cli, paths
from coursetools.grading import engine
from test_feedback import visible_text
from test_grading import full_points, scores

STUDENT = "ataque_xss"
NOTEBOOK = "parte1_numpy"
ANSWER = "p1_e8_answer_q1"  # the written answer the instructor grades
SCORE, COMMENT = "4", "Buena explicación; falta decir qué cambiaría la resolución."
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INERT_LINE = 'c.HTMLExporter.preprocessors = ["coursetools.inert.InertHTML"]'

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"),
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed"),
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """A fresh course where only ``ataque_xss`` was handed in and autograded."""
    course = released_course(tmp_path_factory.mktemp("formgrader"))
    examples.build_class(course, [STUDENT])
    outcomes = steps.autograde(course, [STUDENT], workers=1, progress=False)
    assert {nb: o.status for nb, o in outcomes[STUDENT].items()} == {
        nb: engine.GRADED for nb in paths.NOTEBOOKS}
    return course


def _grades(course: Path) -> dict[str, tuple]:
    """{grade_id: (auto_score, manual_score, manual_comment)} of the student's Part 1."""
    with gradebook.opened(course) as gb:
        nb = gb.find_submission_notebook(NOTEBOOK, paths.ASSIGNMENT, STUDENT)
        comments = {c.name: c.manual_comment for c in nb.comments}
        return {g.name: (g.auto_score, g.manual_score, comments.get(g.name)) for g in nb.grades}


def _submission_id(course: Path) -> str:
    with gradebook.opened(course) as gb:
        return gb.find_submission_notebook(NOTEBOOK, paths.ASSIGNMENT, STUDENT).id


def _files(course: Path) -> set[str]:
    return {str(p.relative_to(course)) for p in course.rglob("*")
            if "__pycache__" not in p.parts and not p.name.startswith("gradebook.db")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(course: Path):
    """The README's start command, from the course folder; yields (base URL, token)."""
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    runtime = course.parent / "jupyter-runtime"
    env = nbgrader_cli.environment({"JUPYTER_RUNTIME_DIR": str(runtime)})
    log = (course.parent / "jupyter-server.log").open("ab")
    proc = subprocess.Popen(cmd, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                assert proc.poll() is None, (course.parent / "jupyter-server.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "jupyter server did not start"
                time.sleep(0.5)
        yield base, token
    finally:
        nbgrader_cli.kill_tree(proc.pid)
        proc.wait()
        log.close()


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            yield chromium.new_context()
        finally:
            chromium.close()


class Recorder:
    """Every request a page (and its frames) makes: [(method, url)]."""

    def __init__(self, page):
        self.requests: list[tuple[str, str]] = []
        page.on("request", lambda r: self.requests.append((r.method, r.url)))

    def api_calls(self, base: str) -> list[tuple[str, str]]:
        """Requests that write, or that reach Jupyter's own API (/api/...)."""
        return [(m, u) for m, u in self.requests
                if m != "GET" or (u.startswith(base) and urlsplit(u).path.startswith("/api/"))
                or urlsplit(u).path.startswith("/formgrader/api/grade/")]


# What the payloads would leave in the page, and what inert content never holds.
_RAN = "document.title + '|' + (document.documentElement.getAttribute('data-xss') || '')"
_ACTIVE_DOM = """() => {
  const bad = [];
  for (const root of document.querySelectorAll(%s)) {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (['script', 'iframe', 'svg', 'object', 'embed', 'form', 'frame', 'base', 'meta'].includes(tag))
        bad.push(tag);
      for (const a of el.attributes) {
        if (a.name.startsWith('on')) bad.push(tag + '[' + a.name + ']');
        if (/^\\s*(javascript|vbscript|data:text)/i.test(a.value) && ['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name))
          bad.push(tag + '[' + a.name + '=' + a.value.slice(0, 20) + ']');
      }
    }
  }
  return bad;
}"""


def _active(page, selector: str) -> list[str]:
    return page.evaluate(_ACTIVE_DOM % repr(selector))


def _open_submission(context, base: str, token: str, submission: str):
    """Log in with the token URL (as printed by the server), then open the grading page."""
    page = context.new_page()
    page.goto(f"{base}/formgrader?token={token}")
    page.wait_for_load_state("networkidle")
    recorder = Recorder(page)
    page.goto(f"{base}/formgrader/submissions/{submission}/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # let any payload's fetch start
    return page, recorder


def test_manual_grading_page_runs_nothing_and_shows_the_answers(graded, tmp_path):
    before_grades, before_files = _grades(graded), _files(graded)
    with jupyter_server(graded) as (base, token), browser() as context:
        page, recorder = _open_submission(context, base, token, _submission_id(graded))
        assert page.evaluate(_RAN) == f"{NOTEBOOK}|"
        assert recorder.api_calls(base) == []
        assert _active(page, "#notebook-container") == []
        page.screenshot(path=str(tmp_path / "formgrader.png"), full_page=False)
        # The instructor can read what the student wrote and what the code showed.
        answer = page.locator(f".nbgrader_cell:has(#{ANSWER})")
        assert "Respuesta legible: a 16×16 se pierde la forma del animal" in answer.inner_text()
        assert "$x^2 + y^2$" in answer.inner_text()  # math is there for MathJax (no network here)
        text = page.locator("#notebook-container").first.inner_text()
        for shown in ("salida html legible", "salida markdown", "enlace markdown", "enlace html",
                      "Más resolución, más capas", "[salida omitida al mostrarla, contenido activo: "
                      "application/javascript]"):
            assert shown in text, shown
        assert page.evaluate("""() => [...document.querySelectorAll('#notebook-container img')]
            .filter(i => i.src.startsWith('data:image/png') && i.naturalWidth > 0).length""") >= 1
        assert page.evaluate("""() => [...document.querySelectorAll('#notebook-container img')]
            .filter(i => i.src.startsWith('data:image/svg+xml') && i.naturalWidth > 0).length""") == 1
        assert page.evaluate(_RAN) == f"{NOTEBOOK}|"
    assert _grades(graded) == before_grades
    assert _files(graded) == before_files


def test_formgrader_buttons_take_the_course_steps(graded):
    """The manage-assignments page shows the due date in the course's zone; its "Generate"
    button ships the helper package and the photos; its "Generate feedback" button refuses
    and names the course's step; the exchange warning does not flood the server's log."""
    release = graded / "release" / paths.ASSIGNMENT
    for made in (release / "cnnlab", release / "data"):
        shutil.rmtree(made)
    with jupyter_server(graded) as (base, token), browser() as context:
        page = context.new_page()
        page.goto(f"{base}/formgrader?token={token}")
        page.wait_for_selector("td.duedate")
        row = page.locator("tr", has=page.locator(f"text={paths.ASSIGNMENT}")).first
        assert row.locator("td.duedate").inner_text().strip() == "2026-12-04 23:59:00 CST"
        with page.expect_response(lambda r: r.url.endswith("/assign") and r.request.method == "POST",
                                  timeout=180_000) as generated:
            row.locator("td.assign a").click()
        assert generated.value.json()["success"], generated.value.json()
        answer = page.evaluate("""async () => {
            const xsrf = document.cookie.split('; ').find(c => c.startsWith('_xsrf=')).split('=')[1];
            const r = await fetch('/formgrader/api/assignment/lab2/generate_feedback',
                                  {method: 'POST', headers: {'X-XSRFToken': xsrf}});
            return await r.json();
        }""")
    assert (release / "cnnlab" / "__init__.py").exists()
    assert (release / "data" / "cats-and-dogs" / "LICENSE").exists()
    assert not answer["success"] and "python -m coursetools feedback" in answer["log"] + answer.get("error", "")
    log = (graded.parent / "jupyter-server.log").read_text(errors="replace")
    assert "Unwritable directory" not in log


def test_instructor_grades_a_written_answer_and_it_reaches_gradebook_feedback_and_csv(graded, tmp_path):
    before = _grades(graded)
    assert before[ANSWER] == (None, None, None)
    with jupyter_server(graded) as (base, token), browser() as context:
        page, recorder = _open_submission(context, base, token, _submission_id(graded))
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT"):
            page.locator(f"input#{ANSWER}").fill(SCORE)
            page.locator(f"input#{ANSWER}").press("Tab")
        with page.expect_response(lambda r: "/formgrader/api/comment/" in r.url and r.request.method == "PUT"):
            page.locator(f"textarea#{ANSWER}-comment").fill(COMMENT)
            page.locator(f"textarea#{ANSWER}-comment").press("Tab")
        page.wait_for_load_state("networkidle")
        writes = [(m, urlsplit(u).path) for m, u in recorder.requests if m != "GET"]
        assert sorted(m for m, _ in writes) == ["PUT", "PUT"]  # the two saves, nothing else
        assert page.evaluate(_RAN) == f"{NOTEBOOK}|"
    after = _grades(graded)
    assert after[ANSWER] == (None, float(SCORE), COMMENT)
    assert {k: v for k, v in after.items() if k != ANSWER} == {k: v for k, v in before.items() if k != ANSWER}

    feedback = steps.feedback(graded) / STUDENT / paths.ASSIGNMENT / f"{NOTEBOOK}.html"
    page_text = feedback.read_text(encoding="utf-8")
    assert COMMENT in page_text
    assert f"Ejercicio 8 · respuesta escrita (pregunta 1): {SCORE} / 5" in visible_text(page_text)

    marks = gradebook.read_marks(graded)[STUDENT]
    csv_path = steps.export_step(graded)
    with csv_path.open(encoding="utf-8-sig") as fh:
        row = next(r for r in csv.DictReader(fh) if r["estudiante"] == STUDENT)
    e8_auto = sum(m for g, (_, m) in marks.cells.items() if g.startswith("p1_e8_") and "answer" not in g)
    assert float(row["p1_e8"]) == e8_auto + float(SCORE)
    assert row["pendiente_manual"].split() == sorted(
        g for g in marks.cells if "_answer_" in g and g != ANSWER)
    # Every automatic cell earned its full points (the payloads cost nothing there), exactly.
    assert {g: s for g, s in scores(marks).items() if g in full_points()} == full_points()

    report = steps.report_step(graded)
    with browser() as context:
        for path, title in ((feedback, None), (report, f"Informe de la clase: {paths.ASSIGNMENT}")):
            page = context.new_page()
            recorder = Recorder(page)
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(1000)
            ran = page.evaluate(_RAN)
            assert "XSS" not in ran and ran.endswith("|"), (path, ran)
            if title:
                assert ran == f"{title}|"
            assert [u for m, u in recorder.requests if not u.startswith(("file:", "data:"))] == []
            assert _active(page, "body") == [], path
            page.screenshot(path=str(tmp_path / f"{path.stem}.png"), full_page=False)
            if path == feedback:
                assert COMMENT in page.locator("body").inner_text()
                assert "Respuesta legible" in page.locator("body").inner_text()
            else:  # the report's own PNG charts load under its policy; the signature is text
                assert page.evaluate("[...document.images].filter(i => i.naturalWidth > 0).length") == 3
                assert "<img src=x onerror=" in page.locator("body").inner_text()
                # on a laptop screen the page does not scroll sideways: the table scrolls in
                # its box, and the student's grade is in view when the box is reached
                page.set_viewport_size({"width": 1366, "height": 768})
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
                box = page.locator("div.tabla")
                assert box.evaluate("b => b.scrollWidth > b.clientWidth")
                box.scroll_into_view_if_needed()
                grade = page.locator("div.tabla th", has_text="nota").first.bounding_box()
                assert grade["x"] + grade["width"] <= 1366


def test_without_inert_html_the_same_page_runs_the_payloads(graded):
    """Control: the payloads are live; InertHTML stops them in formgrader, and in feedback
    the page's policy stops them even without InertHTML."""
    config = graded / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    assert INERT_LINE in text
    config.write_text(text.replace(INERT_LINE, ""), encoding="utf-8")
    before = _grades(graded)
    try:
        with jupyter_server(graded) as (base, token), browser() as context:
            page, recorder = _open_submission(context, base, token, _submission_id(graded))
            page.wait_for_timeout(1500)
            assert page.evaluate(_RAN).startswith("XSS ")
            writes = recorder.api_calls(base)
            assert any(m == "PUT" and "/api/contents/xss_" in u for m, u in writes), writes
            assert any(m == "PUT" and "/formgrader/api/grade/" in u for m, u in writes), writes
        assert any(name.startswith("xss_") for name in _files(graded))
        after = _grades(graded)
        assert any(after[g][1] is not None and before[g][1] is None for g in after), after
        # Feedback rendered without InertHTML holds the payloads, and its page policy alone
        # keeps them from running.
        feedback = steps.feedback(graded) / STUDENT / paths.ASSIGNMENT / f"{NOTEBOOK}.html"
        assert "<script>(function(k)" in feedback.read_text(encoding="utf-8")
        with browser() as context:
            page = context.new_page()
            blocked = []
            page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(feedback.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(1000)
            assert page.evaluate(_RAN) == f"{NOTEBOOK}|"
            assert blocked
    finally:
        config.write_text(text, encoding="utf-8")

