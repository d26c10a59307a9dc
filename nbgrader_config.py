"""nbgrader settings for the Lab 2 course directory (this folder)."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))

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
]

# Students' cells: Spanish stubs.
c.ClearSolutions.code_stub = {"python": "# TU CÓDIGO AQUÍ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ESCRIBA AQUÍ SU RESPUESTA"

# Restore deleted or edited test cells from the source version.
c.OverwriteCells.add_missing_cells = True

# Per-cell time-out (seconds); a cell that runs longer is interrupted and scores 0.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# PyTorch's C++ side logs warnings straight to the process's stderr (for example
# "[W1128 14:00:00.000000000 NNPACK.cpp:56] Could not initialize NNPACK!"); nbgrader
# would give 0 points to a test cell with any stderr, so those lines are dropped.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?m)^\[W\d{4} \d\d:\d\d:\d\d"
