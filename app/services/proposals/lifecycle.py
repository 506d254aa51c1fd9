"""The proposal lifecycle: submitting, every move of the permission table with its timeline entry
(and audit entry for staff), withdrawing, and the author check.

Anonymity: a proposal has no author column. At submission we draw a random `author_nonce` and
store `author_tag = pseudonym(participant, "proposal-author", nonce)`; only the author's cookie can
make that tag again.
"""

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from app.i18n import _
from app.models import School, Staff
from app.models.proposals import Proposal, ProposalEvent, ProposalSupport
from app.services import audit, moderation, shared
from app.services.access import Participant
from app.services.errors import DomainError, Forbidden, NotFound
from app.services.proposals.rules import (ACTIONS, ACTOR_OF_ROLE, BODY_MAX, DECISIONS, PUBLIC_STATES,
                                          SUPPORT_SCHOOL_DAYS, SUPPORT_STATES, TEXT_MAX, TITLE_MAX, refusal, staff_role,
                                          targets)
from app.services.proposals.school_days import add_school_days, is_school_day
from app.services.proposals.settings import categories, holiday_ranges
from app.timeutil import local_date, now_hour, utcnow


def _clean(text: str | None, limit: int = TEXT_MAX) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise DomainError(_("Je tekst is te lang: hoogstens {max} tekens.").format(max=limit))
    return text


# How far management may move its answer date when it asks for more time, in school days.
MAX_EXTENSION_DAYS = 30


def _check_input(action: str, text: str, decision: str | None, outcome: str | None, review_date: date | None,
                 reason: str | None, when: datetime) -> None:
    """Each move asks for what makes it understandable to pupils."""
    if action == "forward" and not text:
        raise DomainError(_("Schrijf waarom je dit voorstel naar de directie stuurt."))
    if action in ("answer", "correct"):
        if decision not in DECISIONS:
            raise DomainError(_("Kies een beslissing: aanvaard, deels aanvaard of niet aanvaard."))
        if not text:
            raise DomainError(_("Leg je beslissing uit. De leerlingen lezen die uitleg."))
    if action == "update" and not text:
        raise DomainError(_("Schrijf wat er nieuw is."))
    if action == "close":
        if outcome not in ("done", "not_done"):
            raise DomainError(_("Kies of het voorstel gedaan of niet gedaan is."))
        if not text:
            raise DomainError(_("Schrijf wat er gedaan is, of waarom niet."))
        if review_date is not None and review_date <= local_date(when):
            raise DomainError(_("De datum om opnieuw te bekijken moet later zijn dan vandaag."))
    if action == "reject" and reason not in moderation.REJECT_REASONS:
        raise DomainError(_("Kies een reden waarom het voorstel niet online komt."))
    if action == "extend" and not text:
        raise DomainError(_("Schrijf waarom je meer tijd nodig hebt. De leerlingen lezen dat."))


def _check_extension(session: Session, proposal: Proposal, new_deadline: date | None, when: datetime) -> None:
    """More time once, to a real school day after the current deadline and within reach."""
    asked = session.exec(select(func.count()).select_from(ProposalEvent).where(
        ProposalEvent.proposal_id == proposal.id, ProposalEvent.action == "extend")).one()
    if asked:
        raise DomainError(_("De directie vroeg al eens meer tijd voor dit voorstel. Dat kan maar één keer."))
    if new_deadline is None:
        raise DomainError(_("Kies de nieuwe datum waarop je antwoordt."))
    free = holiday_ranges(session, proposal.school_id)
    after = max(proposal.deadline or local_date(when), local_date(when))
    if new_deadline <= after:
        raise DomainError(_("De nieuwe datum moet later zijn dan {date}.").format(date=after.strftime("%d/%m/%Y")))
    latest = add_school_days(after, MAX_EXTENSION_DAYS, free)
    if new_deadline > latest:
        raise DomainError(_("Kies een datum tot {days} schooldagen verder, uiterlijk {date}.").format(
            days=MAX_EXTENSION_DAYS, date=latest.strftime("%d/%m/%Y")))
    if not is_school_day(new_deadline, free):
        raise DomainError(_("De nieuwe datum valt in een weekend of een vakantie. Kies een schooldag."))


