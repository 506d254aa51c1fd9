"""Times. Stored times are aware UTC; anything about a pupil is rounded to the hour."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def now_hour() -> datetime:
    """The current hour: the finest time we keep for anything a pupil does."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


def today() -> date:
    return utcnow().date()
