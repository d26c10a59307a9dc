"""nbgrader settings for the Lab 2 course directory (this folder)."""

import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))

# Every way into nbgrader (`nbgrader autograde`, formgrader's buttons, the class pool
# `python -m coursetools autograde`) grades the protected way: the student's kernel in
# the sandbox, hidden tests removed before the notebook runs, the points from the trusted
# verdict, outputs bounded (coursetools/grading/chain.py; docs/security.md). The kernel
# manager is named first, as a string: if coursetools cannot be imported, nothing runs.
c.Execute.kernel_manager_class = "coursetools.grading.sandbox.SandboxedKernelManager"
if HERE not in sys.path:
    sys.path.insert(0, HERE)
try:
    from coursetools.grading import chain
except ImportError as error:  # e.g. a course folder without coursetools: PYTHONPATH names it
    print(f"nbgrader_config.py: coursetools cannot be imported ({error}); no notebook will be "
          "graded. Run `scripts/in-venv python -m coursetools autograde` from the course folder.",
          file=sys.stderr)
else:
    chain.configure(c, HERE)

c.CourseDirectory.course_id = "dl-lab2-cnn"
c.CourseDirectory.root = HERE
# SQLite by default; a larger course can point LAB2_DB_URL at PostgreSQL.
c.CourseDirectory.db_url = os.environ.get(
    "LAB2_DB_URL", "sqlite:///" + os.path.join(HERE, "gradebook.db")
)
# The photos are found by walking up from the notebook's folder (cnnlab.data),
# so nbgrader never copies them into every student's autograded folder.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "cats-and-dogs",
    # Files a student hands in beside the notebooks are copied into autograded/ by plain
    # `nbgrader autograde`, and formgrader serves that folder on the instructor's origin:
    # active content is never copied (the class pool stages only the notebooks anyway).
    "*.html", "*.htm", "*.xhtml", "*.shtml", "*.svg", "*.svgz", "*.xml", "*.xsl", "*.js", "*.mjs",
    "*.pdf", "*.swf",
]

# Students' cells: Spanish stubs.
c.ClearSolutions.code_stub = {"python": "# ESCRIBA SU CÓDIGO AQUÍ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ESCRIBA AQUÍ SU RESPUESTA"

# Restore deleted or edited test cells from the source version.
c.OverwriteCells.add_missing_cells = True

# Per-cell time-out (seconds); a cell that runs longer is interrupted and scores 0.
# (A correct solution's slowest cell takes a few seconds here.) The sandboxed kernel
# manager adds a wall-clock limit per notebook on top (coursetools/grading/limits.py).
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# PyTorch's C++ side logs warnings straight to the process's stderr (for example
# "[W1128 14:00:00.000000000 NNPACK.cpp:56] Could not initialize NNPACK!"); nbgrader
# would give 0 points to a test cell with any stderr, so those lines are dropped.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?m)^\[W\d{4} \d\d:\d\d:\d\d"

# Late submissions (coursetools/late.py): the due date is local time in `timezone`;
# each started day late costs `penalty_per_day` of the total; after `max_days`, 0.
# Applied in the grades CSV and the class report.
c.LatePolicy.due = "2026-12-04 23:59"
c.LatePolicy.timezone = "America/Guatemala"
c.NbGraderAPI.timezone = c.LatePolicy.timezone  # formgrader shows the due date in this zone
c.LatePolicy.penalty_per_day = 0.10
c.LatePolicy.max_days = 5

# LMS zips (python -m coursetools collect --zip FILE): Blackboard-style file names,
#   <assignment>_<student_id>_attempt_<YYYY-MM-DD-HH-MM-SS>_<notebook>.ipynb
# (<assignment> without "_"; the time is local time in LatePolicy.timezone). The rule is
# applied to the download's top-level entries only (coursetools/lms_download.py: bounded;
# an uploaded .zip is opened one level deep and its files count for the uploader only).
c.FileNameCollectorPlugin.named_regexp = (
    r".*/[^/_]+_(?P<student_id>\w+)_attempt_(?P<timestamp>\d{4}(?:-\d\d){5})_(?P<file_id>[^/]+)$"
)
# Plain `nbgrader zip_collect` would open nested archives unbounded and apply the rule to
# every file inside a student's upload: it stops and names the course command instead.
c.ZipCollectApp.extractor_plugin = "coursetools.collect.RefuseZipCollect"

# --- Student content shown as HTML is inert (coursetools/inert.py, docs/security.md) ---
# Every page nbgrader renders from a graded notebook (formgrader's manual grading,
# generate_feedback) goes through this preprocessor: markdown and outputs cleaned,
# no script, event attribute, javascript: URL, iframe or SVG document. autograded/
# keeps the notebook as graded. The server must import coursetools: start it from the
# course folder with `python -m jupyter_server` (README, "Manual grading").
c.HTMLExporter.preprocessors = ["coursetools.inert.InertHTML"]
# --- end of the inert-HTML block ---
