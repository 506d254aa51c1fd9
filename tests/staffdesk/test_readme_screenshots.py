"""The screens the README shows, made by the test suite on a 390×844 phone: a pupil's home, a
council member's moderation queue and a director's desk. Each is checked like any page (axe,
no sideways scrolling, tap targets) before it is written to docs/screenshots/."""

from pathlib import Path

import pytest

from conftest import ROOT, login_staff_in_browser
from support.pages import problems
from support.moderation import OK, PERSON, say, target  # noqa: F401
from support.proposals import author, make_proposal  # noqa: F401
from support.voting import make_poll, make_statement

pytestmark = pytest.mark.browser

SHOTS = ROOT / "docs" / "screenshots"


def _shoot(page, name: str) -> Path:
    assert problems(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a real screen, not an empty page
    return path


def test_readme_screens(browser, live_server, session, school, author, target, new_codes, make_pupil, make_staff):
    council, management = make_staff("council"), make_staff("management")
    make_statement(session, council.staff, "Ik voel me veilig op de speelplaats")
    make_poll(session, council.staff, "Welke dag kiezen we voor de sportdag?")
    make_proposal(session, school, author, "published", title="Een overdekte fietsenstalling",
                  category="Lokalen en speelplaats")
    make_proposal(session, school, author, "with_management", title="Later beginnen op maandag",
                  body="Op maandag om 8.05 uur beginnen is te vroeg. Kunnen we om 8.55 uur starten?")
    make_proposal(session, school, author, "submitted", title="Meer waterfonteinen")
    say(make_pupil(), PERSON)
    say(make_pupil(), OK)
    made = []
    for who, setup in (("pupil", None), ("council", council), ("director", management)):
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server)
        page = context.new_page()
        if setup is None:
            page.goto("/")
            page.fill("#code", new_codes("3A")[0])
            page.click("button[type=submit]")
            page.wait_for_url("**/overzicht")
        else:
            login_staff_in_browser(page, setup.staff.username)
            page.wait_for_url("**/staff")
            page.goto("/council/moderation" if who == "council" else "/management/proposals")
        made.append(_shoot(page, who))
        context.close()
    assert [p.name for p in made] == ["pupil.png", "council.png", "director.png"]
    readme = (ROOT / "README.md").read_text()
    for path in made:
        assert f"docs/screenshots/{path.name}" in readme
