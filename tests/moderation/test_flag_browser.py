"""A pupil flags a comment for danger on a phone (320×640 and 390×844): the message says what
really happens, and the comment is in the council's queue at once, marked urgent."""

import pytest

from support import set_school
from support.moderation import OK, say
from support.pages import any_phone, check  # noqa: F401 (fixture)
from support.voting import make_statement, new_staff

pytestmark = pytest.mark.browser


def test_a_flag_for_danger_reaches_the_queue_at_once(any_phone, session, seeded, new_codes, make_pupil, council):
    set_school(session, seeded.id, moderation_mode="post")
    statement = make_statement(session, new_staff(session, seeded))
    url = f"/reacties/statement/{statement.id}"
    assert say(make_pupil(), OK, url=url).status_code == 200
    page = any_phone
    page.goto(f"/c/{new_codes('3A')[0]}")
    page.get_by_role("button", name="Ja, dit is mijn code").click()
    page.goto(url)
    page.locator("summary", has_text="Melden").click()
    page.get_by_label("Wat is er mis met deze reactie?").select_option(label="iemand is in gevaar")
    page.get_by_role("button", name="Melden").click()
    status = page.locator("[role=status]", has_text="Bedankt voor je melding")
    status.wait_for()
    assert "meteen bovenaan bij de leerlingenraad" in status.inner_text() and "Bel 112" in status.inner_text()
    problems = check(page)
    queue = council.get("/council/moderation").text
    assert OK in queue and "dringend" in queue and "iemand is in gevaar" in queue
    assert not problems, "\n".join(problems)
