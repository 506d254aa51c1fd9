"""Reading proposals: the public board and its figures, one proposal with its timeline, a pupil's
own and followed proposals, the outcomes feed, and what each staff page shows."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, case, func, or_
from sqlmodel import Session, select

from app.i18n import _
from app.models import School, Staff
from app.models.proposals import Proposal, ProposalEvent
from app.services.access import Participant
from app.services.errors import NotFound
from app.services.proposals import desk
from app.services.proposals.lifecycle import is_author
from app.services.proposals.rules import CONFIRMED, PUBLIC_STATES, STATES, actions_for
from app.services.proposals.school_days import (answered_late, is_overdue, school_days_between, school_year_start,
                                                support_ended)
from app.services.proposals.settings import audience_size, categories, holiday_ranges, holidays, support_threshold
from app.services.proposals.supports import has_supported
from app.timeutil import local_date, start_of_day, today


@dataclass
class Item:
    """A proposal as shown on the board, its page and the API."""

    proposal: Proposal
    category: str
    threshold: int
    overdue: bool
    last_event: ProposalEvent | None = None
    timeline: list[ProposalEvent] | None = None
    is_author: bool = False
    supported: bool = False

    @property
    def answered_late(self) -> bool:
        return answered_late(self.proposal)

    @property
    def support_ended(self) -> bool:
        return support_ended(self.proposal)

    @property
    def answer(self) -> ProposalEvent | None:
        """Management's answer on the timeline (the latest, if it was ever given twice)."""
        return next((e for e in reversed(self.timeline or []) if e.action == "answer"), None)


def category_names(session: Session, school_id: int) -> dict[int, str]:
    return {c.id: c.name for c in categories(session, school_id)}


def _last_events(session: Session, proposal_ids: list[int]) -> dict[int, ProposalEvent]:
    if not proposal_ids:
        return {}
    latest = (select(func.max(ProposalEvent.id)).where(ProposalEvent.proposal_id.in_(proposal_ids))
              .group_by(ProposalEvent.proposal_id))
    return {e.proposal_id: e for e in session.exec(select(ProposalEvent).where(ProposalEvent.id.in_(latest)))}


PAGE_SIZE = 20
SEARCH_MAX = 200  # longer searches are cut, not refused: a search changes nothing


@dataclass(frozen=True)
class BoardPage:
    items: list[Item]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _board_query(school: School, state: str | None, category_id: int | None, search: str):
    query = select(Proposal).where(Proposal.school_id == school.id, Proposal.state.in_(PUBLIC_STATES))
    if state in PUBLIC_STATES:
        query = query.where(Proposal.state == state)
    if category_id is not None:
        query = query.where(Proposal.category_id == category_id)
    for word in search[:SEARCH_MAX].casefold().split()[:8]:  # every word somewhere in the title or the text
        query = query.where(or_(func.lower(Proposal.title).contains(word, autoescape=True),
                                func.lower(Proposal.body).contains(word, autoescape=True)))
    return query


