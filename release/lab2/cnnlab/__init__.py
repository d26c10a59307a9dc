"""Helper package for Lab 2 (CNN): answer checks, inline marks and data loading.

It holds no solution: it ships with the student release. Everything it shows
goes to stdout or to rich notebook outputs, never to stderr, because nbgrader
gives 0 points to a test cell that writes to stderr.
"""

__version__ = "1.1.0"


def require_version(minimum: str) -> None:
    """Fail with a clear message when the installed helper is older than ``minimum``."""
    def parse(v):
        return tuple(int(p) for p in v.split("."))
    if parse(__version__) < parse(minimum):
        raise ImportError(
            f"cnnlab {__version__} es más antiguo que el {minimum} que pide este notebook: "
            "use la carpeta cnnlab/ que viene con la entrega (release) del laboratorio. "
            f"(cnnlab {__version__} is older than the required {minimum}.)"
        )
