"""The staff journeys in Chromium on a small (320×640) and a common (390×844) phone: council,
management and admin, each page checked for sideways scrolling, tap targets and axe; the
confirmation pages also without JavaScript."""

from datetime import timedelta

import pytest

from app.services import proposals
from app.timeutil import today
from conftest import login_staff_in_browser
from support.pages import problems
from support.moderation import CRISIS, OK, say, target  # noqa: F401
from support.proposals import author, make_proposal, reload  # noqa: F401
from support.voting import make_poll, make_statement

pytestmark = pytest.mark.browser

LONG_WORD = "Leerlingenraadsvergaderingsverslagenmap"


@pytest.fixture(params=[(320, 640), (390, 844)], ids=["320x640", "390x844"])
def screen(request, browser, app, live_server):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


class Journey:
    """Visits pages and collects what is wrong on each, so one run shows every problem."""

    def __init__(self, page):
        self.page, self.found = page, []

    def visit(self, path: str):
        self.found += problems(self.page, path)

    def here(self):
        self.page.wait_for_load_state()
        self.found += problems(self.page)

    def sign_in(self, username: str):
        login_staff_in_browser(self.page, username)
        self.page.wait_for_url("**/staff")
        self.here()

    def confirm(self, ask, yes: str, done: str, unchanged=lambda: True):
        """Click `ask` (a locator), check the confirmation page and that `unchanged()` still
        holds there (nothing was done yet), say yes, wait for `done`."""
        ask.click()
        self.page.wait_for_url("**/bevestig**")
        self.here()
        assert unchanged(), "acted before the confirmation"
        self.page.get_by_role("button", name=yes).click()
        self.page.get_by_text(done).first.wait_for()
        self.here()

    def check(self):
        assert not self.found, "\n".join(self.found)


def test_council_journey(screen, session, school, author, target, make_pupil, make_staff):
    council = make_staff("council")
    say(make_pupil(), CRISIS)
    say(make_pupil(), OK)
    submitted = make_proposal(session, school, author, "submitted", title="Een naam in de titel")
    make_proposal(session, school, author, "in_progress", title=f"Een {LONG_WORD} voor iedereen")
    statement = make_statement(session, council.staff,
                               f"De {LONG_WORD} moet online staan voor alle leerlingen van de school")
    make_poll(session, council.staff, f"Waar leggen we de {LONG_WORD}?")
    page, journey = screen, Journey(screen)
    journey.sign_in(council.staff.username)
    assert page.locator(".counter.alert", has_text="daarvan dringend").inner_text().startswith("1")
    journey.visit("/council/moderation")
    first = page.locator("li.card").first
    assert first.locator("select").input_value() == ""  # nothing chosen for the moderator
    first.get_by_role("button", name="Afwijzen").click()  # without a reason the browser asks for one
    assert page.locator("li.card").count() == 3 and "Afgewezen" not in first.inner_text()
    first.locator("select").select_option("private")
    first.get_by_role("button", name="Afwijzen").click()
    page.get_by_text("Afgewezen: te persoonlijk om hier te tonen.").wait_for()
    journey.visit("/council/proposals")
    card = page.locator(f"#p{submitted.id}")
    card.locator("select").select_option("person")
    journey.confirm(card.get_by_role("button", name="Niet publiceren…"), "Ja, niet publiceren",
                    "Het voorstel is niet gepubliceerd.",
                    unchanged=lambda: reload(session, submitted.id).state == "submitted")
    assert reload(session, submitted.id).state == "rejected_by_moderation"
    journey.visit("/council/voting")
    journey.visit(f"/council/voting/statements/{statement.id}")
    page.get_by_role("link", name="Nu sluiten…").click()
    page.wait_for_url("**/sluiten")
    journey.here()
    page.get_by_role("button", name="Ja, nu sluiten").click()
    page.wait_for_url(f"**/council/voting/statements/{statement.id}")
    assert "Wie wat stemde, is gewist" in page.inner_text("main")
    journey.visit("/staff/password")
    journey.check()