def check_move(session: Session, staff: Staff, proposal_id: int, action: str, *, text: str = "",
               decision: str | None = None, outcome: str | None = None, review_date: date | None = None,
               reason: str | None = None, new_deadline: date | None = None) -> Proposal:
    """Would this staff move be accepted? Raises what `staff_move` would raise, changes nothing:
    the confirmation page is shown only for a move that can be made."""
    if action not in ACTIONS:
        raise DomainError(_("Onbekende stap."))
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.school_id != staff.school_id:
        raise NotFound(_("Dit voorstel bestaat niet."))
    role = staff_role(staff)
    if not targets(proposal.state, action, role):
        raise Forbidden(refusal(proposal.state, action, role))
    when = utcnow()
    _check_input(action, _clean(text), decision, outcome, review_date, reason, when)
    if action == "extend":
        _check_extension(session, proposal, new_deadline, when)
    return proposal


def transition(session: Session, proposal: Proposal, action: str, role: str, *, staff: Staff | None = None,
               text: str = "", decision: str | None = None, outcome: str | None = None,
               review_date: date | None = None, reason: str | None = None, edited_title: str | None = None,
               edited_body: str | None = None, audited: bool = True, at: datetime | None = None,
               new_deadline: date | None = None) -> ProposalEvent:
    """Make one move from the permission table, write its timeline entry and (for staff) its audit entry.

    A move that is not in the table raises Forbidden and changes nothing. `audited=False` only when
    the caller writes the audit entry itself (the shared moderation queue does)."""
    allowed = targets(proposal.state, action, role)
    if not allowed:
        raise Forbidden(refusal(proposal.state, action, role))
    # Pupil acts (and what a pupil's support triggers) are kept to the hour; staff acts exactly.
    when = at or (utcnow() if role in ("council", "management") else now_hour())
    text = _clean(text)
    _check_input(action, text, decision, outcome, review_date, reason, when)
    if action == "extend":
        _check_extension(session, proposal, new_deadline, when)
        proposal.deadline = new_deadline
    to_state = outcome if action == "close" else allowed[0]
    if edited_title is not None or edited_body is not None:
        _apply_edit(proposal, edited_title, edited_body)
        text = text or _("De leerlingenraad paste de tekst een beetje aan.")
    from_state = proposal.state
    proposal.state, proposal.changed_at = to_state, when
    if to_state == "published":
        proposal.support_until = add_school_days(local_date(when), SUPPORT_SCHOOL_DAYS,
                                                 holiday_ranges(session, proposal.school_id))
    if to_state == "with_management" and from_state != "with_management":
        proposal.with_management_at = when
        proposal.deadline = add_school_days(local_date(when), school_of(session, proposal).response_days,
                                            holiday_ranges(session, proposal.school_id))
    if action == "answer":
        proposal.decision, proposal.answered_at = decision, when
    if action == "correct":
        proposal.decision = decision
    if action == "close":
        proposal.closed_at, proposal.review_date = when, review_date
    if action == "reject":
        proposal.rejection_reason = reason
        text = moderation.reason_label(reason)
    if from_state in SUPPORT_STATES and to_state not in SUPPORT_STATES:
        # Like closing a poll: the count becomes exact, and who supported is forgotten.
        proposal.support_count = session.exec(select(func.count()).select_from(ProposalSupport).where(
            ProposalSupport.proposal_id == proposal.id)).one()
        session.exec(delete(ProposalSupport).where(ProposalSupport.proposal_id == proposal.id))
        session.info["erased"] = True
    session.add(proposal)
    event = ProposalEvent(school_id=proposal.school_id, proposal_id=proposal.id, actor=ACTOR_OF_ROLE[role],
                          action=action, from_state=from_state, to_state=to_state, text=text,
                          decision=decision if action in ("answer", "correct") else None,
                          review_date=review_date if action == "close" else None,
                          new_deadline=new_deadline if action == "extend" else None, created_at=when)
    session.add(event)
    if staff is not None and audited:
        audit.record(session, staff, f"proposal.{action}", "proposal", proposal.id, f"{from_state} -> {to_state}: {text}")
    session.flush()
    return event


