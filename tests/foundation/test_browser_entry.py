"""A pupil on a phone: code, home, help; and the same without JavaScript. Staff pages too."""

import pytest

from conftest import assert_accessible, login_staff_in_browser

pytestmark = pytest.mark.browser


def _pupil_flow(page, code):
    page.goto("/")
    assert_accessible(page)
    page.fill("#code", code.lower()[:5] + " " + code[5:])
    page.click("button[type=submit]")
    page.wait_for_url("**/overzicht")
    assert page.locator("h1").inner_text() == "Hallo!"
    assert_accessible(page)
    page.click("text=Hulp nodig?")
    page.wait_for_url("**/hulp")
    assert page.locator("text=Awel").first.is_visible()
    assert_accessible(page)
    page.goto("/privacy")
    assert_accessible(page)


def test_pupil_flow_on_a_phone(phone, seeded, new_codes):
    _pupil_flow(phone, new_codes("3A")[0])


def test_pupil_flow_without_javascript(phone_nojs, seeded, new_codes):
    _pupil_flow(phone_nojs, new_codes("3A")[0])


def test_wrong_code_message_in_browser(phone, seeded):
    phone.goto("/")
    phone.fill("#code", "AAAAA-AAAAA")
    phone.click("button[type=submit]")
    assert phone.locator("[role=alert]").inner_text().startswith("Deze code klopt niet")
    assert_accessible(phone)


def test_staff_pages_are_accessible(desktop, seeded, make_staff):
    admin = make_staff("admin", "beheer")
    login_staff_in_browser(desktop, admin.staff.username)
    desktop.wait_for_url("**/staff")
    for path in ("/staff", "/admin/groups", "/admin/codes", "/admin/staff", "/admin/help", "/admin/audit"):
        desktop.goto(path)
        assert_accessible(desktop)
    desktop.goto("/staff/login")
