"""Text that reaches a person's terminal, made safe to print.

A message can quote text svrdf did not write (a study's values, a query's results, a remote
server's reply). Control characters in it could move the cursor, retitle the window or hide
what came before (ANSI escape sequences), so every message and every table cell goes through
:func:`printable` on its way out: each control character is shown as its escape instead.
"""

from __future__ import annotations

import re

#: C0 controls other than tab and newline (and a carriage return ending a line, as in CSV),
#: DEL, C1 controls, and the bidirectional overrides and isolates that reorder what is shown
#: (a "Trojan Source" line). A carriage return alone would let a line overwrite itself.
_UNPRINTABLE = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, keep_newlines: bool = True) -> str:
    """``text`` with every control character shown as its escape (``\\x1b``), line breaks
    (``\\n``, ``\\r\\n``) kept unless ``keep_newlines`` is false."""
    if not keep_newlines:
        text = text.replace("\r", "\\x0d").replace("\n", "\\n")
    return _UNPRINTABLE.sub(_escape, text)
