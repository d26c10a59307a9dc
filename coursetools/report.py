"""The class report: which exercises and hidden checks the class failed, as HTML with PNG charts.

Written to ``reports/lab2/`` (git-ignored: it names students): ``index.html``,
``totales.png`` (distribution of totals), ``ejercicios.png`` (mean share of
points per exercise) and ``ocultas.png`` (share of students passing each
hidden check). Rates count only notebooks that were graded; the students whose
notebooks failed, timed out or were missing are listed apart.
"""

from __future__ import annotations

import html
from pathlib import Path

from .grading.outcomes import GRADED, MISSING, read_status
from . import export, grade_ids, gradebook, inert, paths


def _rates(course: Path):
    marks = gradebook.read_marks(course)
    status = read_status(course)

    def graded(student, grade_id):
        notebook = grade_ids.notebook_of(grade_id)
        outcomes = status.get(student, {})
        if notebook not in outcomes:  # graded outside the pool (as recorded), or not yet
            return not outcomes
        return outcomes[notebook].status == GRADED

    per_ex: dict[str, list[float]] = {}
    per_hidden: dict[str, list[bool]] = {}
    for student, sub in marks.items():
        by_ex: dict[str, list[float]] = {}
        for grade_id, (score, full) in sub.cells.items():
            if score is None or not graded(student, grade_id) or full == 0:
                continue
            acc = by_ex.setdefault(grade_ids.exercise_of(grade_id), [0.0, 0.0])
            acc[0] += score
            acc[1] += full
            if "_hidden" in grade_id:
                per_hidden.setdefault(grade_id, []).append(score >= full)
        for grade_id, (earned, worth) in sub.extra.items():  # a bonus exercise: share of its bonus
            if earned is None or not graded(student, grade_id) or worth == 0:
                continue
            acc = by_ex.setdefault(grade_ids.exercise_of(grade_id), [0.0, 0.0])
            acc[0] += earned
            acc[1] += worth
        for ex, (got, full) in by_ex.items():
            per_ex.setdefault(ex, []).append(got / full)
    return marks, status, per_ex, per_hidden


