"""nbgrader's configuration for this course: every way into nbgrader grades the protected way.

``configure(c, course)`` is called by the course's ``nbgrader_config.py``, so
``nbgrader autograde``, formgrader's "Autograde" button and the class pool
(``python -m coursetools autograde``) all run the same chain:

    sanitize:  ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
               StripHiddenTests, CheckCellMetadata
    autograde: ServingExecute (nbgrader's Execute, SandboxedKernelManager), IgnorePattern, ClearMetadata,
               LimitOutput, TrimOutputs, SaveAutoGrades, RecordBonus, TrustedVerdict,
               AssignLatePenalties, CheckCellMetadata

``python -m coursetools autograde --no-sandbox`` passes ``UNPROTECTED`` on
nbgrader's command line (for code the instructor trusts).
"""

from __future__ import annotations

from pathlib import Path

KERNEL_MANAGER = "coursetools.grading.sandbox.SandboxedKernelManager"
PLAIN_KERNEL_MANAGER = "jupyter_client.manager.AsyncKernelManager"
_PRE = "coursetools.grading.preprocessors."

SANITIZE = ["nbgrader.preprocessors.ClearOutput", "nbgrader.preprocessors.DeduplicateIds",
            "nbgrader.preprocessors.OverwriteKernelspec", "nbgrader.preprocessors.OverwriteCells",
            _PRE + "StripHiddenTests", "nbgrader.preprocessors.CheckCellMetadata"]
AUTOGRADE = [_PRE + "ServingExecute", "nbgrader.preprocessors.IgnorePattern",
             "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
             _PRE + "TrimOutputs", "nbgrader.preprocessors.SaveAutoGrades", _PRE + "RecordBonus",
             _PRE + "TrustedVerdict",
             "nbgrader.preprocessors.AssignLatePenalties", "nbgrader.preprocessors.CheckCellMetadata"]

FEEDBACK = ["nbgrader.preprocessors.GetGrades", _PRE + "FeedbackDetails",
            "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
# The Spanish feedback page (coursetools/templates/feedback_es, extending nbgrader's), named on
# the feedback step's command line so that formgrader's own pages keep nbgrader's templates.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def feedback_options() -> list[str]:
    """``generate_feedback`` command-line options: the Spanish feedback template."""
    return ["--HTMLExporter.template_name=feedback_es",
            f"--HTMLExporter.extra_template_basedirs={TEMPLATES}"]

# Command-line options of an unprotected run (the kernel with the instructor's rights, no verdict).
UNPROTECTED = [f"--Execute.kernel_manager_class={PLAIN_KERNEL_MANAGER}", "--TrustedVerdict.enabled=False"]


def configure(c, course: str) -> None:
    """Set the protected chain and the sandboxed kernel on nbgrader's config ``c`` (the limits
    are the traits' defaults, from ``coursetools/grading/limits.py``).

    Classes are named, not imported: should ``coursetools`` be missing, nbgrader
    fails on the first notebook instead of grading it unprotected.
    """
    c.Execute.kernel_manager_class = KERNEL_MANAGER
    c.SandboxedKernelManager.course_root = course
    c.TrustedVerdict.course_root = course
    c.RecordBonus.course_root = course
    c.Autograde.sanitize_preprocessors = list(SANITIZE)
    c.Autograde.autograde_preprocessors = list(AUTOGRADE)
    c.FeedbackDetails.course_root = course
    c.GenerateFeedback.preprocessors = list(FEEDBACK)
    # generate_assignment takes the course's steps however it is started (formgrader's
    # "Generate" button too): the helper package, the photos, the due date
    from functools import partial

    from .. import release

    c.GenerateAssignment.pre_convert_hook = partial(release.before_generate, Path(course))
    c.GenerateAssignment.post_convert_hook = partial(release.after_generate, Path(course))
    # the exchange (JupyterHub hand-out, unused here: the LMS carries the files) lives in the
    # course's grading folder, so formgrader's log is not flooded with "Unwritable directory"
    exchange = Path(course) / "grading" / "exchange"
    exchange.mkdir(parents=True, exist_ok=True)
    c.Exchange.root = str(exchange)
