"""Formula neutralisation of spreadsheet cells (CSV and XLSX).

A text cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) would run as a formula when a spreadsheet opens the file (CSV
injection, OWASP). Exports prefix such text with an apostrophe; the importer
removes it, so an export read back gives the original text. Text that already
starts with apostrophes before a trigger gets one more, so the round trip is
exact for every string.
"""

from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    return text.lstrip("'").startswith(TRIGGERS)


def neutralise(value: Any) -> Any:
    """``"=SUM(A1)"`` -> ``"'=SUM(A1)"``; other values unchanged."""
    if isinstance(value, str) and value and _needs_quote(value):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise`: ``"'=SUM(A1)"`` -> ``"=SUM(A1)"``."""
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:] or "x"):
        return value[1:]
    return value
