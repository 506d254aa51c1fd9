"""The council's queue: who may use it, its order, HTMX and plain decisions, edits, other kinds."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.models import Comment
from app.services import moderation
from app.timeutil import now_hour
from support.moderation import (CRISIS, OK, PERSON, URL, approve, audit_actions, comments, reject, say,
                                target)  # noqa: F401


def test_only_the_council_moderates(target, pupil, management, admin, council, session):
    say(pupil, OK)
    cid = comments(session)[0].id
    r = pupil.get("/council/moderation", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")
    assert approve(pupil, cid).status_code == 303  # sent to the login page
    for staff in (management, admin):
        r = staff.get("/council/moderation")
        assert r.status_code == 403 and "Dit mag alleen de leerlingenraad" in r.text
        assert approve(staff, cid).status_code == 403
        assert staff.get("/api/v1/moderation/queue").status_code == 403
    assert comments(session)[0].status == "pending"
    assert pupil.get("/api/v1/moderation/queue").status_code == 401
    assert council.get("/council/moderation").status_code == 200
    assert ("/council/moderation", "Moderatie") in [(u, l) for u, l in _links(council)]


def _links(client):
    import re

    return re.findall(r'<a class="button" href="([^"]+)">([^<]+)</a>', client.get("/staff").text)


def test_urgent_first_then_oldest(target, make_pupil, council, session):
    for text in ("Oudste gewone", "Nieuwere gewone", CRISIS):
        say(make_pupil("3A"), text)
    rows = comments(session)
    for row, hours_ago in zip(rows, (5, 3, 1)):
        row.created_at = now_hour() - timedelta(hours=hours_ago)
        session.add(row)
    session.commit()
    page = council.get("/council/moderation").text
    assert page.index("Ik wil dood") < page.index("Oudste gewone") < page.index("Nieuwere gewone")
    oldest, newer, crisis = (f'id="q-comment-{row.id}"' for row in rows)
    urgent = page[page.index(f'<li class="card urgent" {crisis}>'):page.index("Ik wil dood")]
    assert '<span class="tag urgent">dringend</span>' in urgent and "crisis</span>" in urgent
    # an urgent text is not published by a quick thumb: approving is the quiet button; the
    # likely reason is only suggested (the author reads it, so the moderator picks it) and every
    # text asks for a reason
    item = page[page.index(crisis):page.index(oldest)]
    assert 'class="secondary">Goedkeuren' in item and "Mogelijke reden: te persoonlijk om hier te tonen." in item
    assert " selected" not in item and '<option value="">Kies een reden</option>' in item
    assert '<option value="">Kies een reden</option>' in page[page.index(oldest):page.index(newer)]
    assert [i.id for i in moderation.queue(session, rows[0].school_id)] == [rows[2].id, rows[0].id, rows[1].id]


def test_htmx_decision_swaps_out_only_the_item(target, pupil, council, session):
    say(pupil, OK)
    cid = comments(session)[0].id
    r = council.htmx(f"/council/moderation/comment/{cid}", {"decision": "approve"})
    assert r.status_code == 200 and "<html" not in r.text
    assert r.text.strip().startswith(f'<li class="card" id="q-comment-{cid}"') and "Goedgekeurd." in r.text
    assert comments(session)[0].status == "published"
    # deciding again (a second moderator, a double tap): told in place, nothing changes
    r = council.htmx(f"/council/moderation/comment/{cid}", {"decision": "reject", "reason": "spam"})
    assert r.status_code == 200 and "besliste iemand anders al" in r.text
    assert comments(session)[0].status == "published"


def test_htmx_errors_show_in_the_item(target, pupil, council, session):
    say(pupil, OK)
    cid = comments(session)[0].id
    r = council.htmx(f"/council/moderation/comment/{cid}", {"decision": "reject", "reason": "zomaar"})
    assert r.status_code == 200 and f'id="q-comment-{cid}"' in r.text and "Kies waarom" in r.text
    assert 'class="decide"' in r.text  # the buttons are still there to try again
    assert comments(session)[0].status == "pending"


def test_plain_form_decisions_redirect_back_to_the_queue(target, make_pupil, council, session):
    say(make_pupil("3A"), "Eerste")
    say(make_pupil("3A"), "Tweede")
    first, second = comments(session)
    r = reject(council, first.id, "offtopic")
    assert r.status_code == 303 and r.headers["location"] == "/council/moderation?klaar=reject"
    page = council.get(r.headers["location"]).text
    assert "Afgewezen." in page and "Eerste" not in page and "Tweede" in page
    assert approve(council, second.id).headers["location"] == "/council/moderation?klaar=approve"
    assert "Niets te doen" in council.get("/council/moderation").text
    r = approve(council, second.id)
    assert r.status_code == 409 and "besliste iemand anders al" in r.text
    assert council.form("/council/moderation/comment/99999", {"decision": "approve"}).status_code == 409
    assert council.form("/council/moderation/onbekend/1", {"decision": "approve"}).status_code == 404
    assert council.form(f"/council/moderation/comment/{second.id}", {"decision": "misschien"}).status_code == 400


def test_edit_out_a_name(target, pupil, make_pupil, council, session):
    say(pupil, PERSON)
    cid = comments(session)[0].id
    edited = "Meneer ... geeft altijd te veel huiswerk"
    assert approve(council, cid, text=edited).status_code == 303
    comment = comments(session)[0]
    assert (comment.body, comment.edited, comment.status) == (edited, True, "published")
    page = make_pupil("3B").get(URL).text
    assert edited in page and "Janssens" not in page and "aangepast door de leerlingenraad" in page
    actions = audit_actions(session)
    assert ("moderation.edit", "comment", cid, f"tekst aangepast: {len(PERSON)} -> {len(edited)} tekens") in actions
    assert not any("Janssens" in detail for *_rest, detail in actions)


def test_edited_text_is_checked(target, pupil, council, session):
    say(pupil, PERSON)
    cid = comments(session)[0].id
    r = approve(council, cid, text="   ")
    assert r.status_code == 400 and "leeg" in r.text
    r = approve(council, cid, text="x" * 1001)
    assert r.status_code == 400 and "hoogstens 1000 tekens" in r.text
    assert comments(session)[0].status == "pending"
    # unchanged text is a plain approval, not an edit
    assert approve(council, cid, text=PERSON + "\r\n").status_code == 303
    assert not comments(session)[0].edited
    assert [a for a, *_ in audit_actions(session)] == ["moderation.approve"]


class FakeKind:
    """Another domain's kind of pupil text, as the statement and proposal domains register theirs."""

    def __init__(self):
        self.waiting = {7: "Een stelling van een leerling"}
        self.calls = []

    def pending(self, session, school_id):
        return [moderation.QueueItem("teststelling", i, text, False, "ok", now_hour() - timedelta(days=1))
                for i, text in self.waiting.items()]

    def decide(self, session, staff, item_id, decision, reason, edited_text):
        self.calls.append((item_id, decision, reason, edited_text))
        self.waiting.pop(item_id)


