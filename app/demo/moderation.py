"""Moderation's part of the demo school: a few names in the name list and comments on the first
public proposal, one of them urgent."""

import secrets

from sqlmodel import Session

from app.demo.school import demo_codes
from app.models import Comment, School, ScreeningName
from app.services import anonymity
from app.services.moderation.comments import COMMENT_TARGETS
from app.services.moderation.intake import URGENT_VERDICTS


DEMO_NAMES = ("Janssens", "Peeters")
DEMO_COMMENTS = (
    ("published", "ok", "Goed idee! Dan moeten we niet meer in de regen wachten."),
    ("published", "ok", "Ik ben akkoord, maar wie gaat dat betalen?"),
    ("pending", "crisis", "Ik zie het allemaal niet meer zitten. Soms wil ik gewoon niet meer leven."),
)


def load(session: Session, school: School, server_key: bytes) -> None:
    """Demo: a few staff surnames in the name list; comments on the first public proposal."""
    for name in DEMO_NAMES:
        session.add(ScreeningName(school_id=school.id, name=name))
    session.flush()
    lookup = COMMENT_TARGETS.get("proposal")
    target = next((i for i in range(1, 50) if lookup and lookup(session, school.id, i, None)), None)
    if target is None:
        return
    # Written by demo pupils whose slips are not among the five printed at start-up.
    codes = demo_codes()
    for n, (status, verdict, body) in enumerate(DEMO_COMMENTS):
        secret = anonymity.participant_secret(server_key, codes[-1 - n]) if len(codes) > n + 5 else secrets.token_bytes(32)
        nonce = secrets.token_hex(16)
        session.add(Comment(school_id=school.id, target_kind="proposal", target_id=target, body=body, position=n + 1,
                            status=status, verdict=verdict, urgent=verdict in URGENT_VERDICTS, author_nonce=nonce,
                            author_tag=anonymity.pseudonym(secret, "comment-author", nonce)))
    session.flush()
