"""Statements pupils write themselves: screened, counted against the posting budget, usually
held for the council's moderation queue; the pupil finds their own through an author tag."""

from datetime import timedelta

from sqlmodel import Session, select

from app.i18n import _
from app.models import School, Staff, Statement
from app.services import moderation
from app.services.access import Participant
from app.services.errors import Conflict, DomainError
from app.services.voting.ballot_box import make_tallies
from app.services.shared import N_, is_author, new_author_tag
from app.services.voting.common import ANSWERS, PUPIL_STATEMENT_DAYS, STATEMENT, not_found, text_key
from app.services.voting.items import check_text, refuse_duplicate
from app.timeutil import now_hour


def submit_statement(session: Session, limiter, school: School, participant: Participant,
                     text: str) -> tuple[Statement, moderation.Screened]:
    """A pupil's own statement: screened, counted against the posting budget, usually held
    for the council. No author is stored; only the pupil can recognise it as theirs."""
    text = check_text(text, _("stelling"))
    key = text_key(text)
    if not key:
        raise DomainError(_("Schrijf een stelling met woorden."))
    refuse_duplicate(session, school.id, key)
    screened = moderation.screen_new_text(session, school, text)
    if not moderation.allow_post(limiter, participant):
        raise moderation.PostingLimit(screened)
    now = now_hour()
    nonce, tag = new_author_tag(participant, "statement-author")
    item = Statement(school_id=school.id, text=text, text_key=key, status=screened.status, by_pupil=True,
                     urgent=screened.urgent, verdict=screened.verdict, opens_at=now,
                     closes_at=now + timedelta(days=PUPIL_STATEMENT_DAYS), created_at=now,
                     author_nonce=nonce, author_tag=tag)
    session.add(item)
    session.flush()
    if item.status == "published":
        make_tallies(session, STATEMENT, item, list(ANSWERS), None)
    return item, screened


STATUS_LABELS = {"pending": N_("wacht op de leerlingenraad"), "published": N_("staat online"),
                 "rejected": N_("niet geplaatst")}


def my_statements(session: Session, participant: Participant) -> list[Statement]:
    """The pupil's own statements, found by recomputing each tag with their secret."""
    rows = session.exec(select(Statement).where(
        Statement.school_id == participant.school_id, Statement.by_pupil == True,  # noqa: E712
        Statement.author_nonce != "").order_by(Statement.id.desc()).limit(500)).all()
    return [s for s in rows if is_author(participant, "statement-author", s.author_nonce, s.author_tag)]


def pending_statements(session: Session, school_id: int) -> list[moderation.QueueItem]:
    rows = session.exec(select(Statement).where(Statement.school_id == school_id, Statement.status == "pending")
                        .order_by(Statement.id)).all()
    return [moderation.QueueItem(kind=STATEMENT, id=s.id, text=s.text, urgent=s.urgent, verdict=s.verdict,
                                 created_at=s.created_at, context=_("Stelling van een leerling")) for s in rows]


def decide_statement(session: Session, staff: Staff, item_id: int, decision: str, reason: str,
                      edited_text: str | None) -> None:
    """The moderation queue's decision (the queue writes the audit entry)."""
    item = session.exec(select(Statement).where(Statement.id == item_id, Statement.school_id == staff.school_id)
                        .with_for_update()).first()
    if item is None:
        raise not_found(STATEMENT)
    if item.status != "pending":
        raise Conflict(_("Deze tekst wacht niet meer op een beslissing. Misschien besliste iemand anders al."))
    if decision == "reject":
        item.status, item.reject_reason = "rejected", reason
        session.add(item)
        return
    if edited_text is not None:
        item.text = check_text(edited_text, _("stelling"))
        item.text_key = text_key(item.text)
    # The council may have asked the same thing meanwhile.
    refuse_duplicate(session, staff.school_id, item.text_key, except_id=item.id)
    now = now_hour()
    item.status, item.erased = "published", False
    item.opens_at, item.closes_at = now, now + timedelta(days=PUPIL_STATEMENT_DAYS)
    session.add(item)
    session.flush()
    make_tallies(session, STATEMENT, item, list(ANSWERS), None)

