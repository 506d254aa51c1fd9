"""In a browser: a pupil submits a proposal on a phone; management answers on a desktop and the
pupil sees the answer on the timeline. Every page visited is checked with axe-core."""

import pytest

from app.services import proposals
from conftest import assert_accessible, login_staff_in_browser
from support.proposals import author, counts, make_proposal, reload  # noqa: F401

pytestmark = pytest.mark.browser


def _enter(page, code: str) -> None:
    page.goto(f"/c/{code}")
    page.get_by_role("button", name="Ja, dit is mijn code").click()
    page.wait_for_url("**/overzicht")


def test_pupil_submits_a_proposal_on_a_phone(phone, seeded, new_codes, session, author):
    make_proposal(session, seeded, author, "done", title="Geen straf voor één minuut te laat")
    _enter(phone, new_codes("3A")[0])
    assert_accessible(phone)
    phone.click("text=Wat deden we ermee?")
    phone.wait_for_url("**/voorstellen")
    assert phone.locator("text=Gedaan dit schooljaar").is_visible()
    assert_accessible(phone)
    phone.select_option("#f-state", "done")
    phone.click("form.filters button")
    phone.wait_for_url("**/voorstellen?*state=done*")
    assert phone.locator("#board-list").get_by_text("Geen straf voor één minuut te laat").is_visible()
    assert_accessible(phone)
    phone.click("text=Doe een voorstel")
    phone.wait_for_url("**/voorstellen/nieuw")
    assert_accessible(phone)
    phone.fill("#title", "Een overdekte fietsenstalling")
    phone.select_option("#category", label="Lokalen en speelplaats")
    phone.fill("#body", "Als het regent, worden onze fietsen en zadels nat. Een dak zou helpen.")
    phone.click("text=Voorstel versturen")
    phone.wait_for_url("**/voorstellen/*")
    assert "De leerlingenraad leest je tekst eerst na" in phone.locator("[role=status]").first.inner_text()
    assert_accessible(phone)
    phone.get_by_role("link", name="Mijn voorstellen").click()
    phone.wait_for_url("**/voorstellen/mijn")
    assert "Wordt nagelezen" in phone.locator("article").first.inner_text()
    assert_accessible(phone)
    phone.click("text=Een overdekte fietsenstalling")
    assert phone.locator("h1").inner_text() == "Een overdekte fietsenstalling"
    assert "Ingediend door een leerling" in phone.locator("ol.timeline").inner_text()
    assert_accessible(phone)
    [stored] = [p for p in proposals.by_state(session, seeded.id)["submitted"]]
    assert stored.title == "Een overdekte fietsenstalling"


def test_management_answers_and_the_pupil_sees_it(phone, desktop, seeded, new_codes, make_staff, session, author):
    proposal = make_proposal(session, seeded, author, "with_management", title="Drinkwater in elke gang")
    _enter(phone, new_codes("3B")[0])
    phone.goto(f"/voorstellen/{proposal.id}")
    assert "De directie antwoordt ten laatste op" in phone.locator("main").inner_text()
    phone.click("text=Volg dit voorstel")  # HTMX swaps the button in place
    phone.locator("text=Je volgt dit voorstel").wait_for()
    assert_accessible(phone)

    management = make_staff("management")
    login_staff_in_browser(desktop, management.staff.username)
    desktop.wait_for_url("**/staff")
    assert_accessible(desktop)
    desktop.click("text=Voorstellen beantwoorden")
    desktop.wait_for_url("**/management/proposals")
    assert_accessible(desktop)
    card = desktop.locator(f"#p{proposal.id}")
    card.get_by_label("Deels aanvaard").check()
    card.get_by_label("Uitleg voor de leerlingen (verplicht)").fill(
        "We zetten een fontein op de eerste verdieping. Voor elke gang is er geen budget.")
    card.get_by_role("button", name="Antwoord nakijken en publiceren…").click()
    desktop.wait_for_url("**/bevestig**")  # the answer is shown once more before it is public
    assert_accessible(desktop)
    assert reload(session, proposal.id).state == "with_management"
    desktop.get_by_role("button", name="Ja, antwoord publiceren").click()
    desktop.wait_for_url("**/management/proposals*")
    assert "Er wacht geen voorstel op een antwoord" in desktop.locator("main").inner_text()
    assert reload(session, proposal.id).state == "answered"

    phone.goto("/overzicht")
    assert "1 voorstel dat je volgt is veranderd" in phone.locator("main").inner_text()
    assert_accessible(phone)
    phone.click("main >> text=Drinkwater in elke gang")
    timeline = phone.locator("ol.timeline").inner_text()
    assert "Antwoord van de directie" in timeline and "Deels aanvaard" in timeline
    assert "fontein op de eerste verdieping" in timeline
    assert_accessible(phone)


def test_staff_proposal_pages_are_accessible(desktop, seeded, make_staff, session, author):
    for state in ("submitted", "published", "answered", "in_progress"):
        make_proposal(session, seeded, author, state, title=f"Voorstel {state}")
    for role, path in (("council", "/council/proposals"), ("admin", "/admin/proposals")):
        staff = make_staff(role)
        login_staff_in_browser(desktop, staff.staff.username)
        desktop.wait_for_url("**/staff")
        desktop.goto(path)
        assert_accessible(desktop)
        desktop.click("button:has-text('Afmelden')")
        desktop.wait_for_url("**/staff/login")


def test_support_and_follow_without_javascript(phone_nojs, seeded, new_codes, session, author):
    proposal = make_proposal(session, seeded, author, "published", title="Meer bankjes op de speelplaats")
    _enter(phone_nojs, new_codes("4A")[0])
    phone_nojs.goto(f"/voorstellen/{proposal.id}")
    assert_accessible(phone_nojs)
    phone_nojs.click("text=Ik steun dit voorstel")
    phone_nojs.wait_for_url(f"**/voorstellen/{proposal.id}")
    assert "Je steun is geteld" in phone_nojs.locator("#support").inner_text()
    assert phone_nojs.locator("text=Jij steunt dit voorstel").is_visible()
    phone_nojs.click("text=Volg dit voorstel")
    phone_nojs.wait_for_url(f"**/voorstellen/{proposal.id}")
    assert phone_nojs.locator("text=Je volgt dit voorstel").is_visible()
    assert_accessible(phone_nojs)
    assert counts(session, proposal.id)[2] == 1  # stored; shown once k supports have gathered