def _barh(labels, values, title, file, xlabel):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.32 * len(labels) + 1.2))
    colors = ["#c0392b" if v < 0.5 else "#e67e22" if v < 0.8 else "#27ae60" for v in values]
    ax.barh(labels, [100 * v for v in values], color=colors)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    for y, v in enumerate(values):
        ax.text(min(100 * v + 1, 92), y, f"{100 * v:.0f} %", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(file, dpi=110)
    plt.close(fig)


def write_report(course: Path, target: Path | None = None) -> Path:
    """Write the class report; return the path of ``index.html``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    target = target or course / "reports" / paths.ASSIGNMENT
    target.mkdir(parents=True, exist_ok=True)
    marks, status, per_ex, per_hidden = _rates(course)
    columns, table = export.rows(course)

    totals = []
    for row in table:
        try:
            totals.append(float(row["nota"]))
        except ValueError:
            pass
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.hist(totals, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#2980b9",
            edgecolor="white")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of students
    ax.set_xlabel("nota (% de los puntos, bonus incluido, tras la penalización por retraso)")
    ax.set_ylabel("estudiantes")
    ax.set_title(f"Distribución de los totales ({len(totals)} entregas)")
    fig.tight_layout()
    fig.savefig(target / "totales.png", dpi=110)
    plt.close(fig)

    # an exercise of a notebook nobody handed in (or whose every copy failed) has no rate:
    # it is named apart as "sin entregas", not drawn at 0 %
    unrated = [e for e in export.exercises(marks) if not per_ex.get(e)]
    exercises = [e for e in export.exercises(marks) if per_ex.get(e)]
    ex_rates = [sum(per_ex[e]) / len(per_ex[e]) for e in exercises]
    bonus_only = {e for s in marks.values() for e in s.extra_by_exercise()} - \
        {e for s in marks.values() for e in s.by_exercise()}
    labels = [f"{e} (bonus)" if e in bonus_only else e for e in exercises]
    _barh(labels, ex_rates, "Porcentaje medio de puntos por ejercicio", target / "ejercicios.png",
          "% medio de los puntos (notebooks calificados)")
    hidden = sorted(per_hidden, key=lambda g: sum(per_hidden[g]) / len(per_hidden[g]))
    hid_rates = [sum(per_hidden[g]) / len(per_hidden[g]) for g in hidden]
    _barh(hidden, hid_rates, "Pruebas ocultas superadas", target / "ocultas.png",
          "% de estudiantes con todos los puntos")

    missing = [(s, n, o) for s, per in sorted(status.items()) for n, o in per.items()
               if o.status == MISSING]
    problems = [(s, n, o) for s, per in sorted(status.items()) for n, o in per.items()
                if o.status not in (GRADED, MISSING)]
    review = [(s, n, o) for s, per in sorted(status.items()) for n, o in per.items() if o.review]
    worst = sorted(zip(exercises, ex_rates), key=lambda p: p[1])[:3]
    esc = html.escape
    # the student and the grade first, so the grade shows without scrolling; the table
    # scrolls inside its own box (a laptop screen holds the page, not the 30 columns)
    first = ["estudiante", "nota", "total", "puntos", "bonus", "maximo", "factor_tarde"]
    columns = [c for c in first if c in columns] + [c for c in columns if c not in first]
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(r[c])}</td>" for c in columns) + "</tr>" for r in table)
    page = f"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>Informe de la clase: {paths.ASSIGNMENT}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}} table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:2px 6px;white-space:nowrap}} th{{background:#eee;position:sticky;top:0}}
td:first-child,th:first-child{{position:sticky;left:0;background:#fafafa}} .bad{{color:#c0392b}}
.tabla{{overflow:auto;max-height:70vh;max-width:100%;border:1px solid #ccc}} img{{max-width:100%}}</style></head>
<body><h1>Informe de la clase: {paths.ASSIGNMENT}</h1>
<p>{len(table)} estudiantes; {len(problems)} notebooks que no se pudieron calificar; {len(missing)}
no entregados. Ejercicios con menos éxito:
{", ".join(f"<b>{esc(e)}</b> ({100 * r:.0f} %)" for e, r in worst) or "ninguno calificado"}.</p>
<h2>Notebooks que no se pudieron calificar</h2>
<ul>{"".join(f'<li class="bad">{esc(s)} / {esc(n)}: {esc(o.line())}</li>' for s, n, o in problems) or "<li>ninguno</li>"}</ul>
<h2>Notebooks no entregados</h2>
<ul>{"".join(f'<li>{esc(s)} / {esc(n)}</li>' for s, n, o in missing) or "<li>ninguno</li>"}</ul>
<h2>Para revisar</h2>
<p>Notebooks cuyas notas dentro del notebook no coinciden con la verificación externa
(las notas registradas son las de la verificación externa).</p>
<ul>{"".join(f'<li class="bad">{esc(s)} / {esc(n)}: {esc(o.review)}</li>' for s, n, o in review) or "<li>ninguno</li>"}</ul>
<h2>Totales</h2><img src="totales.png" alt="distribución de los totales">
<h2>Por ejercicio</h2><img src="ejercicios.png" alt="porcentaje de puntos por ejercicio">
{f'<p>Sin entregas (nadie entregó ese notebook o ninguno se pudo calificar): {esc(", ".join(unrated))}.</p>' if unrated else ""}
<h2>Pruebas ocultas</h2><img src="ocultas.png" alt="pruebas ocultas superadas">
<h2>Notas</h2><p>nota: de 0 a 100, bonus incluido (sin pasar del máximo) y tras la penalización
por retraso; la tabla se desplaza dentro de su recuadro.</p>
<div class="tabla"><table><tr>{head}</tr>{body}</table></div>
</body></html>
"""
    index = target / "index.html"
    index.write_text(inert.with_policy(page), encoding="utf-8")
    return index
