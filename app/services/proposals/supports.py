"""Supports: one per participant per proposal, by a per-proposal pseudonym, while the proposal
looks for support; reaching the school's threshold sends it to management by itself."""

from datetime import datetime

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import _
from app.models import School, Staff
from app.models.proposals import Proposal, ProposalSupport
from app.services import audit
from app.services.access import Participant
from app.services.errors import Conflict, DomainError, NotFound
from app.services.proposals.lifecycle import locked, school_of, transition
from app.services.proposals.rules import PUBLIC_STATES, STATE_LABELS, SUPPORT_STATES
from app.services.proposals.school_days import support_ended
from app.services.proposals.settings import support_threshold
from app.services.school import k_of


def save_settings(session: Session, staff: Staff, school: School, kind: str, number: int | None,
                  percent: int | None, response_days: int | None) -> School:
    """Threshold (a number or a percentage of the audience) and the response time in school days."""
    if kind not in ("number", "percent"):
        raise DomainError(_("Kies een aantal of een percentage."))
    if kind == "number" and not (number and 1 <= number <= 10000):
        raise DomainError(_("Geef een aantal steunen tussen 1 en 10000."))
    if kind == "percent" and not (percent and 1 <= percent <= 100):
        raise DomainError(_("Geef een percentage tussen 1 en 100."))
    if not (response_days and 1 <= response_days <= 60):
        raise DomainError(_("Geef een antwoordtermijn tussen 1 en 60 schooldagen."))
    if kind == "number":
        school.support_threshold, school.support_threshold_percent = number, None
    else:
        school.support_threshold_percent = percent
    school.response_days = response_days
    session.add(school)
    audit.record(session, staff, "proposal.settings", "school", school.id,
                 f"threshold={number if kind == 'number' else str(percent) + '%'} days={response_days}")
    apply_threshold(session, school)
    return school


def apply_threshold(session: Session, school: School) -> list[Proposal]:
    """After a lower threshold: published proposals that now have enough support go to management."""
    needed = support_threshold(session, school)
    moved = list(session.exec(select(Proposal).where(
        Proposal.school_id == school.id, Proposal.state == "published", Proposal.support_count >= needed)))
    for proposal in moved:
        transition(session, proposal, "threshold", "system")
    return moved


def _support_pseudonym(participant: Participant, proposal: Proposal) -> str:
    return participant.pseudonym("proposal-support", proposal.id)


def _supportable(session: Session, participant: Participant, proposal_id: int, at: datetime | None = None) -> Proposal:
    proposal = locked(session, participant.school_id, proposal_id)
    if proposal.state not in PUBLIC_STATES:
        raise NotFound(_("Dit voorstel bestaat niet."))
    if proposal.state not in SUPPORT_STATES:
        raise Conflict(_("Dit voorstel zoekt geen steun meer: het is “{state}”.").format(
            state=_(STATE_LABELS[proposal.state])))
    if support_ended(proposal, at.date() if at else None):
        raise Conflict(_("Steunen kon tot {day}. Die tijd is voorbij.").format(day=f"{proposal.support_until:%d/%m/%Y}"))
    return proposal


def has_supported(session: Session, participant: Participant | None, proposal: Proposal) -> bool:
    if participant is None or participant.school_id != proposal.school_id:
        return False
    return session.exec(select(ProposalSupport.pseudonym).where(
        ProposalSupport.proposal_id == proposal.id,
        ProposalSupport.pseudonym == _support_pseudonym(participant, proposal))).first() is not None


def support(session: Session, participant: Participant, proposal_id: int,
            at: datetime | None = None) -> tuple[Proposal, bool]:
    """Add this participant's support; (proposal, False) when they already supported it.

    When the count reaches the threshold, the proposal goes to management by itself."""
    proposal = _supportable(session, participant, proposal_id, at)
    if has_supported(session, participant, proposal):
        return proposal, False
    try:
        with session.begin_nested():
            session.add(ProposalSupport(school_id=proposal.school_id, proposal_id=proposal.id,
                                        pseudonym=_support_pseudonym(participant, proposal)))
    except IntegrityError:  # the same participant, at the same moment, on another phone
        return proposal, False
    school = school_of(session, proposal)
    _show_in_steps(session, school, proposal)
    if proposal.state == "published" and proposal.support_count >= support_threshold(session, school):
        transition(session, proposal, "threshold", "system", at=at)
    session.flush()
    return proposal, True


def exact_supports(session: Session, proposal: Proposal) -> int:
    return session.exec(select(func.count()).select_from(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id)).one()


def _show_in_steps(session: Session, school: School, proposal: Proposal) -> None:
    """The public count (and so the threshold) moves only once k supports or withdrawals have
    gathered: someone watching the count before and after a classmate taps cannot see it.
    It becomes exact when the support phase ends (lifecycle.transition)."""
    exact = exact_supports(session, proposal)
    if abs(exact - proposal.support_count) >= k_of(school):
        proposal.support_count = exact
        session.add(proposal)


def unsupport(session: Session, participant: Participant, proposal_id: int) -> tuple[Proposal, bool]:
    """Take a support back; (proposal, False) when there was none."""
    proposal = _supportable(session, participant, proposal_id)
    result = session.exec(delete(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id,
        ProposalSupport.pseudonym == _support_pseudonym(participant, proposal)))
    if not result.rowcount:
        return proposal, False
    _show_in_steps(session, school_of(session, proposal), proposal)
    session.flush()
    return proposal, True

