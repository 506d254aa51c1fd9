"""Finding 2: staff sessions live on the server, so logout, a password change and switching an
account off end them at once; every staff member has a password page; an admin can reset a
password (one-time, replaced at first login); weak passwords are refused; unused sessions end."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from app.models import AuditEntry, Staff
from app.web import STAFF_COOKIE
from conftest import ROOT, STAFF_PASSWORD, Client
from support.security import add_staff, login

NEW_PASSWORD = "paarse olifant danst traag"


def _signed_in(app, username: str, password: str = STAFF_PASSWORD) -> Client:
    c = Client(app)
    assert login(c, username, password).status_code == 303
    return c


def _copy_of(app, browser: Client) -> Client:
    """Someone who copied the staff cookie (a shared computer, a stolen cookie)."""
    copy = Client(app)
    copy.cookies.set(STAFF_COOKIE, browser.cookies[STAFF_COOKIE])
    return copy


def _locked_out(c: Client) -> bool:
    page = c.get("/council/moderation", follow_redirects=False)
    api = c.get("/api/v1/moderation/queue")
    return page.status_code == 303 and page.headers["location"].startswith("/staff/login") and api.status_code == 401


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, session, school):
    add_staff(session, school, "raad1")
    browser = _signed_in(app, "raad1")
    copy = _copy_of(app, browser)
    assert copy.get("/council/moderation").status_code == 200 and copy.get("/api/v1/moderation/queue").status_code == 200
    browser.form("/staff/logout")
    assert _locked_out(copy) and _locked_out(browser)


def test_the_database_holds_no_usable_session_token(app, session, school, engine):
    add_staff(session, school, "raad2")
    browser = _signed_in(app, "raad2")
    with engine.connect() as conn:
        stored = " ".join(r[0] for r in conn.execute(sa.text("SELECT token_hash FROM staffsession")))
    assert len(stored) == 64 and browser.cookies[STAFF_COOKIE].split(".")[0] not in stored


@pytest.mark.parametrize("role", ["council", "management", "admin"])
def test_every_staff_member_changes_their_password(app, session, school, role):
    add_staff(session, school, f"{role}.pw", role)
    here, elsewhere = _signed_in(app, f"{role}.pw"), _signed_in(app, f"{role}.pw")
    page = here.get("/staff/password")
    assert page.status_code == 200 and "Nieuw wachtwoord" in page.text
    r = here.form("/staff/password", {"current": STAFF_PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
                  follow_redirects=False)
    assert r.status_code == 303
    assert "Je wachtwoord is veranderd" in here.get(r.headers["location"]).text
    assert here.get("/staff").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/staff", follow_redirects=False).status_code == 303  # every other one is out
    assert login(Client(app), f"{role}.pw", STAFF_PASSWORD).status_code == 400
    assert login(Client(app), f"{role}.pw", NEW_PASSWORD).status_code == 303
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "staff.password")).first() is not None


@pytest.mark.parametrize(("new", "repeat", "current", "message"), [
    ("aaaaaaaaaaaa", "aaaaaaaaaaaa", STAFF_PASSWORD, "te makkelijk te raden"),
    ("password1234", "password1234", STAFF_PASSWORD, "te makkelijk te raden"),
    ("password12", "password12", STAFF_PASSWORD, "minstens 12 tekens"),
    ("raad.pw.raad.pw", "raad.pw.raad.pw", STAFF_PASSWORD, "lijkt te veel op de gebruikersnaam"),
    (NEW_PASSWORD, NEW_PASSWORD + "!", STAFF_PASSWORD, "niet gelijk"),
    (NEW_PASSWORD, NEW_PASSWORD, "niet mijn wachtwoord", "huidige wachtwoord klopt niet"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(app, session, school, new, repeat, current, message):
    add_staff(session, school, "raad.pw")
    c = _signed_in(app, "raad.pw")
    r = c.form("/staff/password", {"current": current, "new": new, "repeat": repeat})
    assert r.status_code == 400 and message in r.text
    assert login(Client(app), "raad.pw", STAFF_PASSWORD).status_code == 303


@pytest.mark.parametrize(("password", "message"), [
    ("aaaaaaaaaa", "minstens 12 tekens"),
    ("password12", "minstens 12 tekens"),
    ("aaaaaaaaaaaa", "te makkelijk te raden"),
    ("wachtwoord123", "te makkelijk te raden"),
    ("nieuwe.collega", "lijkt te veel op de gebruikersnaam"),
    ("Nieuwe-Collega-1", "lijkt te veel op de gebruikersnaam"),
])
def test_weak_passwords_are_refused_for_new_accounts(admin, session, password, message):
    r = admin.form("/admin/staff", {"username": "nieuwe.collega", "role": "council", "password": password})
    assert r.status_code == 400 and message in r.text
    assert session.exec(select(Staff).where(Staff.username == "nieuwe.collega")).first() is None


def test_switching_an_account_off_ends_its_sessions(app, admin, session, school):
    target = add_staff(session, school, "weg.nu")
    browser = _signed_in(app, "weg.nu")
    admin.form(f"/admin/staff/{target.id}/active", {"active": "false"})
    assert _locked_out(browser)
    left = session.execute(sa.text("SELECT count(*) FROM staffsession WHERE staff_id = :s"), {"s": target.id})
    assert left.scalar() == 0


def test_an_admin_resets_a_password_once(app, admin, session, school):
    target = add_staff(session, school, "vergeten")
    old_browser = _signed_in(app, "vergeten")
    r = admin.form(f"/admin/staff/{target.id}/password", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/staff"
    page = admin.get("/admin/staff").text
    one_time = page.split("Eenmalig wachtwoord voor vergeten:")[1].split("<strong>")[1].split("</strong>")[0]
    assert len(one_time) == 19
    assert one_time not in admin.get("/admin/staff").text  # shown once
    assert _locked_out(old_browser)
    assert login(Client(app), "vergeten", STAFF_PASSWORD).status_code == 400

    fresh = Client(app)
    r = login(fresh, "vergeten", one_time)
    assert r.status_code == 303 and r.headers["location"] == "/staff/password"
    # Until the one-time password is replaced, only the password page is open.
    assert fresh.get("/council/moderation", follow_redirects=False).headers["location"] == "/staff/password"
    r = fresh.get("/api/v1/moderation/queue")
    assert r.status_code == 403 and "nieuw wachtwoord" in r.json()["detail"]
    assert "eenmalig wachtwoord" in fresh.get("/staff/password").text
    fresh.form("/staff/password", {"current": one_time, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert fresh.get("/council/moderation").status_code == 200
    assert login(Client(app), "vergeten", one_time).status_code == 400
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "staff.password_reset")).first() is not None


def test_only_admins_reset_passwords(council, management, session, school):
    target = add_staff(session, school, "doelwit")
    for other in (council, management):
        assert other.form(f"/admin/staff/{target.id}/password").status_code == 403


def _age_sessions(session, **delta) -> None:
    """Move every session back in time, as if that much time had passed."""
    from app.models import StaffSession

    session.expire_all()
    for row in session.exec(select(StaffSession)).all():
        row.last_seen_at -= timedelta(**delta)
        row.created_at -= timedelta(**delta)
        session.add(row)
    session.commit()


def test_a_session_ends_after_a_while_without_use(app, session, school):
    idle = app.state.settings.staff_idle_minutes
    add_staff(session, school, "traag")
    browser = _signed_in(app, "traag")
    _age_sessions(session, minutes=idle - 5)
    assert browser.get("/staff").status_code == 200  # still in, and this use counts
    _age_sessions(session, minutes=idle - 5)
    assert browser.get("/staff").status_code == 200
    _age_sessions(session, minutes=idle + 1)
    assert _locked_out(browser)


def test_a_session_ends_after_its_maximum_time_however_used(app, session, school):
    add_staff(session, school, "lang")
    browser = _signed_in(app, "lang")
    for _ in range(app.state.settings.staff_session_hours):
        _age_sessions(session, minutes=59)  # each hour a little work: never idle for long
        assert browser.get("/staff").status_code == 200
    _age_sessions(session, minutes=59)
    assert _locked_out(browser)


def test_the_operator_sets_a_password_for_a_locked_out_admin(app, settings, session, school):
    import os
    import subprocess
    import sys

    add_staff(session, school, "enige.beheerder", "admin")
    browser = _signed_in(app, "enige.beheerder")
    env = {**os.environ, "INSPRAAK_DATABASE_URL": settings.db_url, "INSPRAAK_SECRET_KEY": settings.secret_key,
           "INSPRAAK_VAR_DIR": str(settings.var_dir)}
    run = [sys.executable, "-m", "app.cli", "staff", "password", "--username", "enige.beheerder"]
    weak = subprocess.run(run, input="aaaaaaaaaaaa\n", text=True, capture_output=True, env=env, cwd=ROOT)
    assert weak.returncode == 2 and "te makkelijk" in weak.stderr
    done = subprocess.run(run, input=NEW_PASSWORD + "\n", text=True, capture_output=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert _locked_out(browser)
    assert login(Client(app), "enige.beheerder", NEW_PASSWORD).status_code == 303
