"""Opening hours of the help lines: today's hours and "nu bereikbaar", in Brussels time."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from app.models import HelpResource
from app.services import help as help_service
from app.services.help import DAYS, SEED_FILE, open_now, today_hours

BRUSSELS = ZoneInfo("Europe/Brussels")
SEED = {r["name"]: r for r in json.loads(SEED_FILE.read_text(encoding="utf-8"))["resources"]}


def at(day: str, hhmm: str, month: int = 3) -> datetime:
    """A Brussels local time on the given weekday of a week in `month` of 2025."""
    first = datetime(2025, month, 1, tzinfo=BRUSSELS)
    offset = (DAYS.index(day) - first.weekday()) % 7
    hours, minutes = map(int, hhmm.split(":"))
    return first.replace(day=1 + offset, hour=hours, minute=minutes)


def hours(name: str) -> dict:
    return SEED[name]["hours"]


@pytest.mark.parametrize("day,time,is_open", [
    ("mon", "15:59", False), ("mon", "16:00", True), ("mon", "21:59", True), ("mon", "22:00", False),
    ("wed", "14:00", True), ("wed", "13:59", False), ("sat", "18:00", True),
    ("sun", "18:00", False),  # "niet op zon- en feestdagen": Sundays are closed; holidays are not modelled
])
def test_awel_phone(day, time, is_open):
    assert open_now(hours("Awel"), "phone", at(day, time)) is is_open


def test_today_hours_per_day():
    assert today_hours(hours("Awel"), "phone", at("wed", "09:00")) == [("14:00", "22:00")]
    assert today_hours(hours("Awel"), "phone", at("thu", "09:00")) == [("16:00", "22:00")]
    assert today_hours(hours("Awel"), "phone", at("sun", "09:00")) == []
    assert today_hours(hours("Awel"), "chat", at("fri", "23:59")) == [("18:00", "22:00")]
    assert today_hours(hours("JAC"), "phone", at("mon", "12:00")) == []  # no such channel


def test_round_the_clock_line_is_always_open():
    for day in DAYS:
        for time in ("00:00", "03:30", "12:00", "23:59"):
            assert open_now(hours("Zelfmoordlijn 1813"), "phone", at(day, time))


def test_two_spans_on_one_day():
    npie = hours("Nu Praat Ik Erover")
    assert [open_now(npie, "chat", at("wed", t)) for t in ("14:59", "15:00", "16:59", "17:00", "19:00", "22:00")] == [
        False, True, True, False, True, False]
    assert open_now(npie, "chat", at("tue", "18:30")) and not open_now(npie, "chat", at("fri", "20:00"))


def test_months_limit_a_channel():
    teleblok = hours("Teleblok")
    assert open_now(teleblok, "chat", at("mon", "19:00", month=1))
    assert open_now(teleblok, "chat", at("sun", "22:59", month=6))
    assert not open_now(teleblok, "chat", at("mon", "19:00", month=3))
    assert today_hours(teleblok, "chat", at("mon", "19:00", month=3)) == []


def test_times_are_compared_in_brussels_time():
    # 14:30 UTC is 16:30 in Brussels in summer (UTC+2) and 15:30 in winter (UTC+1)
    summer = datetime(2025, 7, 7, 14, 30, tzinfo=UTC)  # a Monday
    winter = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)  # a Monday
    assert open_now(hours("Awel"), "phone", summer)
    assert not open_now(hours("Awel"), "phone", winter)
    # late on Saturday in UTC is already Sunday in Brussels
    assert today_hours(hours("Awel"), "phone", datetime(2025, 3, 8, 23, 30, tzinfo=UTC)) == []


def test_missing_or_broken_hours_mean_unknown_not_open():
    for broken in ("", "nonsense", "[]", None, '{"phone": []}'):
        assert not open_now(broken, "phone", at("mon", "18:00"))
        assert today_hours(broken, "phone", at("mon", "18:00")) == []


def test_the_seed_file_has_hours_for_every_written_schedule():
    for name, item in SEED.items():
        machine = item.get("hours", {})
        for channel in ("phone", "chat"):
            assert (f"{channel}_hours_nl" in item) == (channel in machine), f"{name} {channel}"
        for spec in machine.values():
            for day, spans in spec.items():
                if day == "months":
                    assert all(1 <= m <= 12 for m in spans)
                    continue
                assert day in DAYS
                for start, end in spans:
                    assert "00:00" <= start < end <= "24:00" and len(start) == len(end) == 5


def test_help_page_highlights_today_and_who_is_reachable_now(client, session, school):
    help_service.seed(session, school.id)
    session.commit()
    page = client.get("/hulp").text
    assert "<mark>Vandaag:" in page
    # the Zelfmoordlijn answers the phone day and night, so something is always reachable
    line = page[page.index("Zelfmoordlijn 1813</h2>"):]
    line = line[:line.index("</li>")]
    assert "Vandaag: de hele dag" in line and "nu bereikbaar" in line
    assert "geen hulplijn" in page and 'href="tel:112"' in page
    assert "Op feestdagen" in page


def test_editing_written_hours_drops_the_machine_hours_of_that_channel(admin, session, school):
    help_service.seed(session, school.id)
    session.commit()
    awel = session.exec(select(HelpResource).where(HelpResource.name == "Awel")).one()
    form = {k: getattr(awel, k) for k in help_service.EDITABLE}
    form["phone_hours"] = "elke dag 10u-22u"
    assert admin.form(f"/admin/help/{awel.id}", form, follow_redirects=False).status_code == 303
    session.expire_all()
    machine = json.loads(session.get(HelpResource, awel.id).hours_json)
    assert "phone" not in machine and "chat" in machine
