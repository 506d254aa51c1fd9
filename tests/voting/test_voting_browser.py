"""In a browser on a phone: one tap votes and shows the result without a page load, and the
same works with JavaScript off; the projector's bars update as votes come in."""

import pytest

from app.services import voting
from conftest import assert_accessible, login_staff_in_browser
from support.voting import make_poll, make_statement, new_staff, participant, set_k

pytestmark = pytest.mark.browser


@pytest.fixture
def statement(app, session, school, new_codes):
    """An open statement with three earlier answers (k = 3), so the result shows numbers."""
    set_k(session, school, 3)
    st = make_statement(session, new_staff(session, school))
    for answer in ("agree", "agree", "disagree"):
        voting.vote_statement(session, participant(app, session, new_codes, "3B"), school, st.id, answer)
    session.commit()
    return st


def _enter(page, code: str) -> None:
    page.goto(f"/c/{code}")
    page.get_by_role("button", name="Ja, dit is mijn code").click()
    page.wait_for_url("**/overzicht")
    assert_accessible(page)


def test_one_tap_shows_the_result_without_a_page_load(phone, statement, new_codes):
    _enter(phone, new_codes("3A")[0])
    card = phone.locator(f"#st{statement.id}")
    phone.evaluate("window.__marker = 1")
    card.get_by_role("button", name="Eens", exact=True).click()
    card.get_by_role("status").wait_for()
    assert "Bedankt! Je antwoord is bewaard." in card.inner_text()
    # The three earlier answers show; this one is counted with the next ones of 3A.
    assert "3 antwoorden" in card.inner_text() and "groepjes van minstens 3" in card.inner_text()
    assert phone.evaluate("window.__marker") == 1  # the same page: HTMX swapped the card
    assert phone.url.endswith("/overzicht")
    assert_accessible(phone)


def test_one_tap_without_javascript(phone_nojs, statement, new_codes):
    _enter(phone_nojs, new_codes("3A")[0])
    phone_nojs.locator(f"#st{statement.id}").get_by_role("button", name="Eens", exact=True).click()
    phone_nojs.wait_for_url(f"**/stellingen/{statement.id}")  # posted, then redirected to a page to GET
    text = phone_nojs.locator("main").inner_text()
    assert "Bedankt! Je antwoord is bewaard." in text and "3 antwoorden" in text
    assert_accessible(phone_nojs)


def test_poll_vote_on_a_phone(phone, app, session, school, new_codes):
    poll = make_poll(session, new_staff(session, school), options="Maandag\nDinsdag")
    _enter(phone, new_codes("3A")[0])
    phone.goto(f"/peilingen/{poll.id}")
    assert_accessible(phone)
    phone.evaluate("window.__marker = 1")
    card = phone.locator(f"#po{poll.id}")
    card.get_by_label("Dinsdag").check()  # with JavaScript the tap is the vote: no Stem button
    card.get_by_role("status").wait_for()
    assert "Bedankt! Je stem is bewaard." in card.inner_text()
    assert phone.evaluate("window.__marker") == 1
    assert card.get_by_label("Dinsdag").is_checked()
    assert_accessible(phone)


def test_projector_bars_update_as_votes_come_in(desktop, make_staff, make_pupil, session, school):
    set_k(session, school, 3)
    council = make_staff("council")
    st = make_statement(session, council.staff)
    login_staff_in_browser(desktop, council.staff.username)
    desktop.wait_for_url("**/staff")
    assert_accessible(desktop)
    desktop.goto(f"/council/voting/statements/{st.id}")
    assert_accessible(desktop)
    desktop.get_by_role("button", name="Toon live in de klas").click()
    desktop.wait_for_url("**/staff/live/*")
    code = desktop.url.rsplit("/", 1)[1]
    assert desktop.locator(".live-code").inner_text() == code
    assert_accessible(desktop)
    results = desktop.locator("#projector")
    assert "Nog minder dan 3 antwoorden" in results.inner_text()
    for answer in ("agree", "agree", "disagree", "agree", "agree", "disagree"):
        make_pupil("3A").post(f"/api/v1/statements/{st.id}/votes", json={"answer": answer})
    results.get_by_text("6 antwoorden").wait_for(timeout=10_000)  # HTMX polls every 2 s; steps of k = 3
    assert "67%" in results.inner_text()


def test_council_makes_a_poll_and_sees_it_listed(desktop, make_staff, session):
    council = make_staff("council")
    login_staff_in_browser(desktop, council.staff.username)
    desktop.wait_for_url("**/staff")
    desktop.get_by_role("link", name="Stellingen en peilingen").click()
    assert_accessible(desktop)
    desktop.get_by_role("link", name="Nieuwe peiling").click()
    assert_accessible(desktop)
    desktop.get_by_label("Vraag").fill("Welke dag voor het sportfeest?")
    desktop.get_by_label("Meerdere antwoorden", exact=True).check()
    desktop.get_by_label("Antwoorden, één per regel (2 tot 10)").fill("Maandag\nWoensdag\nVrijdag")
    desktop.get_by_label("Meerdere antwoorden: hoeveel").fill("2")
    desktop.get_by_label("3de jaar").check()
    desktop.get_by_role("button", name="Plaats").click()
    desktop.wait_for_url("**/council/voting/polls/*")
    assert "Welke dag voor het sportfeest?" in desktop.locator("h1").inner_text()
    assert "voor 3de jaar" in desktop.locator("main").inner_text()
    assert_accessible(desktop)
    desktop.goto("/staff/live")
    assert "Welke dag voor het sportfeest?" in desktop.locator("main").inner_text()
    assert_accessible(desktop)


def test_pupil_writes_a_statement_on_a_phone(phone, new_codes):
    _enter(phone, new_codes("3A")[0])
    phone.get_by_role("link", name="Schrijf zelf een stelling").click()
    assert_accessible(phone)
    phone.get_by_label("Jouw stelling").fill("Er moeten meer bankjes op de speelplaats")
    phone.get_by_role("button", name="Verstuur").click()
    phone.get_by_role("status").wait_for()
    assert "De leerlingenraad leest je tekst eerst na" in phone.locator("main").inner_text()
    assert_accessible(phone)
    phone.get_by_role("link", name="Nog een stelling schrijven").click()
    assert "wacht op de leerlingenraad" in phone.locator("main").inner_text()
    assert_accessible(phone)


def test_live_join_without_a_code_explains_what_to_do(phone, make_staff, session):
    council = make_staff("council")
    st = make_statement(session, council.staff)
    live = voting.start_live(session, council.staff, "statement", st.id)
    session.commit()
    phone.goto(f"/live/{live.join_code}")
    assert "Daarna kom je meteen bij de vraag op het bord" in phone.locator("main").inner_text()
    assert_accessible(phone)
