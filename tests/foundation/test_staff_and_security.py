"""Staff accounts and roles, CSRF, security headers, the access log."""

import logging

import pytest
from sqlmodel import select

from app.models import AuditEntry, Group, Staff
from conftest import STAFF_PASSWORD, Client


def test_staff_login_logout(client, make_staff):
    staff = make_staff("council", "raad1")
    assert staff.get("/staff").status_code == 200
    r = client.form("/staff/login", {"username": "raad1", "password": "wrong password!"})
    assert r.status_code == 400 and "klopt niet" in r.text
    r = client.form("/staff/login", {"username": "RAAD1", "password": STAFF_PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    assert "HttpOnly" in r.headers["set-cookie"]
    assert client.get("/staff").status_code == 200
    client.form("/staff/logout")
    assert client.get("/staff", follow_redirects=False).headers["location"].startswith("/staff/login")


def test_password_is_stored_as_argon2(session, make_staff):
    make_staff("admin", "beheer1")
    staff = session.exec(select(Staff).where(Staff.username == "beheer1")).one()
    assert staff.password_hash.startswith("$argon2id$") and STAFF_PASSWORD not in staff.password_hash


@pytest.mark.parametrize("path", ["/admin/groups", "/admin/codes", "/admin/staff", "/admin/help", "/admin/audit"])
def test_admin_pages_need_the_admin_role(path, client, council, management, admin, pupil):
    assert admin.get(path).status_code == 200
    for other in (council, management):
        r = other.get(path)
        assert r.status_code == 403 and "beheerder" in r.text
    assert pupil.get(path, follow_redirects=False).headers["location"].startswith("/staff/login")
    assert client.get(path, follow_redirects=False).status_code == 303


def test_deactivated_staff_is_logged_out(admin, make_staff, session):
    other = make_staff("council", "weg")
    admin.form(f"/admin/staff/{other.staff.id}/active", {"active": "false"})
    assert other.get("/staff", follow_redirects=False).status_code == 303
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "staff.deactivate")).first() is not None


def test_admin_creates_staff_with_clear_errors(admin, session):
    r = admin.form("/admin/staff", {"username": "nieuw", "role": "management", "password": "kort"})
    assert r.status_code == 400 and "minstens 12" in r.text
    r = admin.form("/admin/staff", {"username": "nieuw", "role": "koning", "password": "lang genoeg wachtwoord"})
    assert r.status_code == 400 and "Onbekende rol" in r.text
    assert session.exec(select(Staff).where(Staff.username == "nieuw")).first() is None
    r = admin.form("/admin/staff", {"username": "nieuw", "role": "management", "password": "lang genoeg wachtwoord"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert session.exec(select(Staff).where(Staff.username == "nieuw")).one().role == "management"


def test_csrf_refused_and_nothing_changes(admin, session, school):
    before = len(session.exec(select(Group)).all())
    r = admin.post("/admin/groups", data={"name": "6A"})
    assert r.status_code == 403 and "verlopen" in r.text
    r = admin.post("/admin/groups", data={"name": "6A", "csrf_token": "not-the-token-at-all-no"})
    assert r.status_code == 403
    assert len(session.exec(select(Group)).all()) == before
    assert admin.form("/admin/groups", {"name": "6A"}, follow_redirects=False).status_code == 303
    assert len(session.exec(select(Group)).all()) == before + 1


def test_csrf_on_pupil_join(client, new_codes):
    r = client.post("/aanmelden", data={"code": new_codes("3A")[0]})
    assert r.status_code == 403


def test_groups_admin_validates(admin, session, school):
    assert admin.form("/admin/groups", {"name": "3A"}).status_code == 409
    r = admin.form("/admin/groups", {"name": "3C", "parent": "3A"})
    assert r.status_code == 400 and "graad" in r.text
    assert admin.form("/admin/groups", {"name": "3C", "parent": "Bestaat niet"}).status_code == 404
    assert admin.form("/admin/groups", {"name": "3C", "parent": "3de jaar"}, follow_redirects=False).status_code == 303
    group = session.exec(select(Group).where(Group.name == "3C")).one()
    assert group.kind == "class" and group.parent_id is not None


@pytest.mark.parametrize("path", ["/", "/hulp", "/privacy", "/staff/login", "/api/v1/healthz", "/nope",
                                  "/static/inspraak-3.css"])
def test_security_headers_everywhere(client, school, path):
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_errors_are_pages_not_500(client, school):
    r = client.get("/nope")
    assert r.status_code == 404 and "bestaat niet" in r.text
    assert client.get("/api/v1/nope").json()["detail"]


def test_health_and_openapi(client):
    assert client.get("/api/v1/healthz").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/api/v1/healthz" in spec["paths"]


def test_pupil_requests_write_no_log_line_and_metrics_hold_only_route_templates(client, new_codes, caplog):
    code = new_codes("3A")[0]
    with caplog.at_level(logging.DEBUG):
        client.get(f"/c/{code}")
        client.form("/aanmelden", {"code": code})
        client.get("/overzicht")
        client.get("/hulp")
    assert [r.getMessage() for r in caplog.records if r.name.startswith(("inspraak", "uvicorn"))] == []
    metrics = client.get("/metrics").text  # the test client is not loopback: staff only
    assert "inspraak_requests" not in metrics
    from app import metrics as app_metrics

    text = app_metrics.exposition()[0].decode()
    assert 'route="/c/{code}"' in text and 'route="/hulp"' in text
    assert code not in text and "testclient" not in text


def test_language_switch(client, school):
    assert "Hulp nodig?" in client.get("/").text
    client.get("/lang/en?next=/")
    page = client.get("/").text
    assert "Need help?" in page and 'lang="en"' in page
    assert client.get("/lang/en?next=https://evil.example/", follow_redirects=False).headers["location"] == "/"
