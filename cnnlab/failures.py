"""Why a ``marks`` block failed, said in the student's terms (used by ``cnnlab.marks``).

The reason is one line (Spanish); which one depends on what went wrong:

* a check said no (``CheckFailed``): the check's own message;
* an ``assert`` of the test said no: ``una comprobación no se cumplió: …``;
* the student's code raised: ``su código lanzó IndexError: index 7 is out of
  bounds … (Celda In[12], línea 9, en conv_forward: Z[i, h, w, c] = …)``
  (the function is left out at a cell's top level; the line's text is cut
  at 80 characters);
* the student's function is still the release's stub (``NotImplementedError``
  raised in the student's own frame): ``todavía no implementó conv_forward
  (Celda In[7], línea 20)``;
* the test used a name no cell defined (``NameError`` outside the student's
  code): ``falta la función conv_forward: ejecute antes la celda que la
  define`` when the test calls it, else ``el nombre Z no está definido: …``;
* anything else raised outside the student's code (the test or a check
  choking on what the student returned): ``su código lanzó TypeError: …``,
  as before, without a location.

**The student's frame** is the innermost frame of the traceback whose code
comes from a notebook cell, the test cell excepted (the frame running the
``with marks(...)`` block, and any frame compiled from the same cell, such as
a test's lambda). NumPy, PyTorch, ``cnnlab`` and the standard library are
never cells, so an error raised inside ``np.pad`` points at the student's line
that called it. A cell is what the running IPython shell compiled: its
``compile.format_code_name`` (IPython's own mapping, the one behind
``Cell In[5], line 12`` in its tracebacks) names it ``In[5]``. Without a shell
(plain Python), a ``<ipython-input-5-…>`` file name is read as ``In[5]``;
any other file is not a cell, and the message has no location.

**The hint rule.** A ``pista`` says how to compute the right result, so it is
shown whenever the student's code is there and ran: its result was wrong
(a check or an ``assert`` failed) or it raised while computing. It is *not*
shown when part of the student's code is missing: a ``NotImplementedError``
(a stub, anywhere) or a ``NameError`` (a function or variable not defined, or
its cell not run), where the message already says what to do.

**In the trusted verdict** the student's functions run in another process and
their exceptions come back rebuilt from a name and a message, with the
student's frame as plain data in the attribute ``cnnlab_where`` (see
``Where.plain``), preferred to the trusted process's own traceback (where
the innermost cell could be a fixed cell's helper). That data is untrusted: ``Where.from_plain`` accepts only
strings and an integer of bounded length, drops control and formatting
characters, and the HTML box escapes it like every other text.

Nothing here raises out of ``marks``: ``describe`` and ``hint_fits`` fall
back to the plain ``su código lanzó X: …`` line and to showing the hint.
"""

from __future__ import annotations

import linecache
import re
import unicodedata
from dataclasses import dataclass

from .checks import CheckFailed

ATTRIBUTE = "cnnlab_where"  # the student's frame, as plain data, on an exception rebuilt by the verdict
_INPUT_NAME = re.compile(r"<ipython-input-(\d+)-[0-9a-fA-F]+>\Z")
_NOT_DEFINED = re.compile(r"name '(\w+)' is not defined")
_CELL_CHARS, _LINE_CHARS, _FUNCTION_CHARS = 20, 80, 60


def clean(text, limit: int) -> str:
    """``text`` on one line: control and formatting characters become spaces, cut at ``limit``."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
                   for ch in str(text)[: limit + 1])
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Where:
    """Where the student's code was when it raised."""

    cell: str        # "In[12]", or "" when the cell's number is unknown
    line: int        # line number inside the cell
    function: str    # "conv_forward"; "" at a cell's top level
    text: str        # that line, stripped and cut
    innermost: bool  # raised right there, not in a library it called

    def describe(self, full: bool = True) -> str:
        """``Celda In[12], línea 9, en conv_forward: Z[i, h, w, c] = …`` (``full=False``:
        ``Celda In[12], línea 9``)."""
        out = f"Celda {self.cell}".rstrip() + f", línea {self.line}"
        if full and self.function:
            out += f", en {self.function}"
        if full and self.text:
            out += f": {self.text}"
        return out

    def plain(self) -> list:
        """The JSON-able form the verdict's worker sends back."""
        return [self.cell, self.line, self.function, self.text, self.innermost]

    @classmethod
    def from_plain(cls, value) -> Where | None:
        """A ``Where`` from untrusted plain data (``plain()``'s form), or None when it is not one."""
        if isinstance(value, Where):
            value = value.plain()
        if not isinstance(value, (list, tuple)) or len(value) != 5:
            return None
        cell, line, function, text, innermost = value
        if not (type(cell) is str and type(function) is str and type(text) is str
                and type(line) is int and type(innermost) is bool and 0 < line < 10**7):
            return None
        return cls(clean(cell, _CELL_CHARS), line, clean(function, _FUNCTION_CHARS),
                   clean(text, _LINE_CHARS), innermost)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there in Jupyter
        return None
    return get_ipython()


