"""Proposals in a real browser at 320×640 and 390×844: similar proposals while typing (HTMX)
and as a step before sending (no JavaScript); the decision, the deadline and the end of the
support phase on top of a proposal; search and pages on the board; "te laat beantwoord" stays;
"Mijn voorstellen" with the same slip in another browser. axe, scrolling and tap targets on
every page."""

from datetime import timedelta

import pytest
from sqlmodel import func, select

from app.models.proposals import Proposal
from app.timeutil import utcnow
from support.pages import any_phone, check, new_phone  # noqa: F401 (fixture)
from support.proposals import author, make_proposal, reload  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

LATE = ("Te laat komen: geen strafstudie meer", "Wie een paar minuten te laat komt, krijgt nu meteen strafstudie.")


def _enter(page, code: str) -> None:
    page.goto(f"/c/{code}")
    page.get_by_role("button", name="Ja, dit is mijn code").click()
    page.wait_for_url("**/overzicht")


def _count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count(Proposal.id))).one()


def _write(page, title: str, body: str) -> None:
    page.goto("/voorstellen/nieuw")
    page.fill("#title", title)
    page.select_option("#category", label="Te laat komen")
    page.fill("#body", body)


def test_similar_proposals_show_while_typing(any_phone, session, seeded, author, new_codes):
    done = make_proposal(session, seeded, author, "done", title=LATE[0], body=LATE[1])
    _enter(any_phone, new_codes("3A")[0])
    _write(any_phone, "Minder straf bij te laat komen", "Als je een paar minuten te laat bent, geen nablijven.")
    hint = any_phone.locator("#similar")
    hint.get_by_role("link", name=LATE[0]).wait_for()  # HTMX asked the server while typing
    assert "Gedaan" in hint.inner_text()
    problems = check(any_phone)
    before = _count(session)
    any_phone.get_by_role("button", name="Voorstel versturen").click()  # seen: it goes in at once
    any_phone.wait_for_url("**/voorstellen/*")
    assert any_phone.get_by_role("heading", name="Voorstel verstuurd").is_visible()
    assert _count(session) == before + 1
    problems += check(any_phone)
    any_phone.reload()  # post/redirect/get: the reload sends nothing again
    assert _count(session) == before + 1 and any_phone.get_by_role("heading", name="Voorstel verstuurd").count() == 0
    assert reload(session, done.id).state == "done"
    assert not problems, "\n".join(problems)


def test_without_javascript_similar_proposals_are_a_step_before_sending(browser, live_server, session, seeded,
                                                                        author, new_codes):
    make_proposal(session, seeded, author, "answered", title=LATE[0], body=LATE[1])
    page = new_phone(browser, live_server, "320", javascript=False)
    try:
        _enter(page, new_codes("3A")[0])
        _write(page, "Laatkomers niet meteen straffen", "Een paar minuten te laat mag geen strafstudie geven.")
        before = _count(session)
        page.get_by_role("button", name="Voorstel versturen").click()
        assert page.locator("#similar").get_by_role("link", name=LATE[0]).is_visible()
        assert _count(session) == before  # nothing stored yet
        problems = check(page)
        page.get_by_role("button", name="Toch versturen").click()
        page.wait_for_url("**/voorstellen/*")
        assert _count(session) == before + 1
        page.reload()
        assert _count(session) == before + 1
        problems += check(page)
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()


def test_decision_deadline_and_support_end_on_top(any_phone, session, seeded, author, new_codes):
    answered = make_proposal(session, seeded, author, "answered", title="Water in de refter")
    p = reload(session, answered.id)
    p.deadline = (p.answered_at - timedelta(days=2)).date()  # answered two days late
    session.add(p)
    session.commit()
    looking = make_proposal(session, seeded, author, "published", title="Meer fietsenstallingen")
    _enter(any_phone, new_codes("3A")[0])
    any_phone.goto(f"/voorstellen/{answered.id}")
    top = any_phone.locator(".status-box")
    assert "Beslissing van de directie: Deels aanvaard" in top.inner_text() and "Deels: zo en zo." in top.inner_text()
    assert "te laat beantwoord" in top.inner_text()
    box = top.bounding_box()
    assert box["y"] < any_phone.viewport_size["height"]  # in the first screen, before the text and timeline
    problems = check(any_phone)
    any_phone.goto("/voorstellen")
    assert "te laat beantwoord" in any_phone.locator(".card", has_text="Water in de refter").inner_text()
    any_phone.goto(f"/voorstellen/{looking.id}")
    until = reload(session, looking.id).support_until
    assert until is not None and until > utcnow().date()
    assert "Steunen kan tot en met" in any_phone.locator(".status-box").inner_text()
    problems += check(any_phone)
    assert not problems, "\n".join(problems)


def test_board_search_and_pages(any_phone, session, seeded, author):
    for n in range(22):
        make_proposal(session, seeded, author, "published", title=f"Voorstel nummer {n}")
    make_proposal(session, seeded, author, "published", title="Fietsen overdekt stallen")
    any_phone.goto("/voorstellen")
    assert "Pagina 1 van 2" in any_phone.locator("#board-list").inner_text()
    assert any_phone.locator("#board-list article").count() == 20
    problems = check(any_phone)
    any_phone.get_by_role("link", name="Volgende pagina").click()
    any_phone.wait_for_url("**page=2")
    assert any_phone.locator("#board-list article").count() == 3
    problems += check(any_phone)
    any_phone.fill("#f-q", "fietsen")
    any_phone.locator("form.filters button").click()
    any_phone.locator("#board-list h2", has_text="(1)").wait_for()
    assert any_phone.locator("#board-list article").inner_text().startswith("Fietsen overdekt stallen")
    problems += check(any_phone)
    assert not problems, "\n".join(problems)


def test_my_proposals_in_another_browser_with_the_same_slip(any_phone, browser, live_server, session, seeded,
                                                            new_codes):
    code = new_codes("3A")[0]
    _enter(any_phone, code)
    _write(any_phone, "Een bank bij de fietsen", "Dan kunnen we zitten terwijl we wachten.")
    any_phone.get_by_role("button", name="Voorstel versturen").click()
    any_phone.wait_for_url("**/voorstellen/*")
    other = new_phone(browser, live_server, "390")
    try:
        _enter(other, code)  # the same slip, another browser: no cookie of the first one
        other.goto("/voorstellen/mijn")
        assert other.locator("article", has_text="Een bank bij de fietsen").is_visible()
        assert not check(other)
        stranger = new_phone(browser, live_server, "390")
        try:
            _enter(stranger, new_codes("3A")[0])
            stranger.goto("/voorstellen/mijn")
            assert stranger.locator("article").count() == 0
        finally:
            stranger.context.close()
    finally:
        other.context.close()
