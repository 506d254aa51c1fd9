"""The new staff pages in a browser: an admin resets a password, the colleague signs in with it
and must choose their own first; both pages pass axe and fit a phone."""

import re

import pytest

from conftest import assert_accessible, login_staff_in_browser
from support.security import add_staff

pytestmark = pytest.mark.browser
NEW_PASSWORD = "blauwe fiets onder de brug"


def _fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_reset_password_is_replaced_at_first_login(browser, live_server, app, session, school):
    add_staff(session, school, "beheer.b", "admin")
    add_staff(session, school, "raad.b")
    contexts = [browser.new_context(viewport={"width": 320, "height": 700}, base_url=live_server) for _ in range(2)]
    try:
        admin, colleague = (c.new_page() for c in contexts)
        login_staff_in_browser(admin, "beheer.b")
        admin.goto("/admin/staff")
        admin.locator("tr", has_text="raad.b").locator("text=Eenmalig wachtwoord maken").click()
        admin.wait_for_url("**/admin/staff")
        shown = admin.locator("[role=status] strong").inner_text()
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", shown)
        assert_accessible(admin)
        _fits(admin)

        login_staff_in_browser(colleague, "raad.b", shown)
        colleague.wait_for_url("**/staff/password")
        assert colleague.locator("[role=alert]").inner_text().startswith("Je meldde je aan met een eenmalig")
        assert_accessible(colleague)
        _fits(colleague)
        colleague.fill("#current", shown)
        colleague.fill("#new", NEW_PASSWORD)
        colleague.fill("#repeat", NEW_PASSWORD)
        colleague.click("button[type=submit]")
        colleague.wait_for_url("**/staff/password?done=1")
        assert "Je wachtwoord is veranderd" in colleague.locator("[role=status]").inner_text()
        colleague.goto("/council/moderation")
        assert colleague.url.endswith("/council/moderation")
    finally:
        for c in contexts:
            c.close()
