"""In a browser: a pupil posts a crisis text and sees the help lines at once, while the council
sees it marked urgent at the top of the queue and decides on a phone, with and without JavaScript."""

import pytest

from conftest import assert_accessible, login_staff_in_browser
from support.moderation import CRISIS, URL, comments, say, set_school, target  # noqa: F401

pytestmark = pytest.mark.browser


def _pupil_posts(page, code: str, text: str) -> None:
    page.goto(f"/c/{code}")
    page.get_by_role("button", name="Ja, dit is mijn code").click()
    page.wait_for_url("**/overzicht")
    assert_accessible(page)
    page.goto(URL)
    assert_accessible(page)
    page.fill("#comments-testitem-1-body", text)
    page.get_by_role("button", name="Versturen", exact=True).click()


def test_crisis_text_shows_help_and_is_urgent_for_the_council(phone, desktop, seeded, new_codes, make_staff,
                                                              make_pupil, target, session):
    say(make_pupil("3B"), "Een gewone reactie van eerder")  # older, not urgent
    _pupil_posts(phone, new_codes("3A")[0], CRISIS)
    held = phone.locator("[role=status]").first
    held.wait_for()
    assert "Bedankt dat je dit schrijft" in held.inner_text()
    # the lines open right now come first; the Zelfmoordlijn answers at any hour
    assert phone.locator('a[href="tel:1813"]').is_visible() and "Awel" in held.inner_text()
    assert "wacht op goedkeuring" in phone.locator("#comments-testitem-1").inner_text()
    assert phone.url.endswith(URL)  # HTMX: no new page
    assert_accessible(phone)
    phone.click("text=Alle hulplijnen")
    phone.wait_for_url("**/hulp")
    assert phone.locator("mark").first.is_visible()
    assert_accessible(phone)

    council = make_staff("council")
    login_staff_in_browser(desktop, council.staff.username)
    desktop.wait_for_url("**/staff")
    assert_accessible(desktop)
    desktop.goto("/council/moderation")
    first = desktop.locator("li.card").first
    assert "dringend" in first.inner_text() and "crisis" in first.inner_text()
    assert "Ik wil dood" in first.inner_text()
    assert "Een gewone reactie" in desktop.locator("li.card").nth(1).inner_text()
    assert_accessible(desktop)


def test_council_decides_on_a_phone_without_page_reloads(phone, seeded, make_staff, make_pupil, target, session):
    for text in ("Eerste tekst", "Tweede tekst met Janssens"):
        say(make_pupil("3A"), text)
    council = make_staff("council")
    login_staff_in_browser(phone, council.staff.username)
    phone.wait_for_url("**/staff")
    assert_accessible(phone)
    phone.goto("/council/moderation")
    assert_accessible(phone)
    phone.evaluate("() => { window.stillHere = true }")
    first = phone.locator("li.card").first
    first.locator("select").select_option("offtopic")
    first.locator("text=Afwijzen").click()
    phone.locator("li.card").first.locator("text=Afgewezen").wait_for()
    second = phone.locator("li.card").nth(1)
    second.locator("summary").click()
    second.locator("textarea").fill("Tweede tekst met ...")
    second.locator("text=Aangepast goedkeuren").click()
    phone.locator("li.card").nth(1).locator("text=Goedgekeurd").wait_for()
    assert phone.evaluate("() => window.stillHere") is True
    assert_accessible(phone)
    assert [(c.status, c.body) for c in comments(session)] == [
        ("rejected", "Eerste tekst"), ("published", "Tweede tekst met ...")]


def test_council_decides_without_javascript(phone_nojs, seeded, make_staff, make_pupil, target, session):
    say(make_pupil("3A"), "Een tekst")
    council = make_staff("council")
    login_staff_in_browser(phone_nojs, council.staff.username)
    phone_nojs.wait_for_url("**/staff")
    assert_accessible(phone_nojs)
    phone_nojs.goto("/council/moderation")
    phone_nojs.locator("li.card").first.get_by_role("button", name="Goedkeuren", exact=True).click()
    phone_nojs.wait_for_url("**/council/moderation?klaar=approve")
    assert "Goedgekeurd." in phone_nojs.locator("[role=status]").first.inner_text()
    assert_accessible(phone_nojs)
    assert comments(session)[0].status == "published"


def test_pupil_comments_and_flags_without_javascript(phone_nojs, seeded, new_codes, make_pupil, target, session):
    set_school(session, seeded.id, moderation_mode="post")
    say(make_pupil("3B"), "Iemand anders vindt de refter te duur")
    _pupil_posts(phone_nojs, new_codes("3A")[0], "Goed idee, ik doe mee")
    assert "Je tekst staat online" in phone_nojs.locator("[role=status]").first.inner_text()
    assert_accessible(phone_nojs)
    other = phone_nojs.locator("article", has_text="Iemand anders vindt de refter te duur")
    other.locator("summary").click()
    other.locator("select").select_option("spam")
    other.locator("button", has_text="Melden").click()
    assert "Bedankt voor je melding" in phone_nojs.content()
    assert_accessible(phone_nojs)
    phone_nojs.goto("/regels")
    assert_accessible(phone_nojs)
    assert comments(session)[0].flag_count == 1


def test_admin_moderation_settings_in_a_browser(desktop, seeded, make_staff, session):
    admin = make_staff("admin")
    login_staff_in_browser(desktop, admin.staff.username)
    desktop.wait_for_url("**/staff")
    assert_accessible(desktop)
    desktop.click("text=Moderatie-instellingen")
    desktop.wait_for_url("**/admin/moderation")
    assert_accessible(desktop)
    desktop.select_option("#mode", "post")
    desktop.fill("#threshold", "4")
    desktop.get_by_role("button", name="Bewaren", exact=True).click()
    desktop.wait_for_url("**/admin/moderation?bewaard=1")
    desktop.fill("#names", "Janssens\nPeeters")
    desktop.get_by_role("button", name="Namen bewaren").click()
    desktop.wait_for_url("**/admin/moderation?bewaard=1")
    assert desktop.input_value("#names") == "Janssens\nPeeters"
    assert desktop.input_value("#threshold") == "4"
    assert_accessible(desktop)
