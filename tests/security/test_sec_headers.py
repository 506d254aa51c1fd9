"""Findings 6 and 7, and the headers of error responses: control characters never reach the
Atom feed; HSTS when the public address is https; `no-store` on everything that is not a
static file or a public page; every error response carries the same security headers."""

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.main import create_app
from app.models import Proposal
from app.services import proposals
from support.proposals import make_proposal, new_participant

ATOM = "{http://www.w3.org/2005/Atom}"


def _answer(session, proposal: Proposal) -> None:
    """Walk a proposal to an answer by management: that is what the feed shows."""
    for action, role, fields in [("approve", "council", {}), ("forward", "council", {"text": "Belangrijk."}),
                                 ("answer", "management", {"decision": "accepted", "text": "Ja\x1b, goed idee."})]:
        proposals.transition(session, proposal, action, role, **fields)
    session.commit()


def _feed_titles(client) -> list[str]:
    r = client.get("/voorstellen/feed.atom")
    assert r.status_code == 200
    feed = ET.fromstring(r.content)  # fails on a control character: then no reader can read the feed
    return [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]


def test_a_title_with_control_characters_does_not_break_the_feed(client, pupil, session, school):
    category = proposals.categories(session, school.id)[0].id
    session.commit()
    pupil.form("/voorstellen", {"title": "Meer\x0b fruit\x1b\x07", "body": "Appels en peren.",
                                "category": str(category)})
    _answer(session, session.exec(select(Proposal)).one())
    assert _feed_titles(client) == ["Meer fruit: Antwoord van de directie"]


def test_text_stored_before_cleaning_existed_does_not_break_the_feed(app, client, session, school):
    # Written straight to the database, as older versions stored it (PostgreSQL holds no NUL).
    make_proposal(session, school, new_participant(app, session, school), state="answered",
                  title="Oud\x1b voorstel\ufffe")
    assert [t.split(":")[0] for t in _feed_titles(client)] == ["Oud voorstel"]


@pytest.fixture
def https_client(settings, migrated):
    app = create_app(settings.model_copy(update={"public_url": "https://inspraak.school.example"}))
    return TestClient(app, base_url="https://inspraak.school.example")


def test_hsts_when_the_public_address_is_https(https_client, client, school):
    for path in ["/", "/hulp", "/nope", "/static/inspraak-3.css", "/healthz"]:
        assert https_client.get(path).headers["strict-transport-security"] == "max-age=31536000"
        assert "strict-transport-security" not in client.get(path).headers


def test_pupil_and_staff_pages_and_exports_are_never_stored(pupil, council, admin, client, school):
    seen = {
        "pupil": [pupil.get(p) for p in ("/overzicht", "/", "/hulp", "/voorstellen", "/stellingen/nieuw",
                                         "/api/v1/polls", "/privacy")],
        "staff": [council.get(p) for p in ("/staff", "/council/moderation", "/council/voting", "/council/voting.csv",
                                           "/api/v1/moderation/queue", "/staff/password")],
        "admin": [admin.get("/admin/audit.csv"), admin.get("/admin/staff"),
                  admin.form("/admin/codes", {"group": "3A", "count": "2"})],
        "errors": [client.get("/nope"), client.post("/aanmelden", data={"code": "x"}), pupil.get("/stellingen/999")],
    }
    for who, responses in seen.items():
        for r in responses:
            assert r.headers["cache-control"] == "no-store", (who, r.request.url, r.headers.get("cache-control"))
    sheet = seen["admin"][2]
    assert sheet.status_code == 200 and "Strookjes 3A" in sheet.text  # the sheet with the codes in clear


def test_public_pages_and_static_files_may_be_kept(client, school):
    for path in ("/", "/hulp", "/privacy", "/regels", "/voorstellen"):
        assert client.get(path).headers["cache-control"] == "private, no-cache"
    assert client.get("/voorstellen/feed.atom").headers["cache-control"] == "public, max-age=300"
    assert "immutable" in client.get("/static/inspraak-3.css").headers["cache-control"]


def _has_security_headers(r) -> bool:
    csp = r.headers.get("content-security-policy", "")
    return ("frame-ancestors 'none'" in csp and r.headers.get("x-content-type-options") == "nosniff"
            and r.headers.get("referrer-policy") == "no-referrer" and r.headers.get("cache-control") == "no-store")


def test_error_responses_carry_the_same_headers(client, pupil, school):
    errors = [client.get("/nope"), client.get("/api/v1/nope"), client.request("TRACE", "/"),
              client.post("/aanmelden", data={"code": "x"}),
              client.post("/aanmelden", content=b"a" * 2_000_000, headers={"content-type": "application/x-www-form-urlencoded"}),
              pupil.post("/api/v1/polls/1/votes", json={"value": "x"}), client.get("/voorstellen/99999999999999999999")]
    assert [r.status_code for r in errors] == [404, 404, 405, 403, 413, 422, 404]
    for r in errors:
        assert _has_security_headers(r), (r.request.method, r.request.url, dict(r.headers))


def test_even_a_server_error_carries_the_headers(settings, migrated):
    app = create_app(settings)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    r = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500 and _has_security_headers(r)
