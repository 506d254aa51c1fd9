"""The smallest phone (320×640): no page scrolls sideways and every tap target is at least 44×44 px
(the checks are in support.pages)."""

import pytest

from conftest import assert_accessible, login_staff_in_browser
from support import set_school
from support.pages import SMALL_TARGETS, new_phone, problems as _problems
from support.moderation import OK, say
from support.proposals import make_proposal, new_participant
from support.voting import make_poll, make_statement, new_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def small_phone(browser, app, live_server):
    page = new_phone(browser, live_server, "320")
    yield page
    page.context.close()


def test_pupil_pages_fit_a_small_phone(small_phone, app, session, seeded, new_codes, make_pupil):
    raad = new_staff(session, seeded)
    statement = make_statement(session, raad)
    poll = make_poll(session, raad)
    proposal = make_proposal(session, seeded, new_participant(app, session, seeded))
    set_school(session, seeded.id, moderation_mode="post")
    session.commit()
    # Another pupil's comment, so the page shows "Melden" and "Antwoorden".
    assert say(make_pupil(), OK, url=f"/reacties/statement/{statement.id}").status_code == 200
    problems = _problems(small_phone, "/")
    small_phone.fill("#code", new_codes("3A")[0])
    small_phone.click("button[type=submit]")
    small_phone.wait_for_url("**/overzicht")
    for path in ("/overzicht", f"/stellingen/{statement.id}", f"/peilingen/{poll.id}", "/stellingen/nieuw",
                 "/voorstellen", "/voorstellen/nieuw", "/voorstellen/mijn", f"/voorstellen/{proposal.id}",
                 f"/reacties/statement/{statement.id}", "/regels", "/hulp", "/privacy", "/live", "/afgesloten"):
        problems += _problems(small_phone, path)
    assert not problems, "\n".join(problems)
    small_phone.goto(f"/reacties/statement/{statement.id}")
    assert small_phone.locator("summary", has_text="Melden").first.is_visible()  # measured above
    assert small_phone.locator("text=Antwoorden").first.is_visible()


@pytest.mark.parametrize("role,paths", [
    ("council", ("/staff", "/council/voting", "/council/voting/statements/new", "/council/voting/polls/new",
                 "/council/proposals", "/council/moderation", "/staff/live")),
    ("management", ("/staff", "/management/proposals")),
    ("admin", ("/staff", "/admin/codes", "/admin/audit", "/admin/groups", "/admin/staff", "/admin/help",
               "/admin/moderation", "/admin/proposals")),
])
def test_staff_pages_fit_a_small_phone(small_phone, session, seeded, new_codes, make_staff, role, paths):
    make_statement(session, new_staff(session, seeded))
    new_codes("3A", 3)
    session.commit()
    problems = _problems(small_phone, "/staff/login")
    login_staff_in_browser(small_phone, make_staff(role).staff.username)
    small_phone.wait_for_url("**/staff")
    for path in paths:
        problems += _problems(small_phone, path)
    assert not problems, "\n".join(problems)


def test_the_code_sheet_fits_a_phone_and_prints(small_phone, seeded, make_staff):
    login_staff_in_browser(small_phone, make_staff("admin").staff.username)
    small_phone.wait_for_url("**/staff")
    small_phone.goto("/admin/codes")
    small_phone.fill("#count", "4")
    small_phone.click("text=Maak het blad")
    assert small_phone.locator(".slip").count() == 4
    assert small_phone.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert not small_phone.evaluate(SMALL_TARGETS)
    small_phone.evaluate("() => { window.printed = false; window.print = () => { window.printed = true; }; }")
    small_phone.click("#print")
    assert small_phone.evaluate("() => window.printed")
    assert_accessible(small_phone)
