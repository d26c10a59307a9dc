"""Structure of the instructor notebooks and of the committed release."""

import re

import nbformat
import pytest

from coursetools import notebooks, paths, points as offered_points

GRADE_ID = re.compile(r"^p\d_e\d+_(solution|visible|hidden|answer|bonus)(_[a-z0-9_]+)?$")
MARKS = re.compile(r"\bmarks\(\s*(\d+(?:\.\d+)?)\s*,")


def source_notebooks():
    return [nbformat.read(paths.SOURCE / f"{n}.ipynb", as_version=4) for n in paths.NOTEBOOKS]


def test_source_notebooks_are_built_from_their_text_twins():
    assert notebooks.build_all(check=True) == [], "run `make notebooks` after editing notebooks/"


def test_grade_ids_follow_the_naming_rule():
    for nb in source_notebooks():
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if meta and (meta["grade"] or meta["solution"]):
                assert GRADE_ID.match(meta["grade_id"]), meta["grade_id"]


def test_marks_in_each_test_cell_add_up_to_its_points():
    cells = 0
    for nb in source_notebooks():
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            found = [float(x) for x in MARKS.findall(cell.source)]
            if meta.get("grade") and cell.cell_type == "code":
                cells += 1
                worth = cell.metadata.get("lab2", {}).get("bonus", meta["points"])  # extra credit
                assert found and sum(found) == worth, meta["grade_id"]
                bonus = "bonus" in cell.metadata.get("lab2", {})
                assert ("bonus=True" in cell.source) == bonus, meta["grade_id"]
                assert meta["points"] == 0 or not bonus, meta["grade_id"]
                assert cell.source.rstrip().splitlines()[-1].strip() in (
                    "puntos_de_la_celda()", "### END HIDDEN TESTS"), meta["grade_id"]
            else:
                assert sum(found) == 0, f"marks outside a graded cell: {meta.get('grade_id')}"
    assert cells >= 20


def test_part1_points():
    points = {}
    for cell in source_notebooks()[0].cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            exercise = "_".join(meta["grade_id"].split("_")[:2])
            kind = meta["grade_id"].split("_")[2]
            points[(exercise, kind)] = points.get((exercise, kind), 0) + meta["points"]
    visible = {e: p for (e, k), p in points.items() if k == "visible"}
    # the original notebook's marks for Exercises 1-7, and SPEC's 4 x 5 for Exercise 8
    assert visible == {"p1_e1": 5, "p1_e2": 5, "p1_e3": 15, "p1_e4": 10,
                       "p1_e5": 15, "p1_e6": 10, "p1_e7": 10, "p1_e8": 20}
    hidden = {e for (e, k) in points if k == "hidden"}
    assert hidden == set(visible)
    assert points[("p1_e8", "answer")] == 15
    assert points[("p1_e9", "bonus")] == 0  # extra credit: outside nbgrader's maximum
    assert offered_points.offered()["parte1_numpy"].bonus == 10


def test_part2_points():
    points = {}
    for cell in source_notebooks()[1].cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            key = ("_".join(meta["grade_id"].split("_")[:2]), meta["grade_id"].split("_")[2])
            points[key] = points.get(key, 0) + meta["points"]
    visible = {e: p for (e, k), p in points.items() if k == "visible"}
    assert visible == {"p2_e1": 10, "p2_e2": 20, "p2_e3": 12, "p2_e4": 10, "p2_e5": 10}
    hidden = {e: p for (e, k), p in points.items() if k == "hidden"}
    assert hidden == {"p2_e1": 4, "p2_e2": 8, "p2_e3": 5, "p2_e4": 2, "p2_e5": 4}
    assert points[("p2_e6", "answer")] == 15
    assert sum(points.values()) == 100  # the README's and the notebook's intro total


def test_part1_does_not_import_torch_when_graded():
    """Part 1 grades without torch: its only torch import sits behind `if not EVALUANDO`."""
    for cell in source_notebooks()[0].cells:
        if "import torch" in cell.source:
            assert cell.metadata.nbgrader.grade_id == "p1_e9_timing"
            assert "if not EVALUANDO:" in cell.source.split("import torch")[0]


