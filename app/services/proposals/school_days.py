"""School days and deadlines: counting school days around weekends and holidays, the overdue
mark, the start of the school year. Pure: no database."""

from collections.abc import Sequence
from datetime import date, timedelta

from app.models.proposals import Proposal
from app.timeutil import today


Holidays = Sequence[tuple[date, date]]


def is_school_day(day: date, holidays: Holidays = ()) -> bool:
    return day.weekday() < 5 and not any(first <= day <= last for first, last in holidays)


def add_school_days(start: date, days: int, holidays: Holidays = ()) -> date:
    """The day that is `days` school days after `start` (start itself not counted)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_school_day(day, holidays):
            counted += 1
    return day


def school_days_between(start: date, end: date, holidays: Holidays = ()) -> int:
    """School days after `start` up to and including `end` (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_school_day(day, holidays):
            count += 1
    return count


def is_overdue(proposal: Proposal, on: date | None = None) -> bool:
    """Past its deadline and still not answered: shown publicly as "te laat beantwoord"."""
    return (proposal.state == "with_management" and proposal.deadline is not None
            and (on or today()) > proposal.deadline)


def answered_late(proposal: Proposal) -> bool:
    """Answered after its deadline: the "te laat beantwoord" mark stays on it for good."""
    return (proposal.answered_at is not None and proposal.deadline is not None
            and proposal.answered_at.date() > proposal.deadline)


def support_ended(proposal: Proposal, on: date | None = None) -> bool:
    """Looking for support, but past its last day for it."""
    return (proposal.state == "published" and proposal.support_until is not None
            and (on or today()) > proposal.support_until)


def school_year_start(on: date) -> date:
    """A Flemish school year starts on 1 September."""
    return date(on.year if on.month >= 9 else on.year - 1, 9, 1)
