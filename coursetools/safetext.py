"""Student text made inert for where the instructor reads it: the terminal and a spreadsheet.

``for_terminal(s)``: control characters (C0, DEL, C1: ESC sequences), line and
paragraph separators, and invisible format characters (bidi overrides such as
U+202E, zero-width characters) become visible escapes like ``\\x1b`` or
``\\u202e``; everything else is kept. Idempotent: the escapes are printable.

``failure_line(step, error)``: one line for an exception that cost one
student's result: the step, the exception's type, its first line.

``for_spreadsheet(s)``: a CSV cell a spreadsheet would read as a formula
(OWASP's CSV-injection rule: it starts with ``=``, ``+``, ``-``, ``@``, TAB or
CR, or their full-width forms) gets a leading ``'``, so it shows as the text it
is. A plain number (``-2``, ``182.40``) is kept as it is: a number is no formula.
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}  # controls, format (bidi, zero-width), separators


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def for_terminal(text: object) -> str:
    """``text`` (any object: its ``str``) with every control or invisible format character escaped."""
    s = str(text)
    if s.isprintable() and s.isascii():
        return s
    return "".join(_escape(c) if unicodedata.category(c) in _ESCAPED_CATEGORIES else c for c in s)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def for_spreadsheet(text: object) -> str:
    """``text`` as a CSV cell no spreadsheet runs: ``'`` before a formula start, numbers kept."""
    s = str(text)
    if s.startswith(_FORMULA_START) and not _NUMBER.fullmatch(s):
        return "'" + s
    return s


def failure_line(step: str, error: BaseException) -> str:
    """One line for an exception that cost one student's notebook: the step, the type, the message."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{step}: {type(error).__name__}" + (f": {message[:160]}" if message else "")
