"""Proposals in the shared moderation queue (pupils' proposals wait for the council) and as a
target for comments."""

from sqlmodel import Session, select

from app.i18n import _
from app.models import Staff
from app.models.proposals import Proposal
from app.services import moderation
from app.services.errors import DomainError
from app.services.proposals.lifecycle import staff_move
from app.services.proposals.rules import PUBLIC_STATES


def _queue_text(proposal: Proposal) -> str:
    """Title on the first line, then the text: a moderator may edit both in one box."""
    return f"{proposal.title}\n\n{proposal.body}"


def pending(session: Session, school_id: int) -> list[moderation.QueueItem]:
    rows = session.exec(select(Proposal).where(Proposal.school_id == school_id, Proposal.state == "submitted")
                        .order_by(Proposal.created_at, Proposal.id))
    return [moderation.QueueItem(kind="proposal", id=p.id, text=_queue_text(p), urgent=p.urgent,
                                 verdict=p.verdict, created_at=p.created_at, url=f"/voorstellen/{p.id}")
            for p in rows]


def decide(session: Session, staff: Staff, item_id: int, decision: str, reason: str,
            edited_text: str | None) -> None:
    """The shared queue's decision; the queue writes the audit entry, the timeline entry is ours."""
    if decision not in ("approve", "reject"):
        raise DomainError(_("Kies goedkeuren of afwijzen."))
    title = body = None
    if edited_text is not None:
        title, _sep, body = edited_text.strip().partition("\n")
    staff_move(session, staff, item_id, decision, reason=reason or None, edited_title=title, edited_body=body,
               audited=False)


def comment_target(session: Session, school_id: int, item_id: int, reader=None) -> str | None:
    """Published proposals are for the whole school, so every reader of the school may comment."""
    proposal = session.get(Proposal, item_id)
    if proposal is None or proposal.school_id != school_id or proposal.state not in PUBLIC_STATES:
        return None
    return proposal.title

