"""Small helpers every domain shares: marking text for translation, tidying typed text, reading
numbers and dates from forms (as Belgian time), and the author tags by which pupils recognise
their own texts without anyone storing who wrote them."""

import hmac
import re
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.i18n import _
from app.security import bounds
from app.services.errors import DomainError
from app.timeutil import LOCAL_TZ  # what staff type in a date or datetime-local field

_INT = re.compile(r"-?\d{1,9}")


def N_(message: str) -> str:
    """Mark for translation; translated when shown (gettext's usual name for this)."""
    return message


def one_line(text: str | None) -> str:
    """Whitespace collapsed to single spaces, ends trimmed: for titles, names and short lines."""
    return " ".join((text or "").split())


def int_or_none(value: str | None) -> int | None:
    """A whole number typed in a form; None when empty or not a number (the service then says
    what it needs)."""
    value = (value or "").strip()
    return int(value) if _INT.fullmatch(value) else None


def parse_date(value: str | None) -> date | None:
    """A date field ("2026-05-31"); None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Deze datum klopt niet. Gebruik de vorm 2026-05-31.")) from None
    bounds.sane_date(day)
    return day


def parse_local(value: str | None) -> datetime | None:
    """A datetime-local field ("2026-03-01T08:30"), read as Belgian time, as aware UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Deze datum en dit uur kloppen niet: {value}.").format(value=value[:20])) from None
    bounds.sane_date(parsed)  # year 1 or 9999 would also overflow the time-zone maths
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(ZoneInfo("UTC"))


def local_input(value: datetime) -> str:
    """The value a datetime-local field shows for an aware datetime."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def local_text(value: datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def new_author_tag(participant, purpose: str) -> tuple[str, str]:
    """(nonce, tag) for a new text: stored instead of an author, only the writer's secret can
    make the tag again. `purpose` keeps the tags of different kinds of text apart."""
    nonce = secrets.token_hex(16)
    return nonce, participant.pseudonym(purpose, nonce)


def is_author(participant, purpose: str, nonce: str, tag: str) -> bool:
    """Whether this participant wrote the text with this nonce and tag (in constant time)."""
    if participant is None or not nonce:
        return False
    return hmac.compare_digest(participant.pseudonym(purpose, nonce), tag)
