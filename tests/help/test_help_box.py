"""Help that reaches someone now: the box after a worrying text and the help page list the
lines that are open at this moment first, at two different times of a Brussels school day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.routers import help as help_router
from app.services import help as help_service
from support.moderation import ABUSE, CRISIS, say, target  # noqa: F401

BRUSSELS = ZoneInfo("Europe/Brussels")
SCHOOL_HOURS = datetime(2025, 3, 4, 10, 0, tzinfo=BRUSSELS)  # a Tuesday: Awel's phone is closed
EVENING = datetime(2025, 3, 4, 19, 0, tzinfo=BRUSSELS)  # the same Tuesday: Awel answers phone and chat


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(help_router, "utcnow", lambda: moment)
    return set_to


def names(lines) -> list[str]:
    return [line.resource.name for line in lines]


def test_box_lines_during_school_hours(session, seeded):
    resources = help_service.list_resources(session, seeded.id)
    lines = help_service.box_lines(resources, "crisis", SCHOOL_HOURS)
    assert names(lines) == ["Zelfmoordlijn 1813", "Awel", "JAC"]
    first, awel, jac = lines
    assert first.phone_open and not first.chat_open and first.open
    assert not awel.open and awel.today["phone"].text == "16:00–22:00"
    assert not jac.open  # JAC's chat opens at 13:00
    abuse = help_service.box_lines(resources, "abuse", SCHOOL_HOURS)
    assert names(abuse)[:2] == ["Zelfmoordlijn 1813", "1712"]  # 1712's phone is open 9-17
    assert {"Awel", "Nu Praat Ik Erover", "JAC"} <= set(names(abuse))


def test_box_lines_in_the_evening(session, seeded):
    lines = help_service.box_lines(help_service.list_resources(session, seeded.id), "crisis", EVENING)
    assert names(lines)[:2] == ["Awel", "Zelfmoordlijn 1813"]
    awel = lines[0]
    assert awel.phone_open and awel.chat_open
    assert not lines[2].open  # JAC's chat closed at 19:00


def test_crisis_box_after_a_comment_during_school_hours(target, pupil, seeded, clock):
    clock(SCHOOL_HOURS)
    page = say(pupil, CRISIS).text
    box = page[page.index('<div class="msg warn" role="status">'):]
    box = box[:box.index("</div>")]
    assert 'href="tel:112"' in box and "geen hulplijn" in box
    assert box.index("Zelfmoordlijn 1813") < box.index("Awel")
    assert 'href="tel:1813"' in box and 'href="tel:102"' not in box  # Awel's phone is closed now
    awel = box[box.index("<strong>Awel</strong>"):]
    assert "nu gesloten" in awel[:awel.index("</li>")] and "16:00–22:00" in awel[:awel.index("</li>")]


def test_crisis_box_after_a_comment_in_the_evening(target, pupil, seeded, clock):
    clock(EVENING)
    page = say(pupil, CRISIS).text
    box = page[page.index('<div class="msg warn" role="status">'):]
    box = box[:box.index("</div>")]
    assert box.index("<strong>Awel</strong>") < box.index("Zelfmoordlijn 1813")
    assert 'href="tel:102"' in box and 'href="https://www.awel.be"' in box and "Chat met Awel" in box
    assert 'href="tel:112"' in box


def test_abuse_box_lists_the_lines_for_violence(target, pupil, seeded, clock):
    clock(SCHOOL_HOURS)
    page = say(pupil, ABUSE).text
    assert "Niemand mag je pijn doen" in page
    assert 'href="tel:1712"' in page and "Nu Praat Ik Erover" in page


def test_help_page_lists_open_lines_first(client, seeded, clock):
    clock(SCHOOL_HOURS)
    page = client.get("/hulp").text
    assert page.index("Zelfmoordlijn 1813</h2>") < page.index("Awel</h2>")
    assert page.index("1712</h2>") < page.index("Awel</h2>")
    clock(EVENING)
    page = client.get("/hulp").text
    assert page.index("Awel</h2>") < page.index("Zelfmoordlijn 1813</h2>") < page.index("1712</h2>")
    assert "geen hulplijn" in page and 'href="tel:112"' in page