def _apply_edit(proposal: Proposal, title: str | None, body: str | None) -> None:
    """A moderator's edit (to take out a name, say), held to the same limits as the pupil's text."""
    title = proposal.title if title is None else shared.one_line(title)
    body = proposal.body if body is None else body.strip()
    if not 3 <= len(title) <= TITLE_MAX:
        raise DomainError(_("De titel heeft 3 tot {max} tekens.").format(max=TITLE_MAX))
    if not 1 <= len(body) <= BODY_MAX:
        raise DomainError(_("De tekst van het voorstel heeft 1 tot {max} tekens.").format(max=BODY_MAX))
    proposal.title, proposal.body = title, body


def school_of(session: Session, proposal: Proposal) -> School:
    return session.get(School, proposal.school_id)


def locked(session: Session, school_id: int, proposal_id: int) -> Proposal:
    """The proposal, locked for this transaction (PostgreSQL), so concurrent moves queue up."""
    proposal = session.get(Proposal, proposal_id, with_for_update=True, populate_existing=True)
    if proposal is None or proposal.school_id != school_id:
        raise NotFound(_("Dit voorstel bestaat niet."))
    return proposal


def staff_move(session: Session, staff: Staff, proposal_id: int, action: str, *, text: str = "",
               decision: str | None = None, outcome: str | None = None, review_date: date | None = None,
               reason: str | None = None, edited_title: str | None = None, edited_body: str | None = None,
               audited: bool = True, new_deadline: date | None = None) -> Proposal:
    """A council or management move on a proposal of their school (admins may not move proposals)."""
    if action not in ACTIONS:
        raise DomainError(_("Onbekende stap."))
    proposal = locked(session, staff.school_id, proposal_id)
    transition(session, proposal, action, staff_role(staff), staff=staff, text=text, decision=decision,
               outcome=outcome, review_date=review_date, reason=reason, edited_title=edited_title,
               edited_body=edited_body, audited=audited, new_deadline=new_deadline)
    return proposal


def is_author(participant: Participant | None, proposal: Proposal) -> bool:
    if participant is None or participant.school_id != proposal.school_id:
        return False
    return shared.is_author(participant, "proposal-author", proposal.author_nonce, proposal.author_tag)


def pupil_role(participant: Participant, proposal: Proposal) -> str:
    return "pupil_author" if is_author(participant, proposal) else "pupil"


def withdraw(session: Session, participant: Participant, proposal_id: int) -> Proposal:
    proposal = locked(session, participant.school_id, proposal_id)
    if proposal.state not in PUBLIC_STATES and not is_author(participant, proposal):
        raise NotFound(_("Dit voorstel bestaat niet."))
    transition(session, proposal, "withdraw", pupil_role(participant, proposal))
    return proposal


def submit(session: Session, limiter, school: School, participant: Participant, title: str, body: str,
           category_id: int | None) -> tuple[Proposal, moderation.Screened]:
    """A pupil's new proposal, counted against the shared posting budget. It always waits for the
    council first (pre-moderated), whatever the school's mode for other texts."""
    title, body = shared.one_line(title), (body or "").strip()
    if not 3 <= len(title) <= TITLE_MAX:
        raise DomainError(_("Geef je voorstel een titel van 3 tot {max} tekens.").format(max=TITLE_MAX))
    if not 10 <= len(body) <= BODY_MAX:
        raise DomainError(_("Leg je voorstel uit in 10 tot {max} tekens.").format(max=BODY_MAX))
    valid = {c.id for c in categories(session, school.id)}
    if category_id not in valid:
        raise DomainError(_("Kies een categorie."))
    screened = replace(moderation.screen_new_text(session, school, title, body), status="pending")
    if not moderation.allow_post(limiter, participant):
        raise moderation.PostingLimit(screened)  # carries the screening: help lines still show
    proposal = create(session, school.id, participant, title, body, category_id, screened, now_hour())
    return proposal, screened


def create(session: Session, school_id: int, participant: Participant, title: str, body: str, category_id: int,
            screened: moderation.Screened, when: datetime) -> Proposal:
    nonce, tag = shared.new_author_tag(participant, "proposal-author")
    proposal = Proposal(school_id=school_id, category_id=category_id, title=title, body=body, state="submitted",
                        urgent=screened.urgent, verdict=screened.verdict, author_nonce=nonce,
                        author_tag=tag, created_at=when, changed_at=when)
    session.add(proposal)
    session.flush()
    session.add(ProposalEvent(school_id=school_id, proposal_id=proposal.id, actor="pupil", action="submit",
                              to_state="submitted", created_at=when))
    session.flush()
    return proposal