def board(session: Session, school: School, state: str | None = None, category_id: int | None = None,
          on: date | None = None, search: str = "", page: int = 1) -> BoardPage:
    """The public board, a page at a time: overdue ones first (a late answer stays in sight at
    the top), then the most recently changed. `search` keeps those with every word in it."""
    on = on or today()
    query = _board_query(school, state, category_id, search)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = min(max(page, 1), max(1, -(-total // PAGE_SIZE)))
    late_first = case((and_(Proposal.state == "with_management", Proposal.deadline < on), 0), else_=1)
    proposals = list(session.exec(query.order_by(late_first, Proposal.changed_at.desc(), Proposal.id.desc())
                                  .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    names = category_names(session, school.id)
    last = _last_events(session, [p.id for p in proposals])
    threshold = support_threshold(session, school)
    return BoardPage([Item(p, names.get(p.category_id, ""), threshold, is_overdue(p, on), last.get(p.id))
                      for p in proposals], total, page)


def timeline(session: Session, proposal_id: int) -> list[ProposalEvent]:
    return list(session.exec(select(ProposalEvent).where(ProposalEvent.proposal_id == proposal_id)
                             .order_by(ProposalEvent.id)))


def visible(session: Session, school: School, proposal_id: int, participant: Participant | None = None,
            staff: Staff | None = None, on: date | None = None) -> Item:
    """One proposal with its timeline, if this visitor may see it: public ones for everyone,
    others only for their author and the school's staff."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.school_id != school.id:
        raise NotFound(_("Dit voorstel bestaat niet."))
    author = is_author(participant, proposal)
    staff_here = staff is not None and staff.school_id == school.id
    if proposal.state not in PUBLIC_STATES and not (author or staff_here):
        raise NotFound(_("Dit voorstel bestaat niet."))
    events = timeline(session, proposal.id)
    return Item(proposal, category_names(session, school.id).get(proposal.category_id, ""),
                support_threshold(session, school), is_overdue(proposal, on), events[-1] if events else None,
                events, author, has_supported(session, participant, proposal))


MINE_LIMIT = 500


def mine(session: Session, participant: Participant) -> list[Item]:
    """The author's own proposals, in any browser with the same slip: each recent proposal's
    author tag is made again from the participant's secret and compared. Nothing links a
    pupil to a proposal in the database."""
    rows = session.exec(select(Proposal).where(Proposal.school_id == participant.school_id,
                                               Proposal.author_nonce != "")
                        .order_by(Proposal.id.desc()).limit(MINE_LIMIT))
    proposals = [p for p in rows if is_author(participant, p)]
    names = category_names(session, participant.school_id)
    last = _last_events(session, [p.id for p in proposals])
    return [Item(p, names.get(p.category_id, ""), 0, is_overdue(p), last.get(p.id), is_author=True)
            for p in proposals]


def changed_since(session: Session, school_id: int, seen: dict[int, int],
                  participant: Participant | None = None) -> list[Proposal]:
    """Followed proposals with a timeline entry newer than the last one this phone saw: public
    ones, and the participant's own in any state (a rejection is news to its author too)."""
    if not seen:
        return []
    latest = dict(session.exec(
        select(ProposalEvent.proposal_id, func.max(ProposalEvent.id))
        .where(ProposalEvent.proposal_id.in_(list(seen)), ProposalEvent.school_id == school_id)
        .group_by(ProposalEvent.proposal_id)).all())
    changed = [pid for pid, last in latest.items() if last > seen.get(pid, 0)]
    if not changed:
        return []
    found = session.exec(select(Proposal).where(Proposal.id.in_(changed)).order_by(Proposal.changed_at.desc()))
    return [p for p in found if p.state in PUBLIC_STATES or is_author(participant, p)]


def followable(session: Session, school: School, proposal_id: int) -> tuple[Proposal, int]:
    """A public proposal someone may follow, and the id of its latest timeline entry."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.school_id != school.id or proposal.state not in PUBLIC_STATES:
        raise NotFound(_("Dit voorstel bestaat niet."))
    last = session.exec(select(func.max(ProposalEvent.id)).where(ProposalEvent.proposal_id == proposal_id)).one()
    return proposal, last or 0


# Built once: every pupil home asks.
_OPEN_FOR_SUPPORT = select(func.count(Proposal.id)).where(Proposal.school_id == bindparam("school_id"),
                                                          Proposal.state == "published")


def open_for_support(session: Session, school_id: int) -> int:
    return session.exec(_OPEN_FOR_SUPPORT, params={"school_id": school_id}).one()


@dataclass(frozen=True)
class Figures:
    on_time: int  # answered on or before the deadline
    judged: int  # answered, or still unanswered past the deadline
    median_days: float | None  # school days from "with management" to the answer
    done_this_year: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.judged) if self.judged else None


def figures(session: Session, school_id: int, on: date | None = None) -> Figures:
    """The board's figures. A proposal still within its deadline does not count yet for 'on time'."""
    on = on or today()
    with_deadline = list(session.exec(select(Proposal).where(
        Proposal.school_id == school_id, Proposal.deadline.is_not(None), Proposal.state.in_(PUBLIC_STATES))))
    answered = [p for p in with_deadline if p.answered_at is not None]
    late_waiting = [p for p in with_deadline if p.answered_at is None and is_overdue(p, on)]
    on_time = sum(1 for p in answered if local_date(p.answered_at) <= p.deadline)
    free = holiday_ranges(session, school_id)
    durations = [school_days_between(local_date(p.with_management_at), local_date(p.answered_at), free)
                 for p in answered if p.with_management_at is not None]
    year_start = start_of_day(school_year_start(on))
    done = session.exec(select(func.count(Proposal.id)).where(
        Proposal.school_id == school_id, Proposal.state == "done", Proposal.closed_at >= year_start)).one()
    return Figures(on_time=on_time, judged=len(answered) + len(late_waiting),
                   median_days=statistics.median(durations) if durations else None, done_this_year=done)


def outcomes(session: Session, school_id: int, limit: int = 50) -> list[tuple[ProposalEvent, Proposal]]:
    """Answers and final outcomes of public proposals, newest first: the Atom feed."""
    return list(session.exec(
        select(ProposalEvent, Proposal).join(Proposal, Proposal.id == ProposalEvent.proposal_id)
        .where(ProposalEvent.school_id == school_id, ProposalEvent.action.in_(("answer", "close")),
               Proposal.state.in_(PUBLIC_STATES))
        .order_by(ProposalEvent.id.desc()).limit(limit)))


def by_state(session: Session, school_id: int) -> dict[str, list[Proposal]]:
    """All proposals of the school per state, for the council page."""
    groups: dict[str, list[Proposal]] = {state: [] for state in STATES}
    for p in session.exec(select(Proposal).where(Proposal.school_id == school_id)
                          .order_by(Proposal.changed_at.desc(), Proposal.id.desc())):
        groups[p.state].append(p)
    return groups


def board_view(session: Session, school: School, state: str | None, category_id: int | None, search: str = "",
               page: int = 1) -> dict:
    found = board(session, school, state, category_id, search=search, page=page)
    return {"items": found.items, "found": found, "figures": figures(session, school.id),
            "categories": categories(session, school.id), "public_states": PUBLIC_STATES,
            "state": state if state in PUBLIC_STATES else "", "category": category_id, "search": search}


def council_view(session: Session, school: School) -> dict:
    return {"groups": by_state(session, school.id), "names": category_names(session, school.id),
            "actions": {state: actions_for(state, "council") for state in STATES},
            "threshold": support_threshold(session, school), "confirm_first": CONFIRMED}


def management_view(session: Session, school: School) -> dict:
    return {"items": desk.waiting(session, school), "today": today()}


def answered_view(session: Session, school: School) -> dict:
    return {"items": desk.answered(session, school), "today": today()}


def admin_view(session: Session, school: School) -> dict:
    return {"school": school, "categories": categories(session, school.id), "holidays": holidays(session, school.id),
            "threshold": support_threshold(session, school), "audience": audience_size(session, school.id)}

