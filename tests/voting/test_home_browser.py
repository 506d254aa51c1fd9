"""The pupil home and the way through statements and polls, in a real browser at 320×640 and
390×844: what is still open first (with its closing time), then what was answered, "alles
gedaan" when nothing is left; a single-choice poll votes on a tap (a Stem button without
JavaScript); a statement leads on to the next one, with a way back; closed items and their
results. Counts the taps from scanning a slip to a first vote and from statement to statement."""

import pytest

from support import set_school
from support.pages import any_phone, check, new_phone  # noqa: F401 (fixture)
from support.voting import has_voted_rows, make_poll, make_statement, new_staff
from app.services import voting

pytestmark = pytest.mark.browser


def _scan_slip(page, code: str) -> int:
    """A scanned slip opens /c/{code}; one tap on "Ja, dit is mijn code". Returns the taps."""
    page.goto(f"/c/{code}")
    page.get_by_role("button", name="Ja, dit is mijn code").click()
    page.wait_for_url("**/overzicht")
    return 1


def test_home_leads_and_ends_in_all_done(any_phone, session, seeded, new_codes):
    raad = new_staff(session, seeded)
    first = make_statement(session, raad, "Er is genoeg plaats op de speelplaats")
    second = make_statement(session, raad, "De refter is gezellig")
    poll = make_poll(session, raad, "Welke dag voor de sportdag?")
    page = any_phone
    taps = _scan_slip(page, new_codes("3A")[0])
    problems = check(page)
    todo = page.locator("section", has=page.get_by_role("heading", name="Nog te doen"))
    assert todo.locator(".card").count() == 3 and todo.locator("text=open tot").count() == 3
    # A single-choice poll: the tap on an answer is the vote.
    page.get_by_label("Dinsdag").check()
    taps += 1
    page.locator(f"#po{poll.id}").get_by_text("Bedankt! Je stem is bewaard.").wait_for()
    assert len(has_voted_rows(session, "poll", poll.id)) == 1
    assert taps == 2  # scan the slip, confirm the code, tap an answer (the scan itself is no tap)
    for statement in (first, second):
        page.locator(f"#st{statement.id}").get_by_role("button", name="Eens", exact=True).click()
        page.locator(f"#st{statement.id}").get_by_text("Bedankt! Je antwoord is bewaard.").wait_for()
    page.reload()
    assert page.locator(".all-done").inner_text().startswith("Alles gedaan!")
    answered = page.locator("section", has=page.get_by_role("heading", name="Al beantwoord"))
    assert answered.get_by_role("link").count() == 3
    problems += check(page)
    assert not problems, "\n".join(problems)


def test_a_statement_leads_to_the_next_with_a_way_back(any_phone, session, seeded, new_codes):
    raad = new_staff(session, seeded)
    older = make_statement(session, raad, "Ik slaap genoeg")
    newer = make_statement(session, raad, "Ik heb genoeg tijd om te eten")
    page = any_phone
    _scan_slip(page, new_codes("3A")[0])
    page.goto(f"/stellingen/{newer.id}")
    problems = check(page)
    page.get_by_role("button", name="Oneens").click()  # one tap from this statement to the next
    page.wait_for_url(f"**/stellingen/{older.id}?na={newer.id}")
    assert page.locator("text=Bedankt! Je antwoord is bewaard.").is_visible()
    assert page.locator(".q").inner_text() == older.text
    problems += check(page)
    page.get_by_role("link", name="Vorige stelling: je antwoord bekijken of veranderen").click()
    page.wait_for_url(f"**/stellingen/{newer.id}")
    assert page.locator("button.on").inner_text() == "✓ Oneens"
    page.goto(f"/stellingen/{older.id}")
    page.get_by_role("button", name="Geen mening").click()
    page.wait_for_url(f"**/stellingen/{older.id}")  # nothing left: it stays, and says so
    assert "Je hebt alle open stellingen beantwoord." in page.locator("[role=status]").first.inner_text()
    page.reload()  # a reload shows the page again; it does not vote again
    assert page.locator("text=Bedankt!").count() == 0
    assert [len(has_voted_rows(session, "statement", s.id)) for s in (older, newer)] == [1, 1]
    problems += check(page)
    assert not problems, "\n".join(problems)


def test_without_javascript_a_poll_keeps_its_stem_button(browser, live_server, session, seeded, new_codes):
    raad = new_staff(session, seeded)
    poll = make_poll(session, raad, "Waar gaan we naartoe?", options="Zee\nBos\nStad")
    page = new_phone(browser, live_server, "320", javascript=False)
    try:
        _scan_slip(page, new_codes("3A")[0])
        page.goto(f"/peilingen/{poll.id}")
        page.get_by_label("Bos").check()
        page.get_by_role("button", name="Stem").click()
        page.wait_for_url(f"**/peilingen/{poll.id}")
        assert page.locator("text=Bedankt! Je stem is bewaard.").is_visible()
        assert page.get_by_role("button", name="Verander mijn stem").is_visible()
        page.reload()
        assert len(has_voted_rows(session, "poll", poll.id)) == 1
        assert not check(page)
    finally:
        page.context.close()


def test_closed_items_show_their_results(any_phone, session, seeded, new_codes, make_pupil):
    set_school(session, seeded.id, k_anonymity=3)
    raad = new_staff(session, seeded)
    statement = make_statement(session, raad, "Het schoolreglement is duidelijk")
    for answer in ["agree", "disagree", "pass"] * 3:
        make_pupil("3A").form(f"/stellingen/{statement.id}/stem", {"answer": answer})
    voting.close_now(session, raad, voting.STATEMENT, statement.id)
    session.commit()
    page = any_phone
    _scan_slip(page, new_codes("3A")[0])
    page.get_by_role("link", name="Afgesloten: bekijk de uitslag").click()
    page.wait_for_url("**/afgesloten")
    card = page.locator(".card", has_text=statement.text)
    assert "gesloten op" in card.inner_text()
    assert card.inner_text().count("33% (3)") == 3 and "9 antwoorden" in card.inner_text()
    assert not check(page)


def test_the_home_and_live_page_in_arabic_read_right_to_left(any_phone, session, seeded, new_codes, make_staff):
    raad = new_staff(session, seeded)
    make_statement(session, raad, "Er is genoeg plaats op de speelplaats")
    code = make_staff("council").form(f"/council/voting/statements/{make_statement(session, raad, 'Live').id}/live",
                                      follow_redirects=False).headers["location"].rsplit("/", 1)[1]
    page = any_phone
    _scan_slip(page, new_codes("3A")[0])
    page.goto("/lang/ar?next=/overzicht")
    page.wait_for_url("**/overzicht")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name="ما زال عليك").is_visible()
    problems = check(page)
    page.goto(f"/live/{code}")
    assert page.get_by_role("heading", name="مباشر في القسم").is_visible()
    problems += check(page)
    assert not problems, "\n".join(problems)