@pytest.fixture
def fake_kind():
    kind = FakeKind()
    moderation.register(moderation.ModeratedKind("teststelling", "Teststelling", kind.pending, kind.decide))
    yield kind
    moderation.KINDS.pop("teststelling")


def test_one_queue_for_every_registered_kind(target, fake_kind, pupil, council, session):
    say(pupil, CRISIS)
    page = council.get("/council/moderation").text
    assert page.index("Ik wil dood") < page.index("Een stelling van een leerling")  # urgent before older
    assert "Teststelling" in page
    r = council.htmx("/council/moderation/teststelling/7", {"decision": "approve", "text": "Een stelling"})
    assert r.status_code == 200 and "Goedgekeurd." in r.text
    assert fake_kind.calls == [(7, "approve", "", "Een stelling")]
    actions = audit_actions(session)
    assert ("moderation.approve", "teststelling", 7, "verdict=ok") in actions
    assert ("moderation.edit", "teststelling", 7, "tekst aangepast: 29 -> 12 tekens") in actions


def test_json_api_for_the_queue(target, pupil, council, session):
    say(pupil, CRISIS)
    cid = comments(session)[0].id
    items = council.get("/api/v1/moderation/queue").json()["items"]
    assert [(i["kind"], i["id"], i["urgent"], i["verdict"]) for i in items] == [("comment", cid, True, "crisis")]
    r = council.post(f"/api/v1/moderation/comment/{cid}", json={"decision": "reject", "reason": "private"})
    assert r.status_code == 200
    assert comments(session)[0].reject_reason == "private"
    assert council.post(f"/api/v1/moderation/comment/{cid}", json={"decision": "approve"}).status_code == 409


def test_a_comment_of_another_school_cannot_be_decided(target, pupil, council, session, school):
    from app.models import School

    say(pupil, OK)
    other = School(name="Andere school")
    session.add(other)
    session.commit()
    row = session.exec(select(Comment)).one()
    row.school_id = other.id
    session.add(row)
    session.commit()
    assert approve(council, row.id).status_code == 409
    assert "Niets te doen" in council.get("/council/moderation").text
    assert comments(session)[0].status == "pending"
