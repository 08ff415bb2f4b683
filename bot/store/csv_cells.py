"""The one rule for every CSV the project writes: a cell a spreadsheet would run as a formula starts with a quote."""

from __future__ import annotations

# Spreadsheets (Excel, LibreOffice, Google Sheets) evaluate cells that start with these (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUL = "\x00"
NUL_REPLACEMENT = "\ufffd"  # Python's csv module cannot write NUL


def safe_cell(value: object) -> str:
    """The value as CSV text: None is empty, NUL is replaced, and a formula-leading text gets a leading apostrophe."""
    text = "" if value is None else str(value).replace(NUL, NUL_REPLACEMENT)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