def test_written_questions_are_manually_graded_markdown_cells():
    answers = [c for c in source_notebooks()[0].cells
               if "_answer_" in c.metadata.get("nbgrader", {}).get("grade_id", "")]
    assert [c.metadata.nbgrader.grade_id for c in answers] == [
        "p1_e8_answer_q1", "p1_e8_answer_q2", "p1_e8_answer_q3"]
    for cell in answers:
        meta = cell.metadata.nbgrader
        assert cell.cell_type == "markdown" and meta.solution and meta.grade and meta.points == 5


def _release_text() -> str:
    parts = []
    for path in sorted(paths.RELEASE.rglob("*")):
        if path.is_file() and path.suffix in (".ipynb", ".py", ".txt", ".md"):
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_release_holds_no_solution_no_hidden_test_and_no_output():
    released = _release_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
        assert marker not in released
    for nb in source_notebooks():
        hidden, solution, outside = [], [], []
        for cell in nb.cells:
            h, out = notebooks.regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            s, out = notebooks.regions("\n".join(out), "BEGIN SOLUTION", "END SOLUTION")
            hidden += h
            solution += s
            outside += out
        # lines the explanations teach on purpose (a code line in markdown, comment dropped)
        taught = set(outside) | {line.split("  #")[0].strip() for line in outside}
        secret = {line for line in hidden + solution if len(line) > 12} - taught
        assert len(secret) > 100
        shown = "\n".join(outside)  # explanations and tests students see anyway
        leaked = [line for line in secret if line in released and line not in shown]
        assert leaked == []
    for name in paths.NOTEBOOKS:
        nb = nbformat.read(paths.RELEASE / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None


# Numbers the original notebook printed for Exercises 1-7 (they must not appear in the release).
ORIGINAL_PRINTS = [
    "0.64212494", "-0.18117553", "0.77174916", "0.74152348", "1.32476273", "0.43928671",
    "17.154767154043057",
    "0.3337664511415829", "4.1749337", "9.00045401", "1.79056239", "-2.293963", "-0.5189402",
    "10.78547069", "1.42173371", "13.11009042",
    "1.88596049", "0.30974852", "-0.3170466", "0.481606", "-0.43747686",
    "2.65440726", "2.09732919", "0.89256196", "1.44060519", "1.5964877", "2.39887598",
    "1.23583026", "1.36481958", "1.84392163", "2.43182155", "1.29498747", "1.06769765",
    "-0.03144582", "0.21101766", "-0.4691968", "-0.19309428", "0.52805193", "0.1648492",
    # (the original's means of dA, dW, db came from dZ = Z, the student's own forward; the
    # backward check now gets a seeded dZ, so those three numbers are no longer printed)
    "0.71167353", "-0.32448496", "-1.00187064", "0.23625079", "-0.10215984", "-1.14129263",
    "0.10204082",
    "0.10390017715645054", "1.24312631", "-1.05329248", "-1.03592891",
    "0.31078158", "0.10580814", "0.30923847", "-0.2046901", "-0.00154311", "-0.31049824",
]


def test_release_does_not_contain_the_expected_values():
    released = _release_text()
    assert [v for v in ORIGINAL_PRINTS if v.lstrip("-") in released] == []


def test_helper_package_in_the_release_implements_no_exercise():
    names = ["zero_pad", "conv_single_step", "conv_forward", "pool_forward", "conv_backward",
             "create_mask_from_window", "distribute_value", "pool_backward", "simple_cnn_model",
             "backward_propagation", "update_parameters", "conv_forward_vec", "conv_backward_vec",
             "pool_forward_vec", "pool_backward_vec", "to_tensor", "nhwc_to_nchw", "nchw_to_nhwc",
             "autograd_gradient", "conv_forward_torch", "pool_forward_torch", "conv_backward_torch",
             "make_transforms", "make_loaders", "split_train_val", "train_one_epoch", "evaluate"]
    for path in (paths.RELEASE / "cnnlab").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not [n for n in names if re.search(rf"def {n}\b", text)], path


def test_release_is_what_generate_assignment_makes(course):
    """The committed release equals a fresh nbgrader release of source/ (in `course`)."""
    fresh = course / "release" / paths.ASSIGNMENT

    def files(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts}

    committed, regenerated = files(paths.RELEASE), files(fresh)
    assert sorted(committed) == sorted(regenerated)
    different = [name for name in committed if committed[name] != regenerated[name]]
    assert different == [], "run `make release` and commit release/"


def test_ignore_pattern_drops_pytorch_cpp_warnings_only():
    """nbgrader's IgnorePattern, as configured, removes PyTorch C++ log lines from stderr."""
    from nbgrader.preprocessors import IgnorePattern

    from coursetools.gradebook import course_config

    pre = IgnorePattern(config=course_config(paths.ROOT))
    assert pre.enabled
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=(
            "[W1128 14:00:00.123456789 NNPACK.cpp:56] Could not initialize NNPACK! "
            "Reason: Unsupported hardware.\n")),
        nbformat.v4.new_output("stream", name="stderr", text="Traceback: real error\n"),
        nbformat.v4.new_output("stream", name="stdout", text="[W1128 14:00:00 printed on stdout\n"),
    ]
    cell, _ = pre.preprocess_cell(cell, {}, 0)
    assert [(o.name, o.text[:9]) for o in cell.outputs] == [
        ("stderr", "Traceback"), ("stdout", "[W1128 14")]


