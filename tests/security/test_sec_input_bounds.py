"""Findings 4 and 5: input outside what the database or the calendar can hold is a 4xx with a
message, never a 500; text is cleaned on the way in; a body over the limit is refused (413)
before it is read. (Headers on error responses: test_sec_headers.)"""

import select as io_select
import socket

import pytest
from sqlmodel import select

from app.models import Comment, Group, Poll, Proposal, SchoolHoliday
from support.proposals import make_proposal, new_participant
from app.services.moderation import MAX_NAMES

HUGE = [2**31, 2**63, 2**64 + 7, 10**30]


@pytest.fixture
def proposal_id(app, session, school) -> int:
    return make_proposal(session, school, new_participant(app, session, school)).id


@pytest.mark.parametrize("n", HUGE)
def test_ids_no_column_can_hold_are_not_found(n, client, pupil, council, admin, school):
    for who, path in [(client, f"/voorstellen/{n}"), (pupil, f"/stellingen/{n}"), (pupil, f"/peilingen/{n}"),
                      (pupil, f"/reacties/proposal/{n}"), (council, f"/council/voting/polls/{n}"),
                      (council, f"/council/voting/statements/{n}/results.csv"),
                      (pupil, f"/api/v1/polls/{n}"), (client, f"/api/v1/proposals/{n}"),
                      (pupil, f"/api/v1/comments/proposal/{n}")]:
        r = who.get(path)
        assert r.status_code == 404, (path, r.status_code)
    for who, path in [(admin, f"/admin/codes/{n}/revoke"), (admin, f"/admin/staff/{n}/active"),
                      (pupil, f"/voorstellen/{n}/steun"), (council, f"/council/moderation/proposal/{n}")]:
        r = who.form(path, {"active": "false", "decision": "approve"})
        assert r.status_code == 404, (path, r.status_code)
    r = council.post(f"/api/v1/moderation/proposal/{n}", json={"decision": "approve"})
    assert r.status_code == 404 and r.json()["detail"]


@pytest.mark.parametrize("n", HUGE)
def test_numbers_in_forms_and_bodies_beyond_range_are_refused(n, pupil, council, admin, proposal_id, session):
    r = pupil.form(f"/reacties/proposal/{proposal_id}", {"body": "Goed idee", "parent_id": str(n)})
    assert r.status_code == 400 and "te groot" in r.text
    r = admin.form("/admin/codes", {"group": "3A", "count": str(n)})
    assert r.status_code == 400
    r = pupil.post(f"/api/v1/comments/proposal/{proposal_id}", json={"body": "Goed idee", "parent_id": n})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "parent_id"]
    r = pupil.post("/api/v1/polls/1/votes", json={"option_ids": [1, n]})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "option_ids", 1]
    assert session.exec(select(Comment)).first() is None


