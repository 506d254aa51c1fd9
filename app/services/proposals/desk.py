"""Management's desk: the proposals waiting for an answer with the council's reason and the
school days left (or the days late), whether more time was already asked, the answered
proposals whose answer may be corrected, and the figures on the staff start page."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import School
from app.models.proposals import Proposal, ProposalEvent
from app.services.proposals.rules import ANSWERED_STATES
from app.services.proposals.school_days import school_days_between
from app.services.proposals.settings import categories, holiday_ranges
from app.timeutil import today


@dataclass
class DeskItem:
    proposal: Proposal
    category: str
    forwarded: ProposalEvent | None  # the council's "forward" (its reason) or the support threshold
    days_left: int | None  # school days after today up to the deadline (0: today is the last day); None when late
    days_late: int  # calendar days past the deadline
    extended: ProposalEvent | None  # the one "more time" entry, if management asked
    answer: ProposalEvent | None  # the answer as it stands (the latest answer or correction)


def _events(session: Session, proposal_ids: list[int], actions: tuple[str, ...]) -> dict[int, ProposalEvent]:
    """The latest event of these kinds for each proposal."""
    if not proposal_ids:
        return {}
    rows = session.exec(select(ProposalEvent).where(ProposalEvent.proposal_id.in_(proposal_ids),
                                                    ProposalEvent.action.in_(actions)).order_by(ProposalEvent.id))
    return {e.proposal_id: e for e in rows}


def _items(session: Session, school_id: int, proposals: list[Proposal], on: date) -> list[DeskItem]:
    ids = [p.id for p in proposals]
    names = {c.id: c.name for c in categories(session, school_id)}
    forwarded = _events(session, ids, ("forward", "threshold"))
    extended = _events(session, ids, ("extend",))
    answers = _events(session, ids, ("answer", "correct"))
    free = holiday_ranges(session, school_id)
    items = []
    for p in proposals:
        late = p.state == "with_management" and p.deadline is not None and on > p.deadline
        waiting_here = p.state == "with_management" and p.deadline is not None
        left = school_days_between(on, p.deadline, free) if waiting_here and not late else None
        items.append(DeskItem(p, names.get(p.category_id, ""), forwarded.get(p.id), left,
                              (on - p.deadline).days if late else 0, extended.get(p.id), answers.get(p.id)))
    return items


def waiting(session: Session, school: School, on: date | None = None) -> list[DeskItem]:
    """Proposals waiting for management, the nearest (or most overdue) deadline first."""
    on = on or today()
    rows = list(session.exec(select(Proposal).where(Proposal.school_id == school.id,
                                                    Proposal.state == "with_management")
                             .order_by(Proposal.deadline, Proposal.id)))
    return _items(session, school.id, rows, on)


def answered(session: Session, school: School, on: date | None = None) -> list[DeskItem]:
    """Proposals with a published answer, the most recently answered first."""
    rows = list(session.exec(select(Proposal).where(Proposal.school_id == school.id,
                                                    Proposal.state.in_(ANSWERED_STATES))
                             .order_by(Proposal.answered_at.desc(), Proposal.id.desc())))
    return _items(session, school.id, rows, on or today())


def counts(session: Session, school_id: int, on: date | None = None) -> dict[str, int]:
    """How many proposals wait in each state, and how many wait for management past their deadline."""
    on = on or today()
    per_state = dict(session.exec(select(Proposal.state, func.count(Proposal.id))
                                  .where(Proposal.school_id == school_id).group_by(Proposal.state)).all())
    late = session.exec(select(func.count(Proposal.id)).where(
        Proposal.school_id == school_id, Proposal.state == "with_management", Proposal.deadline < on)).one()
    return {**per_state, "overdue": late}