def test_readme_totals_match_the_notebooks():
    """The README's point totals are the source notebooks' (edit one, the other must follow)."""
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    offer = offered_points.offered()
    part1, part2 = offer["parte1_numpy"], offer["parte2_pytorch"]
    claims = {
        "Part 1 is worth N points": (r"Part 1 is worth (\d+) points", part1.required),
        "Part 2 is worth N points": (r"Part 2 is worth (\d+) points", part2.required),
        "the bonus's N points": (r"add (\d+) points of extra credit", part1.bonus + part2.bonus),
        "the maximum of N": (r"make the maximum of (\d+)", part1.required + part2.required),
        "(N automatic": (r"\((\d+) automatic", part1.automatic + part2.automatic),
        "N written)": (r"(\d+) written\)", part1.written + part2.written),
    }
    for what, (pattern, figure) in claims.items():
        found = re.search(pattern, readme)
        assert found, f"README.md no longer says {what!r}: restore the sentence"
        assert float(found.group(1)) == figure, (
            f"README.md says {found.group(0)!r} but the notebooks add up to {figure:g}: "
            f"write {figure:g} there")


def _intro_claims():
    offer = offered_points.offered()
    part1, part2 = offer["parte1_numpy"], offer["parte2_pytorch"]
    return {
        "parte1_numpy": {r"Esta parte vale (\d+) puntos": part1.required,
                         r"(\d+) de las preguntas escritas": part1.written,
                         r"un \*\*bonus\*\* de (\d+) puntos": part1.bonus,
                         r"\(\d+ de esta y (\d+) de la Parte 2": part2.required,
                         r"(\d+) en total\)": part1.required + part2.required},
        "parte2_pytorch": {r"Esta parte vale \*\*(\d+) puntos\*\*": part2.required,
                           r"\| tres preguntas escritas al final.* \| (\d+) \|": part2.written,
                           r"(\d+) de la Parte 1 y": part1.required,
                           r"y\s+#?\s*(\d+) de esta": part2.required,
                           r"(\d+) en total": part1.required + part2.required,
                           r"\((\d+) puntos extra\)": part1.bonus},
    }


@pytest.mark.parametrize("name", ["parte1_numpy", "parte2_pytorch"])
def test_notebook_intro_states_the_notebooks_totals(name):
    """Each notebook's opening says what it is worth and how the lab's grade adds both parts:
    the figures are the ones the cells add up to."""
    text = (paths.NOTEBOOK_TWINS / f"{name}.py").read_text(encoding="utf-8")
    for pattern, figure in _intro_claims()[name].items():
        found = re.search(pattern, text)
        assert found, f"notebooks/{name}.py no longer matches {pattern!r}"
        assert float(found.group(1)) == figure, (
            f"notebooks/{name}.py says {found.group(0)!r}; the notebooks add up to {figure:g}")
