"""CSV cells that a spreadsheet will not run: the one guard every CSV export goes through.

A text cell that starts with `=`, `+`, `-` or `@` (or a tab or a carriage return) is a formula
to Excel, LibreOffice and WPS: a tag description `=HYPERLINK(...)` or a journal comment
`@SUM(...)` typed by someone would run on the engineer's machine that opens the export (CSV
injection). Such a cell is written with a leading apostrophe, which spreadsheets show as text.
Numbers stay numbers: `-3.5` and `1e-3` are not text and are written as they are; a float is
written by `core.formatting.csv_number`, as the operator reads it (35.8, not 35.800000000000004).

The apostrophe is added to a cell that already starts with apostrophes before such a character
too, so that `unescape_cell` (used by the tags CSV import) gives back exactly what was exported:
`=cmd` -> `'=cmd` -> `=cmd`, and `'=cmd` -> `''=cmd` -> `'=cmd`. `data_rows` walks the rows of
an imported file the same way for every import (blank rows skipped, overlong rows reported).
No Qt here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

from core.formatting import csv_number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)$", re.IGNORECASE)
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_NEEDS = re.compile(r"^'*[=+\-@\t\r]")


def is_number_text(text: str) -> bool:
    """Whether a cell's text is a plain decimal number (`-3.5`, `+2`, `1e-3`)."""
    return bool(_NUMBER.match(text))


def safe_cell(value: Any) -> Any:
    """The cell to write: numbers as they are, text that a spreadsheet would take for a formula
    with a leading apostrophe, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return csv_number(value)  # never a formula: the guard leaves it alone
    text = str(value)
    if _NEEDS.match(text) and not is_number_text(text):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The text `safe_cell` was given: one leading apostrophe off a cell it escaped."""
    return text[1:] if _ESCAPED.match(text) else text


def safe_row(cells: Iterable[Any]) -> list[Any]:
    return [safe_cell(c) for c in cells]


class SafeWriter:
    """A `csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, f, *args, **kwargs):
        self._w = csv.writer(f, *args, **kwargs)

    def writerow(self, cells: Iterable[Any]):
        return self._w.writerow(safe_row(cells))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for r in rows:
            self.writerow(r)


def writer(f, *args, **kwargs) -> SafeWriter:
    """`csv.writer(f, ...)` with formula injection neutralised; use it for every CSV export."""
    return SafeWriter(f, *args, **kwargs)


def csv_line(cells: Iterable[Any]) -> str:
    """One CSV line (no line end) of escaped cells, for exporters that write lines themselves."""
    out = []
    for c in safe_row(cells):
        text = str(c)
        if any(ch in text for ch in ',"\r\n'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out)


__all__ = ["FORMULA_START", "csv_line", "is_number_text", "safe_cell", "safe_row", "unescape_cell", "writer"]


def data_rows(rows: list[list[str]], width: int, errors: list[str]) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header with their row number in the file (from 2): blank rows skipped, a
    row with more cells than the header's `width` columns reported in `errors` and skipped."""
    for n, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > width:
            errors.append(f"row {n}: {len(values)} cells for {width} columns")
            continue
        yield n, values
