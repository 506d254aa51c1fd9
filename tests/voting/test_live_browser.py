"""Live mode in a real browser, as a class uses it: one scan of the board's QR code brings a
pupil without a code on their phone to the slip-code form and then straight to the live
question; the projector fills the screen without staff links; the teacher pushes the next
item from their phone and the pupils' phones follow; "Stop" ends it cleanly.

Pupil phones at 320×640 and 390×844; axe, sideways scrolling and tap targets on every page."""

import re

import pytest

from conftest import login_staff_in_browser
from support import set_school
from support.pages import any_phone, check, new_phone  # noqa: F401 (fixture)
from support.voting import has_voted_rows, make_poll, make_statement, new_staff

pytestmark = pytest.mark.browser


def _projector(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, base_url=live_server)
    return context.new_page()


def test_one_scan_projector_next_item_from_a_phone_and_stop(any_phone, browser, live_server, session, seeded,
                                                            new_codes, make_staff):
    set_school(session, seeded.id, k_anonymity=3)
    raad = new_staff(session, seeded)
    statement = make_statement(session, raad, "Ik voel me veilig op de speelplaats")
    poll = make_poll(session, raad, "Welke dag voor de sportdag?")
    teacher = make_staff("council").staff.username
    problems = []

    # The projector: full screen at 1280×720, the question and the bars above the fold.
    board = _projector(browser, live_server)
    login_staff_in_browser(board, teacher)
    board.wait_for_url("**/staff")
    board.goto("/staff/live")
    board.locator(".card", has_text=statement.text).get_by_role("button", name="Toon live").click()
    board.wait_for_url(re.compile(r".*/staff/live/[A-Z0-9]{6}$"))
    code = board.url.rsplit("/", 1)[1]
    problems += check(board)
    assert board.locator("text=Afmelden").count() == 0 and board.locator("a[href='/staff/password']").count() == 0
    assert board.locator(".live-code").inner_text() == code and board.locator("#projector svg").count() == 1
    for selector in ("h1", ".big-results", ".answers"):
        box = board.locator(selector).first.bounding_box()
        assert box["y"] + box["height"] <= 720, f"{selector} is below the fold"
    # Fewer than k answers: nothing to read off the board yet.
    assert "Nog minder dan 3 antwoorden" in board.locator(".answers").inner_text()

    # A pupil without a code on this phone scans the board's QR code (its link) ...
    pupil = any_phone
    pupil.goto(f"/live/{code}")
    problems += check(pupil)
    pupil.fill("#code", new_codes("3A")[0])
    pupil.get_by_role("button", name="Doe mee").click()  # tap 1
    # ... and lands on the live question at once: no second scan.
    pupil.wait_for_url(f"**/live/{code}")
    assert pupil.locator(".q", has_text=statement.text).is_visible()
    problems += check(pupil)
    pupil.get_by_role("button", name="Eens", exact=True).click()  # tap 2: the first vote
    pupil.locator("text=Bedankt! Je antwoord is bewaard.").wait_for()
    assert len(has_voted_rows(session, "statement", statement.id)) == 1

    # The teacher's phone: the remote control pushes the poll.
    remote = new_phone(browser, live_server, "390")
    try:
        login_staff_in_browser(remote, teacher)
        remote.wait_for_url("**/staff")
        remote.goto("/staff/live")
        problems += check(remote)
        remote.get_by_role("link", name="Bediening op je gsm").click()
        remote.wait_for_url(f"**/staff/live/{code}/bediening")
        problems += check(remote)
        remote.locator(".card", has_text=poll.question).get_by_role("button", name="Toon dit nu").click()
        remote.wait_for_url(f"**/staff/live/{code}/bediening")
        assert remote.locator(".card .q").first.inner_text() == poll.question

        # The projector and the pupil's phone follow by themselves.
        board.locator("#projector h1", has_text=poll.question).wait_for(timeout=10_000)
        pupil.locator("legend", has_text=poll.question).wait_for(timeout=10_000)
        problems += check(pupil)
        pupil.get_by_label("Dinsdag").check()  # one tap is the vote (HTMX posts on change)
        pupil.locator("text=Bedankt! Je stem is bewaard.").wait_for()
        assert len(has_voted_rows(session, "poll", poll.id)) == 1

        # Stop, from the phone: the board shows "Afgelopen" without QR code or join code.
        remote.get_by_role("button", name="Stop de live-sessie").click()
        remote.locator("text=Deze live-sessie is afgelopen.").wait_for()
        board.locator(".live-over", has_text="Afgelopen").wait_for(timeout=10_000)
        assert board.locator("#projector svg").count() == 0 and code not in board.locator("main").inner_text()
        problems += check(board)
        pupil.locator("text=Deze les-stemming is afgelopen.").wait_for(timeout=10_000)
        problems += check(pupil)
    finally:
        remote.context.close()
        board.context.close()
    assert not problems, "\n".join(problems)


def test_live_without_javascript_comes_back_to_the_question(browser, live_server, session, seeded, new_codes,
                                                            make_staff):
    raad = new_staff(session, seeded)
    statement = make_statement(session, raad, "We willen meer groen op school")
    council = make_staff("council")
    code = council.form(f"/council/voting/statements/{statement.id}/live", follow_redirects=False).headers[
        "location"].rsplit("/", 1)[1]
    pupil = new_phone(browser, live_server, "320", javascript=False)
    try:
        pupil.goto(f"/live/{code}")
        pupil.fill("#code", new_codes("3A")[0])
        pupil.get_by_role("button", name="Doe mee").click()
        pupil.wait_for_url(f"**/live/{code}")
        pupil.get_by_role("button", name="Oneens").click()
        pupil.wait_for_url(f"**/live/{code}")
        assert pupil.locator("text=Bedankt! Je antwoord is bewaard.").is_visible()
        assert pupil.locator("button.on", has_text="Oneens").is_visible()
        pupil.reload()  # a GET: the vote is not cast again, the thanks is not repeated
        assert pupil.locator("text=Bedankt!").count() == 0
        assert len(has_voted_rows(session, "statement", statement.id)) == 1
        assert not check(pupil)
    finally:
        pupil.context.close()
