"""Shared fixtures and helpers for the moderation tests (import the fixtures you use).

Comments need an item to react to. The real kinds (proposal, poll, statement) belong to other
domains, so these tests register their own target kind, "testitem", with one item: id 1.
"""

import pytest
from sqlmodel import select

from app.models import AuditEntry, Comment
from app.services import moderation
from support import set_school  # noqa: F401 (tests import it from here too)

URL = "/reacties/testitem/1"
CRISIS = "Ik wil dood, ik zie het niet meer zitten"
ABUSE = "Mijn vader slaat me als hij dronken is"
PROFANITY = "Wat een kut idee"
PERSON = "Meneer Janssens geeft altijd te veel huiswerk"
OK = "Goed idee, dan moeten we niet meer in de regen wachten"


@pytest.fixture
def target():
    moderation.COMMENT_TARGETS["testitem"] = lambda session, school_id, item_id, reader=None: (
        "Een overdekte fietsenstalling" if item_id == 1 else None)
    yield URL
    moderation.COMMENT_TARGETS.pop("testitem", None)


@pytest.fixture
def post_mode(session, school):
    set_school(session, school.id, moderation_mode="post")
    return school


def comments(session) -> list[Comment]:
    session.expire_all()
    return list(session.exec(select(Comment).order_by(Comment.target_kind, Comment.target_id, Comment.position)))


def audit_actions(session) -> list[tuple[str, str, int | None, str]]:
    session.expire_all()
    return [(e.action, e.target_kind, e.target_id, e.detail)
            for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def say(client, text: str, parent_id: int | None = None, url: str = URL):
    data = {"body": text}
    if parent_id is not None:
        data["parent_id"] = str(parent_id)
    return client.form(url, data)


def approve(council, comment_id: int, **extra):
    return council.form(f"/council/moderation/comment/{comment_id}", {"decision": "approve", **extra}, follow_redirects=False)


def reject(council, comment_id: int, reason: str = "bullying"):
    return council.form(f"/council/moderation/comment/{comment_id}", {"decision": "reject", "reason": reason},
                        follow_redirects=False)
