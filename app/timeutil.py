"""Times. Stored times are aware UTC; anything about a pupil is rounded to the hour.

What people read and what "today" means is Belgian time (Europe/Brussels): a deadline, an
overdue mark or a date filter follows the school's calendar, not UTC's, which is one or two
hours behind it around midnight."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Brussels")


def utcnow() -> datetime:
    return datetime.now(UTC)


def now_hour() -> datetime:
    """The current hour: the finest time we keep for anything a pupil does."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


def local(value: datetime) -> datetime:
    """An aware time as the clock on the school's wall shows it (naive times are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def local_date(value: datetime | date) -> date:
    """The Belgian calendar day of a stored time (a date stays itself)."""
    return local(value).date() if isinstance(value, datetime) else value


def today(now: datetime | None = None) -> date:
    """Today in Brussels."""
    return local_date(now or utcnow())


def start_of_day(day: date) -> datetime:
    """Midnight of a Belgian day, as aware UTC: for date filters on stored times."""
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ).astimezone(UTC)
