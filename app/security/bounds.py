"""Input bounds, in one place: what text, numbers and dates may come in.

Pure rules without HTTP. `app.security.limits` applies them to every request; services call
`sane_date` on the dates people type.
"""

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator

from app.i18n import _
from app.services.errors import DomainError

# The narrowest integer column we have: PostgreSQL INTEGER (SQLite would take up to 2**63 - 1).
# One bound for both databases, so the API contract does not depend on the database.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# NUL and the other control characters (tab and line breaks stay), lone surrogates (they
# cannot be stored as UTF-8) and U+FFFE/U+FFFF (not allowed in XML, so they would break the feed).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Dates people type: school years, not year 1 or 9999 (which also overflow time-zone maths).
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)


def clean_text(value: str) -> str:
    """Unicode NFC, without control characters: the form in which text is stored and shown."""
    if value.isascii() and value.isprintable():
        return value  # the common case, and nothing to do
    return unicodedata.normalize("NFC", _BAD_CHARS.sub("", value))


def has_control_characters(value: str) -> bool:
    return _BAD_CHARS.search(value) is not None


def int_in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def sane_date(value: date | datetime) -> None:
    """Refuse dates outside the years a school plans for, with a message."""
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise DomainError(_("Kies een datum tussen {first} en {last}.").format(
            first=FIRST_DATE.year, last=LAST_DATE.year))


def _whole_number(value):
    """JSON Schema's integer: a number without a fraction (3 or 3.0), never true or "3"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("Input should be a whole number")
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(f"Input should be between {INT_MIN} and {INT_MAX}")
    return int(value)


# An integer in a JSON body of the API: strict (a boolean is not a number) and within range.
JsonInt = Annotated[int, BeforeValidator(_whole_number)]
