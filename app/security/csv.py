"""The one CSV writer every export uses: a cell stays data when a spreadsheet opens it.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or `|` and `%`,
which some spreadsheets also read as formulas) gets a leading `'`, as OWASP recommends
("CSV Injection"), so `=HYPERLINK(...)` from a pupil is shown, never run. Numbers stay numbers,
and so does text that is only a number, such as "-5". (defusedcsv does the same, but leaves a
leading tab or carriage return alone.)
"""

import csv
import io
import re
from collections.abc import Iterable
from numbers import Number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")
_NUMBER = re.compile(r"-?[0-9][0-9,.]*")


def neutralise(cell):
    if cell is None or isinstance(cell, Number):
        return cell
    text = str(cell)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write(rows: Iterable[Iterable], delimiter: str = ",", bom: bool = False) -> str:
    """CSV text of these rows (the first one is the header). `bom` helps spreadsheets read accents."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