def test_text_is_cleaned_on_the_way_in(pupil, session, proposal_id, school):
    from app.services import proposals

    category = proposals.categories(session, school.id)[0].id
    r = pupil.form("/voorstellen", {"title": "Meer\x00 fruit\x1b in de\x7f automaat", "category": str(category),
                                    "body": "Appels en pe\u0301ren,\r\nelke dag.\x0c"})
    assert r.status_code == 200, r.text
    stored = session.exec(select(Proposal).where(Proposal.id != proposal_id)).one()
    assert stored.title == "Meer fruit in de automaat"
    assert stored.body == "Appels en p\u00e9ren,\r\nelke dag."
    raw = b'{"body": "Ja\\u0000 echt\\ud800 \\u0085goed"}'  # JSON escapes: NUL, a lone surrogate, NEL
    r = pupil.post(f"/api/v1/comments/proposal/{proposal_id}", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 201
    assert session.exec(select(Comment)).one().body == "Ja echt goed"


def test_control_characters_in_paths_queries_and_logins_are_no_error(client, school, admin):
    assert client.get("/voorstellen?state=%00&category=%01").status_code == 200
    assert client.get("/c/ABCDE%00FGHJK").status_code == 404  # a path with a control character names nothing
    assert client.get("/api/v1/proposals/%1D").status_code == 404
    r = client.form("/staff/login", {"username": "beheer\x00", "password": "x\x00"})
    assert r.status_code == 400
    r = admin.form("/admin/groups", {"name": "6\x00B"}, follow_redirects=False)
    assert r.status_code == 303


@pytest.mark.parametrize("field, value", [("opens_at", "0001-01-01T00:00"), ("closes_at", "9999-12-31T23:59"),
                                          ("closes_at", "1900-01-01T00:00")])
def test_dates_outside_a_school_calendar_are_refused_with_a_message(council, session, field, value):
    fields = {"text": "Welke dag?", "kind": "single", "options": "Ma\nDi", "audience": "school",
              "closes_at": "2099-06-30T12:00", field: value}
    r = council.form("/council/voting/polls", fields)
    assert r.status_code == 400 and "Kies een datum tussen 2000 en 2099" in r.text
    assert session.exec(select(Poll)).first() is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_holidays_outside_a_school_calendar_are_refused(admin, session, day):
    r = admin.form("/admin/proposals/holidays", {"first_day": day, "last_day": day, "label": "Vakantie"})
    assert r.status_code == 400 and "Kies een datum tussen 2000 en 2099" in r.text
    assert session.exec(select(SchoolHoliday)).first() is None


# --- finding 5: request size ----------------------------------------------------------------

class Stream:
    """A request body made on demand, counting how much of it the server took."""

    def __init__(self, chunks: int, size: int = 1_000_000) -> None:
        self.chunks, self.chunk, self.pulled = chunks, b"a" * size, 0

    def __iter__(self):
        for _ in range(self.chunks):
            self.pulled += 1
            yield self.chunk


def test_a_huge_form_with_its_length_is_refused_before_it_is_read(client, school):
    body = Stream(200)
    r = client.post("/aanmelden", content=body, headers={"content-type": "application/x-www-form-urlencoded",
                                                    "content-length": str(200 * 1_000_000)})
    assert r.status_code == 413 and "te groot" in r.text
    assert body.pulled == 0


def test_a_huge_json_body_with_its_length_is_refused_before_it_is_read(pupil, proposal_id):
    body = Stream(100)
    r = pupil.post(f"/api/v1/comments/proposal/{proposal_id}", content=body,
                   headers={"content-type": "application/json", "content-length": str(100 * 1_000_000)})
    assert r.status_code == 413 and r.json()["detail"]
    assert body.pulled == 0


def _stream_to_server(live_server: str, path: str, content_type: str, total: int) -> tuple[str, int]:
    """Send a chunked body to the real server until it answers: (status line, bytes sent)."""
    host, port = live_server.removeprefix("http://").split(":")
    chunk = b"a" * 65536
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n".encode())
        try:
            while sent < total and not io_select.select([sock], [], [], 0)[0]:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection: it will not read more
        status = sock.recv(4096).split(b"\r\n")[0].decode()
    return status, sent


@pytest.mark.parametrize("path, content_type", [("/aanmelden", "application/x-www-form-urlencoded"),
                                                ("/api/v1/comments/proposal/1", "application/json")])
def test_a_huge_streamed_body_is_refused_once_it_passes_the_limit(app, live_server, path, content_type):
    status, sent = _stream_to_server(live_server, path, content_type, total=100_000_000)
    assert " 413 " in status
    assert sent < 10 * app.state.settings.max_body_bytes  # what was sent by then, socket buffers included


def test_forms_of_a_normal_size_still_work(admin, session):
    names = "\n".join(f"Leerkracht met een heel lange naam nummer {i}" for i in range(MAX_NAMES))  # 23 KB
    r = admin.form("/admin/moderation/names", {"names": names}, follow_redirects=False)
    assert r.status_code == 303
    assert admin.form("/admin/groups", {"name": "7A"}, follow_redirects=False).status_code == 303
    assert session.exec(select(Group).where(Group.name == "7A")).first() is not None


def test_multipart_bodies_are_refused(admin, session):
    r = admin.post("/admin/groups", files={"name": ("x.txt", b"6C")}, data={"csrf_token": admin.csrf})
    assert r.status_code == 415
