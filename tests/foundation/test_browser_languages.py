"""A pupil who reads Arabic: the page runs right to left, fits the phone and passes axe."""

import pytest

from conftest import assert_accessible
from support.voting import make_poll, make_statement, new_staff

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_an_arabic_pupil_page_runs_right_to_left(phone, session, seeded, new_codes):
    raad = new_staff(session, seeded)
    make_statement(session, raad, text="Er moeten meer bankjes op de speelplaats")
    make_poll(session, raad)
    session.commit()
    phone.goto("/lang/ar?next=/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("html").get_attribute("lang") == "ar"
    phone.fill("#code", new_codes("3A")[0])
    phone.click("button[type=submit]")
    phone.wait_for_url("**/overzicht")
    assert phone.locator("h1").inner_text() == "مرحبًا!"
    # Staff-written text stays as it was written.
    assert phone.locator("text=Er moeten meer bankjes op de speelplaats").first.is_visible()
    # Right to left: the help button sits at the left end of the top bar, the brand at the right.
    brand, help_link = phone.locator(".brand").bounding_box(), phone.locator(".help-link").bounding_box()
    assert help_link["x"] < brand["x"]
    for path in ("/overzicht", "/hulp", "/privacy", "/voorstellen", "/voorstellen/nieuw"):
        phone.goto(path)
        assert phone.locator("html").get_attribute("dir") == "rtl", path
        assert phone.evaluate(NO_SIDEWAYS_SCROLL), path
        assert_accessible(phone)