def cell_name(filename: str) -> str | None:
    """``"In[12]"`` (or ``""`` when the number is unknown) if ``filename`` is a notebook cell's, else None."""
    shell = _shell()
    if shell is not None:
        compiler = getattr(shell, "compile", None)
        format_code_name = getattr(compiler, "format_code_name", None)
        if format_code_name is not None:  # IPython >= 8
            named = format_code_name(filename)
            return None if named is None else str(named[1])
        number = getattr(compiler, "_filename_map", {}).get(filename)
        return None if number is None else f"In[{number}]"
    match = _INPUT_NAME.match(filename)
    return f"In[{match.group(1)}]" if match else None


def student_frame(tb) -> Where | None:
    """The innermost frame of traceback ``tb`` from a cell other than the first frame's (the test's)."""
    if tb is None:
        return None
    test_file = tb.tb_frame.f_code.co_filename
    found, last = None, None
    tb = tb.tb_next
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename != test_file:
            cell = cell_name(code.co_filename)
            if cell is not None:
                found = (cell, tb.tb_lineno, code, tb)
        last = tb
        tb = tb.tb_next
    if found is None:
        return None
    cell, line, code, where = found
    function = "" if code.co_name == "<module>" else code.co_name
    text = linecache.getline(code.co_filename, line)
    return Where(clean(cell, _CELL_CHARS), line, clean(function, _FUNCTION_CHARS),
                 clean(text, _LINE_CHARS), where is last)


def _where(exc: BaseException) -> Where | None:
    """The student's frame of ``exc``: what the verdict's worker attached (it saw the student's
    frames; here, a fixed cell's helper between the test and the proxy would be the innermost
    cell), else the innermost student frame of its traceback."""
    where = Where.from_plain(getattr(exc, ATTRIBUTE, None))
    return where if where is not None else student_frame(exc.__traceback__)


def _test_line(exc: BaseException) -> str:
    """The line of the test (the ``with`` block's frame) the exception went through."""
    tb = exc.__traceback__
    if tb is None:
        return ""
    return linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno)


def _missing_name(exc: NameError) -> str:
    name = getattr(exc, "name", None)
    if type(name) is str and name:
        return name
    match = _NOT_DEFINED.search(str(exc))
    return match.group(1) if match else ""


def describe(exc: BaseException) -> str:
    """The one-line reason (Spanish) shown for ``exc``; never raises."""
    try:
        return _describe(exc)
    except Exception:  # noqa: BLE001 - marks never raises: the plain line instead
        return _plain(exc)


def _plain(exc: BaseException) -> str:
    try:
        return f"su código lanzó {type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 - a str() that raises
        return f"su código lanzó {type(exc).__name__}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed):
        return str(exc)
    where = _where(exc)
    if isinstance(exc, NotImplementedError) and (where is None or where.innermost):
        if where is None:
            return "todavía no implementó la función (NotImplementedError)"
        what = where.function or "esta parte"
        return f"todavía no implementó {what} ({where.describe(full=False)})"
    if where is not None:
        return f"{_plain(exc)} ({where.describe()})"
    if isinstance(exc, NameError):
        name = clean(_missing_name(exc), _FUNCTION_CHARS)
        if name and re.search(rf"\b{re.escape(name)}\s*\(", _test_line(exc)):
            return f"falta la función {name}: ejecute antes la celda que la define"
        if name:
            return (f"el nombre {name} no está definido: ejecute antes las celdas anteriores "
                    "(o corrija el paso que falló más arriba)")
    if isinstance(exc, AssertionError):
        return "una comprobación no se cumplió" + (f": {exc}" if str(exc) else "")
    return _plain(exc)


def hint_fits(exc: BaseException | None) -> bool:
    """Whether the block's ``pista`` fits this failure (see the module's rule); never raises."""
    if exc is None or isinstance(exc, CheckFailed):
        return True
    return not isinstance(exc, (NotImplementedError, NameError))
