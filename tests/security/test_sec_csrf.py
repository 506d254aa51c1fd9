"""Finding 8: the CSRF token belongs to the session. A value the client picked is never
accepted; the token and its cookie are renewed at login and logout (and when a pupil joins or
leaves); a token made for another session does not work."""

import re

from sqlmodel import select

from app.models import Group
from app.web import CSRF_COOKIE
from conftest import STAFF_PASSWORD, Client
from support.security import add_staff

PICKED = "a" * 32
DOMAIN = "testserver.local"  # where the test client keeps the server's cookies


def _page_token(c: Client, path: str) -> str:
    """The token as a page carries it (what a browser would send back)."""
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text).group(1)


def test_a_token_the_client_picked_is_refused(app, client, new_codes, session, school):
    client.cookies.set(CSRF_COOKIE, PICKED, domain=DOMAIN)
    r = client.post("/aanmelden", data={"code": new_codes("3A")[0], "csrf_token": PICKED})
    assert r.status_code == 403 and "verlopen" in r.text
    assert client.cookies[CSRF_COOKIE] != PICKED  # replaced by one the server made


def test_the_token_in_pages_works_and_is_not_the_cookie(client, new_codes, school):
    token = _page_token(client, "/")
    assert token != client.cookies[CSRF_COOKIE]
    r = client.post("/aanmelden", data={"code": new_codes("3A")[0], "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303


def test_login_renews_the_token(app, session, school):
    add_staff(session, school, "raad.csrf")
    c = Client(app)
    before = _page_token(c, "/staff/login")
    before_cookie = c.cookies[CSRF_COOKIE]
    r = c.post("/staff/login", data={"username": "raad.csrf", "password": STAFF_PASSWORD, "csrf_token": before},
               follow_redirects=False)
    assert r.status_code == 303
    assert c.cookies[CSRF_COOKIE] != before_cookie
    # A form made before the login (or planted by someone who knew that token) no longer works.
    r = c.post("/council/moderation/statement/1", data={"decision": "approve", "csrf_token": before})
    assert r.status_code == 403
    assert _page_token(c, "/staff") not in (before, before_cookie)


def test_logout_renews_the_token(admin, session):
    token = admin.csrf
    cookie = admin.cookies[CSRF_COOKIE]
    admin.post("/staff/logout", data={"csrf_token": token})
    assert admin.cookies[CSRF_COOKIE] != cookie
    r = admin.post("/staff/login", data={"username": admin.staff.username, "password": STAFF_PASSWORD,
                                         "csrf_token": token})
    assert r.status_code == 403


def test_joining_and_leaving_renew_the_token(client, new_codes, school):
    client.get("/")
    first = client.cookies[CSRF_COOKIE]
    client.form("/aanmelden", {"code": new_codes("3A")[0]})
    joined = client.cookies[CSRF_COOKIE]
    client.form("/afmelden")
    assert len({first, joined, client.cookies[CSRF_COOKIE]}) == 3


def test_a_token_for_another_session_fails(app, admin, session, school):
    """Someone who planted their own (valid) CSRF cookie in the admin's browser knows its
    nonce, but not the admin's session: the token they can compute is refused."""
    attacker = Client(app)
    attacker.get("/api/v1/healthz")
    planted = attacker.cookies[CSRF_COOKIE]
    admin.cookies.set(CSRF_COOKIE, planted, domain=DOMAIN)
    before = len(session.exec(select(Group)).all())
    for forged in (planted, attacker.csrf):  # the cookie itself, the token of the attacker's own session
        assert admin.post("/admin/groups", data={"name": "6A", "csrf_token": forged}).status_code == 403
    assert len(session.exec(select(Group)).all()) == before
