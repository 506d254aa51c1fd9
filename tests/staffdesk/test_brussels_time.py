"""Every time is shown in Europe/Brussels and computed in it: "today", a response deadline, the
overdue mark and the log's day filter follow the Belgian calendar, also in the hour or two
around midnight when UTC still says yesterday."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

from app.i18n import day, day_and_time
from app.models import AuditEntry
from app.services import proposals
from app.timeutil import today
from support.proposals import author, make_proposal, reload  # noqa: F401

APP = Path(__file__).resolve().parents[2] / "app"


def test_today_is_the_belgian_day():
    assert today(datetime(2026, 12, 9, 22, 59, tzinfo=UTC)) == date(2026, 12, 9)  # 23:59 in Brussels
    assert today(datetime(2026, 12, 9, 23, 0, tzinfo=UTC)) == date(2026, 12, 10)  # midnight in Brussels
    assert today(datetime(2026, 6, 9, 22, 0, tzinfo=UTC)) == date(2026, 6, 10)  # summer time: UTC+2


def test_shown_times_are_belgian():
    assert day(datetime(2026, 12, 9, 23, 30, tzinfo=UTC)) == "10 dec 2026"
    assert day_and_time(datetime(2026, 12, 9, 23, 30, tzinfo=UTC)) == "10 dec 2026 00:30"
    assert day_and_time(datetime(2026, 7, 1, 6, 5, tzinfo=UTC)) == "1 jul 2026 08:05"


def test_a_deadline_counts_from_the_belgian_day(session, school, author):
    """Forwarded on Tuesday 8 December at 23:30 UTC, which is Wednesday 00:30 in Brussels: the
    15 school days start on Wednesday (counted from Tuesday, the answer would be due a day early)."""
    p = make_proposal(session, school, author, "published")
    proposals.transition(session, reload(session, p.id), "forward", "council", text="Dringend.",
                         at=datetime(2026, 12, 8, 23, 30, tzinfo=UTC))
    session.commit()
    assert reload(session, p.id).deadline == date(2026, 12, 30)
    assert proposals.add_school_days(date(2026, 12, 8), 15) == date(2026, 12, 29)  # what UTC would give


def test_overdue_from_midnight_in_brussels_not_in_utc(session, school, author):
    p = make_proposal(session, school, author, "with_management")
    p = reload(session, p.id)
    p.deadline = date(2026, 12, 10)
    before_midnight = today(datetime(2026, 12, 10, 22, 30, tzinfo=UTC))  # 23:30 in Brussels
    after_midnight = today(datetime(2026, 12, 10, 23, 30, tzinfo=UTC))  # 00:30 in Brussels, still the 10th in UTC
    assert not proposals.is_overdue(p, before_midnight)
    assert proposals.is_overdue(p, after_midnight)


def test_the_log_filters_a_belgian_day(admin, session, school):
    staff = admin.staff
    for hour_utc, day_utc, detail in ((22, 2, "avond"), (23, 2, "nacht"), (22, 3, "laat")):
        session.add(AuditEntry(school_id=school.id, staff_id=staff.id, action="group.create", target_kind="group",
                               detail=f"groep-{detail}", created_at=datetime(2026, 12, day_utc, hour_utc, 30, tzinfo=UTC)))
    session.commit()
    page = admin.get("/admin/audit", params={"dag": "2026-12-03"}).text
    assert "groep-nacht" in page and "groep-laat" in page and "groep-avond" not in page
    assert "3 dec 2026 00:30" in page and "3 dec 2026 23:30" in page  # shown in Belgian time
    assert "2 handelingen" in page
    assert "groep-avond" in admin.get("/admin/audit", params={"dag": "2026-12-02"}).text
    r = admin.get("/admin/audit", params={"dag": "3/12"})
    assert r.status_code == 400 and "Deze datum klopt niet" in r.text


NAIVE_NOW = re.compile(r"date\.today\(\)|datetime\.utcnow\(\)|datetime\.now\(\s*\)|\.utcfromtimestamp\(")


def test_no_clock_without_a_time_zone_in_the_app():
    """Times come from app.timeutil: no clock read on the server's own zone or a naive UTC."""
    found = [f"{p.relative_to(APP)}:{n}" for p in APP.rglob("*.py")
             for n, line in enumerate(p.read_text().splitlines(), 1) if NAIVE_NOW.search(line)]
    assert found == []
