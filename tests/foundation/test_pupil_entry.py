"""Redeeming codes: the form, the QR target, wrong and revoked codes, the rate limit."""

import sqlalchemy as sa

from app.services import access, anonymity
from app.services.access import Participant
from app.web import PUPIL_COOKIE
from conftest import Client


def test_form_redeems_a_code_with_case_spaces_and_dashes_ignored(client, new_codes):
    code = new_codes("3A")[0]
    typed = f"{code[:5].lower()} - {code[5:]}"
    r = client.form("/aanmelden", {"code": typed}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/overzicht"
    cookie = r.headers["set-cookie"]
    assert PUPIL_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=" in cookie
    page = client.get("/overzicht")
    assert page.status_code == 200 and "Hulp nodig?" in page.text


def test_qr_target_asks_before_the_code_becomes_this_phones(client, new_codes):
    code = new_codes("3B")[0]
    r = client.get(f"/c/{code}", follow_redirects=False)
    assert r.status_code == 200 and PUPIL_COOKIE not in client.cookies
    assert anonymity.format_code(code) in r.text and "Ja, dit is mijn code" in r.text
    assert "staat al een code" not in r.text
    r = client.form("/aanmelden", {"code": code}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/overzicht"
    assert client.get("/overzicht").status_code == 200


def test_a_sent_link_never_silently_replaces_the_code_on_a_phone(client, new_codes):
    mine, senders = new_codes("3A", 2)
    client.form("/aanmelden", {"code": mine})
    cookie = client.cookies.get(PUPIL_COOKIE)
    page = client.get(f"/c/{senders}")
    assert page.status_code == 200 and "staat al een code" in page.text
    assert client.cookies.get(PUPIL_COOKIE) == cookie  # opening the link changed nothing
    client.form("/aanmelden", {"code": senders})  # only the explicit tap does
    assert client.cookies.get(PUPIL_COOKIE) != cookie


def test_wrong_code_gets_a_clear_message_and_no_cookie(client, school):
    r = client.form("/aanmelden", {"code": "ABCDE-FGHJK"})
    assert r.status_code == 400
    assert "Deze code klopt niet" in r.text and 'name="code"' in r.text
    assert PUPIL_COOKIE not in client.cookies
    assert client.get("/overzicht", follow_redirects=False).headers["location"] == "/"
    r = client.get("/c/nonsense")
    assert r.status_code == 400 and "Deze code klopt niet" in r.text


def test_empty_or_missing_code_field_is_not_a_500(client, school):
    assert client.form("/aanmelden", {}).status_code == 400
    assert client.form("/aanmelden", {"code": "x" * 500}).status_code == 400


def test_revoked_code_is_refused(app, client, session, school, admin, new_codes):
    code = new_codes("3A")[0]
    sheet_id = session.exec(sa.select(access.CodeSheet.id).order_by(access.CodeSheet.id.desc())).first()[0]
    r = admin.form(f"/admin/codes/{sheet_id}/revoke", follow_redirects=False)
    assert r.status_code == 303
    r = client.form("/aanmelden", {"code": code})
    assert r.status_code == 400 and "werkt niet meer" in r.text


def test_revoking_logs_out_pupils_already_in(make_pupil, admin, session):
    pupil = make_pupil("3A")
    assert pupil.get("/overzicht").status_code == 200
    sheet_id = session.exec(sa.select(access.CodeSheet.id)).first()[0]
    admin.form(f"/admin/codes/{sheet_id}/revoke")
    assert pupil.get("/overzicht", follow_redirects=False).status_code == 303


def test_rate_limit_on_code_attempts(app, client, school, new_codes):
    limit = app.state.settings.join_rate_limit
    for _ in range(limit):
        assert client.form("/aanmelden", {"code": "ABCDE-FGHJK"}).status_code == 400
    r = client.form("/aanmelden", {"code": new_codes("3A")[0]})
    assert r.status_code == 429 and "Te veel pogingen" in r.text


def test_same_code_on_two_phones_is_one_participant(app, new_codes):
    code = new_codes("3A")[0]
    phones = [Client(app), Client(app)]
    for phone in phones:
        assert phone.form("/aanmelden", {"code": code}, follow_redirects=False).status_code == 303
    from app.web import read_pupil_cookie

    class R:  # the cookie reader needs only .app and .cookies
        def __init__(self, cookies):
            self.app, self.cookies = app, cookies

    a = read_pupil_cookie(R({PUPIL_COOKIE: phones[0].cookies[PUPIL_COOKIE]}))
    b = read_pupil_cookie(R({PUPIL_COOKIE: phones[1].cookies[PUPIL_COOKIE]}))
    assert a == b
    pa, pb = Participant(a[0], a[1], 0, 0), Participant(b[0], b[1], 0, 0)
    assert pa.pseudonym("vote", 1) == pb.pseudonym("vote", 1)


def test_a_forged_cookie_is_ignored(app, client, school):
    client.cookies.set(PUPIL_COOKIE, "eyJzIjoiMDAiLCJjIjoxfQ.forged")
    assert client.get("/overzicht", follow_redirects=False).status_code == 303


def test_database_never_holds_a_plain_code(app, engine, new_codes):
    codes = new_codes("3A", 20)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT lookup FROM participationcode")).all()
    stored = " ".join(r[0] for r in rows)
    assert len(rows) == 20
    assert not any(code in stored or code.lower() in stored for code in codes)
    assert {anonymity.lookup_value(app.state.secret, c) for c in codes} == {r[0] for r in rows}
