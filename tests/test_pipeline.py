"""The instructor's pipeline on the example class: collect, class autograde, CSV, report, late policy."""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import psutil
import pytest

from coursetools import collect, course as steps, examples, export, grade_ids, gradebook, late, paths, points
from coursetools.grading import engine


def test_zip_collect_fills_submitted_with_notebooks_and_utc_timestamps(course, class_outcomes):
    inventory = collect.inventory(course)
    assert set(examples.demo_students()) <= set(inventory)
    folder = course / "submitted" / "tarde" / paths.ASSIGNMENT
    assert sorted(p.name for p in folder.glob("*.ipynb")) == ["parte1_numpy.ipynb", "parte2_pytorch.ipynb"]
    # 10:30 in Guatemala (UTC-6) is 16:30 UTC
    assert late.submitted_at(course, "tarde") == datetime(2026, 12, 6, 16, 30, tzinfo=timezone.utc)
    assert inventory["sin_parte2"][1] == "parte2_pytorch: NO ENTREGADO: falta parte2_pytorch.ipynb"
    assert inventory["json_roto"][0].startswith("parte1_numpy: NO VÁLIDO: parte1_numpy.ipynb no es JSON")


def test_class_autograde_outcomes_say_what_happened_to_each_notebook(class_outcomes):
    status = {(s, nb): o.status for s, per in class_outcomes.items() for nb, o in per.items()}
    odd = {k: v for k, v in status.items() if v != engine.GRADED}
    assert odd == {("json_roto", "parte1_numpy"): engine.INVALID,
                   ("sin_parte2", "parte2_pytorch"): engine.MISSING}
    assert len(status) == 2 * len(examples.demo_students())
    table = engine.outcome_table(class_outcomes)
    assert "NO VÁLIDO: parte1_numpy.ipynb no es JSON válido (línea" in table


def _csv(course):
    steps.export_step(course)
    with open(course / "exports" / "grades.csv", encoding="utf-8-sig") as fh:
        return {row["estudiante"]: row for row in csv.DictReader(fh)}


def test_grades_csv_has_both_partners_totals_late_factor_and_no_silent_zero(course, graded_class):
    rows = _csv(course)
    assert set(examples.demo_students()) <= set(rows)
    ana = rows["perfecto"]
    assert (ana["carne_1"], ana["firma_1"], ana["carne_2"], ana["firma_2"]) == \
        ("20231", "Ana Ejemplo Pérez", "20232", "Bruno Ejemplo Díaz")
    offer = points.offered()
    automatic = sum(o.automatic for o in offer.values())  # the written answers are pending
    bonus = sum(o.bonus for o in offer.values())
    assert (ana["puntos"], ana["bonus"], ana["maximo"], ana["total"]) == \
        (f"{automatic:g}", f"{bonus:g}", f"{sum(o.required for o in offer.values()):g}",
         f"{automatic + bonus:g}")
    assert ana["p1_e3"] == "23" and ana["estado"] == "calificado"
    assert ana["pendiente_manual"].split() == [f"p{p}_e{e}_answer_q{k}" for p, e in ((1, 8), (2, 6))
                                               for k in (1, 2, 3)]
    # two started days late: 80 % of the points
    assert rows["tarde"]["dias_tarde"] == "2" and rows["tarde"]["factor_tarde"] == "0.80"
    assert rows["tarde"]["total"] == f"{0.8 * (automatic + bonus):.2f}"
    # a notebook that is not JSON shows the word, not 0; the identity is still read from its text
    broken = rows["json_roto"]
    assert broken["p1_e1"] == "NO VÁLIDO" and broken["total_parte1_numpy"] == "NO VÁLIDO"
    assert broken["carne_1"] == "20247" and broken["total_parte2_pytorch"] == f"{offer['parte2_pytorch'].automatic:g}"
    assert rows["sin_parte2"]["p2_e1"] == "NO ENTREGADO"
    assert rows["sin_tocar"]["total"] == "0"


