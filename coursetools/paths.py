"""Where things are in the course directory (the repository root)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "lab2"
NOTEBOOK_TWINS = ROOT / "notebooks"           # editable text twins (jupytext percent)
SOURCE = ROOT / "source" / ASSIGNMENT          # instructor notebooks (built from the twins)
RELEASE = ROOT / "release" / ASSIGNMENT        # student version (generated, committed)
DATA = ROOT / "data" / "cats-and-dogs"         # bundled photos
EXAMPLES = ROOT / "examples"                   # example submissions as code per cell
HELPER_PACKAGE = ROOT / "cnnlab"               # what the release carries
NOTEBOOKS = {"parte1_numpy": "p1", "parte2_pytorch": "p2"}  # notebook -> grade_id prefix
PART_OF = {prefix: name for name, prefix in NOTEBOOKS.items()}  # grade_id prefix -> notebook
GRADING = "grading"  # folder under a course (git-ignored): status, verdicts, logs, work files
IDENTITY_CELL = "p1_e0_solution"  # carnés and typed signatures of both partners


def submitted_students(course: Path) -> list[str]:
    """Students with a ``submitted/<student>/lab2`` folder, sorted."""
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{ASSIGNMENT}")
                  if p.is_dir())