def test_management_journey(screen, session, school, author, make_staff):
    management = make_staff("management")
    waiting = make_proposal(session, school, author, "with_management", title="Fietsenstalling overdekt")
    late = make_proposal(session, school, author, "with_management", title="Later beginnen op maandag")
    late = reload(session, late.id)
    late.deadline = today() - timedelta(days=2)
    session.add(late)
    answered = make_proposal(session, school, author, "answered", title="Water op school")
    session.commit()
    page, journey = screen, Journey(screen)
    journey.sign_in(management.staff.username)
    assert page.locator(".counter.alert", has_text="daarvan te laat").inner_text().startswith("1")
    journey.visit("/management/proposals")
    assert "2 dagen te laat" in page.locator(f"#p{late.id}").inner_text()
    card = page.locator(f"#p{waiting.id}")
    assert "Belangrijk voor veel leerlingen." in card.inner_text()  # the council's reason
    card.get_by_text("Deels aanvaard").click()
    card.locator("textarea").first.fill("Deels: we overdekken de helft dit jaar.")
    journey.confirm(card.get_by_role("button", name="Antwoord nakijken en publiceren…"), "Ja, antwoord publiceren",
                    "Je antwoord staat op de openbare tijdlijn.",
                    unchanged=lambda: reload(session, waiting.id).state == "with_management")
    assert reload(session, waiting.id).decision == "partly"
    card = page.locator(f"#p{late.id}")
    card.locator("summary", has_text="Meer tijd nodig?").click()
    new_date = proposals.add_school_days(today(), 10)
    card.locator("input[type=date]").fill(new_date.isoformat())
    card.locator("textarea").nth(1).fill("We wachten op het advies van de ouderraad.")
    journey.confirm(card.get_by_role("button", name="Meer tijd vragen…"), "Ja, meer tijd vragen",
                    "De nieuwe datum staat op de openbare tijdlijn.")
    assert reload(session, late.id).deadline == new_date
    journey.visit(f"/voorstellen/{late.id}")
    assert "De directie vraagt meer tijd" in page.inner_text("main")
    journey.visit("/management/proposals/beantwoord")
    card = page.locator(f"#p{answered.id}")
    card.locator("summary", has_text="Antwoord verbeteren").click()
    card.locator("textarea").fill("Deels: zo en zo, vanaf januari.")
    journey.confirm(card.get_by_role("button", name="Verbetering nakijken…"), "Ja, verbetering publiceren",
                    "Je verbeterde antwoord staat op de openbare tijdlijn.")
    journey.visit(f"/voorstellen/{answered.id}")
    assert page.locator(".timeline .corrected").count() == 1
    journey.check()


def test_admin_journey(screen, session, school, new_codes, make_staff):
    admin = make_staff("admin")
    admin.form("/admin/codes", {"group": "3A", "count": "2", "label": "eerste lesuur"})
    admin.form("/admin/codes", {"group": "3A", "count": "2"})
    for name in (f"5{LONG_WORD}", "6B"):
        admin.form("/admin/groups", {"name": name, "parent": ""})
    page, journey = screen, Journey(screen)
    journey.sign_in(admin.staff.username)
    journey.visit("/admin/codes")
    assert page.locator("h3", has_text="Blad 1 · 3A · eerste lesuur").is_visible()
    page.locator("li.card", has_text="Blad 2 · 3A").get_by_role("link", name="Intrekken…").click()
    page.wait_for_url("**/intrekken")
    journey.here()
    page.get_by_role("button", name="Ja, blad 2 intrekken").click()
    page.get_by_text("is ingetrokken").first.wait_for()
    journey.here()
    journey.visit("/admin/audit")
    assert page.get_by_text(f"{admin.staff.username} trok codeblad 2 (3A,").is_visible()
    journey.visit(f"/admin/audit?dag={today().isoformat()}")
    for path in ("/admin/groups", "/admin/staff", "/admin/help", "/admin/moderation", "/admin/proposals"):
        journey.visit(path)
    journey.check()


def test_confirmations_work_without_javascript(phone_nojs, session, school, author, make_staff):
    admin, management = make_staff("admin"), make_staff("management")
    p = make_proposal(session, school, author, "with_management")  # its author's code is on sheet 1
    admin.form("/admin/codes", {"group": "3A", "count": "2", "label": "reserve"})
    page = phone_nojs
    login_staff_in_browser(page, admin.staff.username)
    page.goto("/admin/codes")
    page.locator("li.card", has_text="reserve").get_by_role("link", name="Intrekken…").click()
    page.get_by_role("button", name="Ja, blad 2 intrekken").click()
    assert page.url.endswith("/admin/codes?ingetrokken=2") and "is ingetrokken" in page.inner_text("main")
    page.reload()  # a reload repeats nothing
    assert page.url.endswith("?ingetrokken=2") and page.locator("text=Intrekken…").count() == 1
    page.context.clear_cookies()
    login_staff_in_browser(page, management.staff.username)
    page.goto("/management/proposals")
    page.get_by_text("Aanvaard", exact=True).click()
    page.locator("textarea").first.fill("Ja, vanaf maandag.")
    page.get_by_role("button", name="Antwoord nakijken en publiceren…").click()
    assert "Antwoord op “Meer bankjes” publiceren?" in page.inner_text("main")
    assert problems(page) == []
    page.get_by_role("button", name="Ja, antwoord publiceren").click()
    assert "Je antwoord staat op de openbare tijdlijn." in page.inner_text("main")
    assert reload(session, p.id).decision == "accepted"