def test_class_report_names_the_failed_notebooks_and_draws_the_charts(course, graded_class):
    index = steps.report_step(course)
    page = index.read_text(encoding="utf-8")
    assert "json_roto / parte1_numpy: NO VÁLIDO" in page
    # a notebook not handed in is listed apart, not in red as a grading failure
    assert "<li>sin_parte2 / parte2_pytorch</li>" in page
    assert 'class="bad">sin_parte2' not in page
    # the grade comes right after the student, in a table that scrolls inside its box
    assert '<div class="tabla"><table><tr><th>estudiante</th><th>nota</th>' in page
    for png in ("totales.png", "ejercicios.png", "ocultas.png"):
        data = (index.parent / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        assert f'src="{png}"' in page


def test_late_policy_counts_started_days_in_the_course_time_zone():
    zone = ZoneInfo("America/Guatemala")
    policy = late.LatePolicy(datetime(2026, 12, 4, 23, 59, tzinfo=zone), 0.1, 5)
    on_time = datetime(2026, 12, 5, 5, 58, tzinfo=timezone.utc)      # 23:58 local
    one_minute = datetime(2026, 12, 5, 6, 0, tzinfo=timezone.utc)    # 00:00 local, next day
    assert policy.factor(None) == policy.factor(on_time) == 1.0
    assert policy.days_late(one_minute) == 1 and policy.factor(one_minute) == pytest.approx(0.9)
    assert policy.factor(datetime(2026, 12, 9, 23, 59, tzinfo=zone)) == pytest.approx(0.5)
    assert policy.factor(datetime(2026, 12, 10, 0, 0, tzinfo=zone)) == 0.0  # day 6: nothing
    assert late.parse_timestamp("2026-12-06 16:30:00.000000 UTC") == \
        late.parse_timestamp("2026-12-06 10:30:00-06:00")


def test_regrading_keeps_manual_grades(course, graded_class):
    with gradebook.opened(course) as gb:
        grade = gb.find_grade("p1_e8_answer_q1", "parte1_numpy", paths.ASSIGNMENT, "bug_pad_slice")
        grade.manual_score, grade.needs_manual_grade = 4.0, False
        gb.db.commit()
    before = gradebook.read_marks(course)
    outcomes = steps.autograde(course, ["bug_pad_slice"], workers=1, progress=False)
    assert [o.status for o in outcomes["bug_pad_slice"].values()] == [engine.GRADED] * 2
    after = gradebook.read_marks(course)
    assert after["bug_pad_slice"].cells["p1_e8_answer_q1"] == (4.0, 5.0)
    assert after == before


def test_outer_time_out_kills_a_submission_that_ignores_sigint(course, graded_class):
    # Part 1 only: the time-out is 40 s, less than a Part 2 notebook takes on a slow machine
    examples.build_class(course, ["ignora_sigint"])
    others = gradebook.read_marks(course)
    outcomes = steps.autograde(course, ["ignora_sigint"], workers=1, timeout=40, progress=False,
                               notebooks=["parte1_numpy"])
    part1 = outcomes["ignora_sigint"]["parte1_numpy"]
    assert part1.status == engine.TIMEOUT and part1.detail == "detenido a los 40 s"
    assert 40 <= part1.seconds < 60
    # nothing it started is still running
    leftovers = [p for p in psutil.process_iter(["cmdline"])
                 if any("ignora_sigint" in part for part in (p.info["cmdline"] or []))]
    assert leftovers == []
    marks = gradebook.read_marks(course)
    assert all(score is None for cell, (score, _) in marks["ignora_sigint"].cells.items()
               if cell.startswith("p1_"))
    assert {s: m for s, m in marks.items() if s != "ignora_sigint"} == others
    rows = _csv(course)
    assert rows["ignora_sigint"]["total_parte1_numpy"] == "TIEMPO AGOTADO"
    assert rows["ignora_sigint"]["total_parte2_pytorch"] == engine.NOT_YET
    # a forgotten student leaves the gradebook, the outcomes, the CSV and the report alike
    assert gradebook.forget_students(course, ["ignora_sigint", "nadie"]) == ["ignora_sigint"]
    assert "ignora_sigint" not in engine.read_status(course)
    assert "ignora_sigint" not in _csv(course)
    assert "ignora_sigint" not in steps.report_step(course).read_text(encoding="utf-8")
    assert not (course / "grading" / "logs" / "ignora_sigint.parte1_numpy.log").exists()


def test_autograde_names_a_student_without_a_folder(course):
    with pytest.raises(FileNotFoundError, match="no submitted/<student>/lab2 folder for: nadie"):
        steps.autograde(course, ["nadie"], progress=False)


def test_identity_is_read_without_running_code(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('carne_1 = "123"\nimport os; os.system("false")\n'
                                     'firma_mecanografiada_1 = "A"\ncarne_2 = str(1)\n')
    cell.metadata["nbgrader"] = {"grade_id": export.IDENTITY_CELL}
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert export.identity(tmp_path / "x.ipynb") == {
        "carne_1": "123", "firma_mecanografiada_1": "A", "carne_2": "", "firma_mecanografiada_2": ""}


RELEASED_IDENTITY = ('# Integrante 1\ncarne_1 = ""\nfirma_mecanografiada_1 = ""\n'
                     '# Integrante 2 (déjelos vacíos si trabaja solo)\ncarne_2 = ""\n'
                     'firma_mecanografiada_2 = ""\n')


@pytest.mark.parametrize("student_lines, expected", [
    # values typed between the quotes of the released assignments, the stub left below
    ('', ("", "", "", "")),
    ('# ESCRIBA SU CÓDIGO AQUÍ\n', ("", "", "", "")),
    # values written again below the released (empty) assignments: the last one counts
    ('carne_1 = "20231"\nfirma_mecanografiada_1 = "Ana Pérez"\n', ("20231", "Ana Pérez", "", "")),
    ('carne_2 = "20232"\nfirma_mecanografiada_2 = "Bruno Díaz"\ncarne_2 = input()\n',
     ("", "", "", "Bruno Díaz")),
])
def test_identity_takes_the_last_assignment_of_each_name(tmp_path, student_lines, expected):
    import nbformat

    nb = nbformat.v4.new_notebook()
    intro = nbformat.v4.new_markdown_cell('Escriba `carne_1 = "..."`')
    cell = nbformat.v4.new_code_cell(RELEASED_IDENTITY + student_lines)
    cell.metadata["nbgrader"] = {"grade_id": export.IDENTITY_CELL, "solution": True}
    later = nbformat.v4.new_code_cell('carne_1 = "no es el carné"\n')
    nb.cells = [intro, cell, later]
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert tuple(export.identity(tmp_path / "x.ipynb").values()) == expected


def test_identity_of_a_notebook_cut_short_is_read_from_its_identity_cell(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    intro = nbformat.v4.new_markdown_cell('Por ejemplo `carne_1 = "12345"`')
    filled = RELEASED_IDENTITY.replace('carne_1 = ""', 'carne_1 = "20231"')
    cell = nbformat.v4.new_code_cell(filled + 'firma_mecanografiada_1 = "Ana Pérez"\n'
                                     '# ESCRIBA SU CÓDIGO AQUÍ\n')
    cell.metadata["nbgrader"] = {"grade_id": export.IDENTITY_CELL, "solution": True}
    later = nbformat.v4.new_code_cell('carne_2 = "99999"\n' + "x = 1\n" * 5000)
    nb.cells = [intro, cell, later]
    text = nbformat.writes(nb)
    (tmp_path / "x.ipynb").write_text(text[: len(text) // 2], encoding="utf-8")  # not JSON any more
    assert export.identity(tmp_path / "x.ipynb") == {
        "carne_1": "20231", "firma_mecanografiada_1": "Ana Pérez", "carne_2": "",
        "firma_mecanografiada_2": ""}


@pytest.mark.e2e
def test_one_notebook_graded_while_the_other_is_not_due(tmp_path):
    """``autograde --notebook parte1_numpy`` grades and records Part 1 only; once the class is
    graded and nobody handed in Part 2, the report names its exercises "sin entregas" instead
    of drawing them at 0 %, and lists the missing notebook apart, not as a failure."""
    from conftest import released_course

    course = released_course(tmp_path)
    examples.build_class(course, ["sin_parte2"])
    outcomes = steps.autograde(course, ["sin_parte2"], workers=1, progress=False,
                               notebooks=["parte1_numpy"])
    assert {nb: o.status for nb, o in outcomes["sin_parte2"].items()} == {"parte1_numpy": engine.GRADED}
    cells = gradebook.read_marks(course)["sin_parte2"].cells
    assert all(score is None for g, (score, _) in cells.items() if g.startswith("p2_"))  # not graded
    assert cells["p1_e1_visible"] == (5.0, 5.0)
    row = {r["estudiante"]: r for r in export.rows(course)[1]}["sin_parte2"]
    assert (row["p2_e1"], row["total_parte2_pytorch"]) == (engine.NOT_YET, engine.NOT_YET)
    with pytest.raises(ValueError, match="choose among parte1_numpy, parte2_pytorch"):
        steps.autograde(course, ["sin_parte2"], notebooks=["parte3"])

    outcomes = steps.autograde(course, ["sin_parte2"], workers=1, progress=False,
                               notebooks=["parte2_pytorch"])
    assert engine.read_status(course)["sin_parte2"]["parte1_numpy"].status == engine.GRADED
    assert outcomes["sin_parte2"]["parte2_pytorch"].status == engine.MISSING
    page = steps.report_step(course).read_text(encoding="utf-8")
    unrated = page.split("Sin entregas (nadie entregó ese notebook o ninguno se pudo calificar): ")[1]
    part2 = grade_ids.exercise_order({grade_ids.exercise_of(g) for g in cells if g.startswith("p2_")})
    assert unrated.split(".</p>")[0] == ", ".join(part2)
    assert "<li>sin_parte2 / parte2_pytorch</li>" in page
