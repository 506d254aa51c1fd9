"""Proposals (voorstellen): the lifecycle and its permission table, supports, response deadlines,
the public board and its figures, and the school's categories, holidays and threshold settings.

Anonymity: a proposal has no author column. At submission we draw a random `author_nonce` and
store `author_tag = pseudonym(participant, "proposal-author", nonce)`; only the author's cookie can
make that tag again. Supports are keyed by a per-proposal pseudonym and deleted when the proposal
leaves the support phase, so afterwards nobody can tell who supported it: only the count stays.
"""

import hmac
import math
import secrets
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import _
from app.models import CodeSheet, ParticipationCode, School, Staff
from app.models.proposals import Proposal, ProposalCategory, ProposalEvent, ProposalSupport, SchoolHoliday
from app.services import audit, moderation
from app.services.access import Participant
from app.services.errors import Conflict, DomainError, Forbidden, NotFound
from app.timeutil import now_hour, today, utcnow


def N_(message: str) -> str:
    """Mark for translation; translated when shown."""
    return message


TITLE_MAX, BODY_MAX, TEXT_MAX = 120, 2000, 2000
CATEGORY_MAX, HOLIDAY_LABEL_MAX = 60, 100
DEFAULT_CATEGORIES = ("Te laat komen", "Schoolregels", "Uitstappen", "Lokalen en speelplaats", "Lessenrooster",
                      "Welzijn", "Andere")

STATES = ("submitted", "published", "with_management", "answered", "in_progress", "done", "not_done",
          "rejected_by_moderation", "withdrawn")
STATE_LABELS = {
    "submitted": N_("Wordt nagelezen"),
    "published": N_("Zoekt steun"),
    "with_management": N_("Bij de directie"),
    "answered": N_("Beantwoord"),
    "in_progress": N_("Wordt uitgevoerd"),
    "done": N_("Gedaan"),
    "not_done": N_("Niet gedaan"),
    "rejected_by_moderation": N_("Niet gepubliceerd"),
    "withdrawn": N_("Ingetrokken"),
}
# Everyone may see these; a submitted, rejected or withdrawn proposal is seen only by its author and staff.
PUBLIC_STATES = ("published", "with_management", "answered", "in_progress", "done", "not_done")
# Pupils may add or take back a support only in these states.
SUPPORT_STATES = ("published", "with_management")

DECISIONS = {"accepted": N_("Aanvaard"), "partly": N_("Deels aanvaard"), "declined": N_("Niet aanvaard")}
# Why a proposal was not published: the shared moderation.REJECT_REASONS, so one queue fits all.

# --- the permission table ------------------------------------------------------------------------
# Who may make which move, read as: in state FROM, ROLE may do ACTION, and the proposal goes to TO.
# Nothing else is allowed. Roles: the pupil who wrote it ("pupil_author"), any other pupil ("pupil"),
# the student council, management, and the system itself (the support threshold).


@dataclass(frozen=True)
class Rule:
    from_state: str
    action: str
    role: str
    to_state: str


RULES: tuple[Rule, ...] = (
    Rule("submitted", "approve", "council", "published"),
    Rule("submitted", "reject", "council", "rejected_by_moderation"),
    Rule("published", "forward", "council", "with_management"),
    Rule("published", "threshold", "system", "with_management"),
    Rule("with_management", "answer", "management", "answered"),
    Rule("answered", "start", "council", "in_progress"),
    Rule("in_progress", "update", "council", "in_progress"),
    Rule("answered", "close", "council", "done"),
    Rule("answered", "close", "council", "not_done"),
    Rule("in_progress", "close", "council", "done"),
    Rule("in_progress", "close", "council", "not_done"),
    Rule("submitted", "withdraw", "pupil_author", "withdrawn"),
    Rule("published", "withdraw", "pupil_author", "withdrawn"),
)
ROLES = ("pupil_author", "pupil", "council", "management")
ACTIONS = ("approve", "reject", "forward", "answer", "start", "update", "close", "withdraw")

ROLE_LABELS = {"pupil_author": N_("de indiener"), "pupil": N_("een leerling"), "council": N_("de leerlingenraad"),
               "management": N_("de directie"), "system": N_("het systeem")}
ACTION_VERBS = {
    "approve": N_("publiceren"), "reject": N_("weigeren"), "forward": N_("doorsturen naar de directie"),
    "threshold": N_("doorsturen naar de directie"), "answer": N_("beantwoorden"), "start": N_("starten"),
    "update": N_("nieuws geven"), "close": N_("afsluiten"), "withdraw": N_("intrekken"),
}
# What a timeline entry says happened.
EVENT_LABELS = {
    "submit": N_("Ingediend door een leerling"),
    "approve": N_("Nagelezen en gepubliceerd door de leerlingenraad"),
    "reject": N_("Niet gepubliceerd door de leerlingenraad"),
    "forward": N_("Doorgestuurd naar de directie door de leerlingenraad"),
    "threshold": N_("Genoeg steun: doorgestuurd naar de directie"),
    "answer": N_("Antwoord van de directie"),
    "start": N_("De uitvoering is gestart"),
    "update": N_("Nieuws over de uitvoering"),
    "close": N_("Afgesloten"),
    "withdraw": N_("Ingetrokken door de indiener"),
}
CLOSE_LABELS = {"done": N_("Afgesloten: gedaan"), "not_done": N_("Afgesloten: niet gedaan")}


def event_label(event: ProposalEvent) -> str:
    """The Dutch msgid saying what a timeline entry is (translate when shown)."""
    if event.action == "close":
        return CLOSE_LABELS.get(event.to_state, EVENT_LABELS["close"])
    return EVENT_LABELS.get(event.action, event.action)


ACTOR_OF_ROLE = {"pupil_author": "pupil", "pupil": "pupil", "council": "council", "management": "management",
                 "system": "system"}


def targets(from_state: str, action: str, role: str) -> list[str]:
    """The states this move may lead to; empty when the move is not allowed."""
    return [r.to_state for r in RULES if (r.from_state, r.action, r.role) == (from_state, action, role)]


def actions_for(state: str, role: str) -> list[str]:
    """The moves a role may make on a proposal in this state, in table order, each once."""
    return list(dict.fromkeys(r.action for r in RULES if r.from_state == state and r.role == role))


def refusal(state: str, action: str, role: str) -> str:
    """A clear Dutch reason why a move is refused."""
    verb = _(ACTION_VERBS.get(action, action))
    allowed = list(dict.fromkeys(r.role for r in RULES if r.from_state == state and r.action == action))
    if allowed and role not in allowed:
        who = " / ".join(_(ROLE_LABELS[r]) for r in allowed)
        return _("Dat mag je niet. Alleen {who} kan dit voorstel nu {verb}.").format(who=who, verb=verb)
    return _("Dat kan niet. Een voorstel met de status “{state}” kan je niet {verb}.").format(
        state=_(STATE_LABELS.get(state, state)), verb=verb)


def staff_role(staff: Staff) -> str:
    """The role a staff account plays in the permission table (admins have none)."""
    return staff.role if staff.role in ("council", "management") else "admin"


# --- school days and deadlines (pure) ------------------------------------------------------------

Holidays = Sequence[tuple[date, date]]


def is_school_day(day: date, holidays: Holidays = ()) -> bool:
    return day.weekday() < 5 and not any(first <= day <= last for first, last in holidays)


def add_school_days(start: date, days: int, holidays: Holidays = ()) -> date:
    """The day that is `days` school days after `start` (start itself not counted)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_school_day(day, holidays):
            counted += 1
    return day


def school_days_between(start: date, end: date, holidays: Holidays = ()) -> int:
    """School days after `start` up to and including `end` (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_school_day(day, holidays):
            count += 1
    return count


def is_overdue(proposal: Proposal, on: date | None = None) -> bool:
    """Past its deadline and still not answered: shown publicly as "te laat beantwoord"."""
    return (proposal.state == "with_management" and proposal.deadline is not None
            and (on or today()) > proposal.deadline)


def school_year_start(on: date) -> date:
    """A Flemish school year starts on 1 September."""
    return date(on.year if on.month >= 9 else on.year - 1, 9, 1)


# --- categories, holidays, settings ---------------------------------------------------------------

def categories(session: Session, school_id: int) -> list[ProposalCategory]:
    """The school's categories; the default list is added the first time it is needed."""
    rows = list(session.exec(select(ProposalCategory).where(ProposalCategory.school_id == school_id)
                             .order_by(ProposalCategory.position, ProposalCategory.id)))
    if rows:
        return rows
    try:
        with session.begin_nested():  # another request may seed at the same moment
            for position, name in enumerate(DEFAULT_CATEGORIES):
                session.add(ProposalCategory(school_id=school_id, name=name, position=position))
    except IntegrityError:
        pass
    return list(session.exec(select(ProposalCategory).where(ProposalCategory.school_id == school_id)
                             .order_by(ProposalCategory.position, ProposalCategory.id)))


def _category_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= CATEGORY_MAX:
        raise DomainError(_("Geef de categorie een naam van 1 tot {max} tekens.").format(max=CATEGORY_MAX))
    return name


def _name_taken(session: Session, school_id: int, name: str, except_id: int | None = None) -> bool:
    row = session.exec(select(ProposalCategory).where(
        ProposalCategory.school_id == school_id, func.lower(ProposalCategory.name) == name.lower())).first()
    return row is not None and row.id != except_id


def add_category(session: Session, staff: Staff, name: str) -> ProposalCategory:
    name = _category_name(name)
    existing = categories(session, staff.school_id)
    if _name_taken(session, staff.school_id, name):
        raise Conflict(_("De categorie '{name}' bestaat al.").format(name=name))
    category = ProposalCategory(school_id=staff.school_id, name=name,
                                position=max((c.position for c in existing), default=-1) + 1)
    session.add(category)
    session.flush()
    audit.record(session, staff, "proposal.category.add", "proposal_category", category.id, name)
    return category


def rename_category(session: Session, staff: Staff, category_id: int, name: str) -> ProposalCategory:
    category = session.get(ProposalCategory, category_id)
    if category is None or category.school_id != staff.school_id:
        raise NotFound(_("Deze categorie bestaat niet."))
    name = _category_name(name)
    if _name_taken(session, staff.school_id, name, except_id=category.id):
        raise Conflict(_("De categorie '{name}' bestaat al.").format(name=name))
    audit.record(session, staff, "proposal.category.rename", "proposal_category", category.id,
                 f"{category.name} -> {name}")
    category.name = name
    session.add(category)
    return category


def holidays(session: Session, school_id: int) -> list[SchoolHoliday]:
    return list(session.exec(select(SchoolHoliday).where(SchoolHoliday.school_id == school_id)
                             .order_by(SchoolHoliday.first_day)))


def holiday_ranges(session: Session, school_id: int) -> list[tuple[date, date]]:
    return [(h.first_day, h.last_day) for h in holidays(session, school_id)]


def add_holiday(session: Session, staff: Staff, first_day: date | None, last_day: date | None,
                label: str = "") -> SchoolHoliday:
    if first_day is None:
        raise DomainError(_("Kies de eerste vrije dag."))
    last_day = last_day or first_day
    if last_day < first_day:
        raise DomainError(_("De laatste dag mag niet vóór de eerste dag liggen."))
    if (last_day - first_day).days > 120:
        raise DomainError(_("Een vakantie duurt hoogstens 120 dagen. Voeg langere periodes in delen toe."))
    label = " ".join((label or "").split())
    if len(label) > HOLIDAY_LABEL_MAX:
        raise DomainError(_("De naam is te lang (hoogstens {max} tekens).").format(max=HOLIDAY_LABEL_MAX))
    holiday = SchoolHoliday(school_id=staff.school_id, first_day=first_day, last_day=last_day, label=label)
    session.add(holiday)
    session.flush()
    audit.record(session, staff, "proposal.holiday.add", "school_holiday", holiday.id,
                 f"{first_day.isoformat()}..{last_day.isoformat()} {label}")
    return holiday


def remove_holiday(session: Session, staff: Staff, holiday_id: int) -> None:
    holiday = session.get(SchoolHoliday, holiday_id)
    if holiday is None or holiday.school_id != staff.school_id:
        raise NotFound(_("Deze vakantie bestaat niet."))
    audit.record(session, staff, "proposal.holiday.remove", "school_holiday", holiday.id,
                 f"{holiday.first_day.isoformat()}..{holiday.last_day.isoformat()} {holiday.label}")
    session.delete(holiday)


def audience_size(session: Session, school_id: int) -> int:
    """Participants of a proposal's audience (the whole school): codes that still work.

    The number of codes is the best anonymous proxy we have: we never know who redeemed one."""
    return session.exec(
        select(func.count(ParticipationCode.id))
        .join(CodeSheet, CodeSheet.id == ParticipationCode.sheet_id)
        .where(ParticipationCode.school_id == school_id, CodeSheet.revoked_at.is_(None))
    ).one()


def support_threshold(session: Session, school: School) -> int:
    if school.support_threshold_percent:
        return max(1, math.ceil(school.support_threshold_percent * audience_size(session, school.id) / 100))
    return max(1, school.support_threshold)


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


# --- the lifecycle ---------------------------------------------------------------------------------

def _clean(text: str | None, limit: int = TEXT_MAX) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise DomainError(_("Je tekst is te lang: hoogstens {max} tekens.").format(max=limit))
    return text


def _check_input(action: str, text: str, decision: str | None, outcome: str | None, review_date: date | None,
                 reason: str | None, when: datetime) -> None:
    """Each move asks for what makes it understandable to pupils."""
    if action == "forward" and not text:
        raise DomainError(_("Schrijf waarom je dit voorstel naar de directie stuurt."))
    if action == "answer":
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
        if review_date is not None and review_date <= when.date():
            raise DomainError(_("De datum om opnieuw te bekijken moet later zijn dan vandaag."))
    if action == "reject" and reason not in moderation.REJECT_REASONS:
        raise DomainError(_("Kies een reden waarom het voorstel niet online komt."))


def transition(session: Session, proposal: Proposal, action: str, role: str, *, staff: Staff | None = None,
               text: str = "", decision: str | None = None, outcome: str | None = None,
               review_date: date | None = None, reason: str | None = None, edited_title: str | None = None,
               edited_body: str | None = None, audited: bool = True, at: datetime | None = None) -> ProposalEvent:
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
    to_state = outcome if action == "close" else allowed[0]
    if edited_title is not None or edited_body is not None:
        _apply_edit(proposal, edited_title, edited_body)
        text = text or _("De leerlingenraad paste de tekst een beetje aan.")
    from_state = proposal.state
    proposal.state, proposal.changed_at = to_state, when
    if to_state == "with_management":
        proposal.with_management_at = when
        proposal.deadline = add_school_days(when.date(), _school(session, proposal).response_days,
                                            holiday_ranges(session, proposal.school_id))
    if action == "answer":
        proposal.decision, proposal.answered_at = decision, when
    if action == "close":
        proposal.closed_at, proposal.review_date = when, review_date
    if action == "reject":
        proposal.rejection_reason = reason
        text = moderation.reason_label(reason)
    if from_state in SUPPORT_STATES and to_state not in SUPPORT_STATES:
        # Like closing a poll: keep the count, forget who supported.
        session.exec(delete(ProposalSupport).where(ProposalSupport.proposal_id == proposal.id))
    session.add(proposal)
    event = ProposalEvent(school_id=proposal.school_id, proposal_id=proposal.id, actor=ACTOR_OF_ROLE[role],
                          action=action, from_state=from_state, to_state=to_state, text=text,
                          decision=decision if action == "answer" else None,
                          review_date=review_date if action == "close" else None, created_at=when)
    session.add(event)
    if staff is not None and audited:
        audit.record(session, staff, f"proposal.{action}", "proposal", proposal.id, f"{from_state} -> {to_state}: {text}")
    session.flush()
    return event


def _apply_edit(proposal: Proposal, title: str | None, body: str | None) -> None:
    """A moderator's edit (to take out a name, say), held to the same limits as the pupil's text."""
    title = proposal.title if title is None else " ".join(title.split())
    body = proposal.body if body is None else body.strip()
    if not 3 <= len(title) <= TITLE_MAX:
        raise DomainError(_("De titel heeft 3 tot {max} tekens.").format(max=TITLE_MAX))
    if not 1 <= len(body) <= BODY_MAX:
        raise DomainError(_("De tekst van het voorstel heeft 1 tot {max} tekens.").format(max=BODY_MAX))
    proposal.title, proposal.body = title, body


def _school(session: Session, proposal: Proposal) -> School:
    return session.get(School, proposal.school_id)


def _locked(session: Session, school_id: int, proposal_id: int) -> Proposal:
    """The proposal, locked for this transaction (PostgreSQL), so concurrent moves queue up."""
    proposal = session.get(Proposal, proposal_id, with_for_update=True, populate_existing=True)
    if proposal is None or proposal.school_id != school_id:
        raise NotFound(_("Dit voorstel bestaat niet."))
    return proposal


def staff_move(session: Session, staff: Staff, proposal_id: int, action: str, *, text: str = "",
               decision: str | None = None, outcome: str | None = None, review_date: date | None = None,
               reason: str | None = None, edited_title: str | None = None, edited_body: str | None = None,
               audited: bool = True) -> Proposal:
    """A council or management move on a proposal of their school (admins may not move proposals)."""
    if action not in ACTIONS:
        raise DomainError(_("Onbekende stap."))
    proposal = _locked(session, staff.school_id, proposal_id)
    transition(session, proposal, action, staff_role(staff), staff=staff, text=text, decision=decision,
               outcome=outcome, review_date=review_date, reason=reason, edited_title=edited_title,
               edited_body=edited_body, audited=audited)
    return proposal


def is_author(participant: Participant | None, proposal: Proposal) -> bool:
    if participant is None or participant.school_id != proposal.school_id:
        return False
    return hmac.compare_digest(participant.pseudonym("proposal-author", proposal.author_nonce), proposal.author_tag)


def pupil_role(participant: Participant, proposal: Proposal) -> str:
    return "pupil_author" if is_author(participant, proposal) else "pupil"


def withdraw(session: Session, participant: Participant, proposal_id: int) -> Proposal:
    proposal = _locked(session, participant.school_id, proposal_id)
    if proposal.state not in PUBLIC_STATES and not is_author(participant, proposal):
        raise NotFound(_("Dit voorstel bestaat niet."))
    transition(session, proposal, "withdraw", pupil_role(participant, proposal))
    return proposal


def submit(session: Session, limiter, school: School, participant: Participant, title: str, body: str,
           category_id: int | None) -> tuple[Proposal, moderation.Screened]:
    """A pupil's new proposal, counted against the shared posting budget. It always waits for the
    council first (pre-moderated), whatever the school's mode for other texts."""
    title, body = " ".join((title or "").split()), (body or "").strip()
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
    proposal = _create(session, school.id, participant, title, body, category_id, screened, now_hour())
    return proposal, screened


def _create(session: Session, school_id: int, participant: Participant, title: str, body: str, category_id: int,
            screened: moderation.Screened, when: datetime) -> Proposal:
    nonce = secrets.token_hex(16)
    proposal = Proposal(school_id=school_id, category_id=category_id, title=title, body=body, state="submitted",
                        urgent=screened.urgent, verdict=screened.verdict, author_nonce=nonce,
                        author_tag=participant.pseudonym("proposal-author", nonce), created_at=when, changed_at=when)
    session.add(proposal)
    session.flush()
    session.add(ProposalEvent(school_id=school_id, proposal_id=proposal.id, actor="pupil", action="submit",
                              to_state="submitted", created_at=when))
    session.flush()
    return proposal


# --- supports --------------------------------------------------------------------------------------

def _support_pseudonym(participant: Participant, proposal: Proposal) -> str:
    return participant.pseudonym("proposal-support", proposal.id)


def _supportable(session: Session, participant: Participant, proposal_id: int) -> Proposal:
    proposal = _locked(session, participant.school_id, proposal_id)
    if proposal.state not in PUBLIC_STATES:
        raise NotFound(_("Dit voorstel bestaat niet."))
    if proposal.state not in SUPPORT_STATES:
        raise Conflict(_("Dit voorstel zoekt geen steun meer: het is “{state}”.").format(
            state=_(STATE_LABELS[proposal.state])))
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
    proposal = _supportable(session, participant, proposal_id)
    if has_supported(session, participant, proposal):
        return proposal, False
    try:
        with session.begin_nested():
            session.add(ProposalSupport(school_id=proposal.school_id, proposal_id=proposal.id,
                                        pseudonym=_support_pseudonym(participant, proposal)))
    except IntegrityError:  # the same participant, at the same moment, on another phone
        return proposal, False
    proposal.support_count += 1
    session.add(proposal)
    school = _school(session, proposal)
    if proposal.state == "published" and proposal.support_count >= support_threshold(session, school):
        transition(session, proposal, "threshold", "system", at=at)
    session.flush()
    return proposal, True


def unsupport(session: Session, participant: Participant, proposal_id: int) -> tuple[Proposal, bool]:
    """Take a support back; (proposal, False) when there was none."""
    proposal = _supportable(session, participant, proposal_id)
    result = session.exec(delete(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id,
        ProposalSupport.pseudonym == _support_pseudonym(participant, proposal)))
    if not result.rowcount:
        return proposal, False
    proposal.support_count = max(0, proposal.support_count - 1)
    session.add(proposal)
    session.flush()
    return proposal, True


# --- reading ---------------------------------------------------------------------------------------

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


def _category_names(session: Session, school_id: int) -> dict[int, str]:
    return {c.id: c.name for c in categories(session, school_id)}


def _last_events(session: Session, proposal_ids: list[int]) -> dict[int, ProposalEvent]:
    if not proposal_ids:
        return {}
    latest = (select(func.max(ProposalEvent.id)).where(ProposalEvent.proposal_id.in_(proposal_ids))
              .group_by(ProposalEvent.proposal_id))
    return {e.proposal_id: e for e in session.exec(select(ProposalEvent).where(ProposalEvent.id.in_(latest)))}


def board(session: Session, school: School, state: str | None = None, category_id: int | None = None,
          on: date | None = None) -> list[Item]:
    """The public board: every public proposal, overdue ones first, then the most recently changed."""
    query = select(Proposal).where(Proposal.school_id == school.id, Proposal.state.in_(PUBLIC_STATES))
    if state in PUBLIC_STATES:
        query = query.where(Proposal.state == state)
    if category_id is not None:
        query = query.where(Proposal.category_id == category_id)
    proposals = list(session.exec(query.order_by(Proposal.changed_at.desc(), Proposal.id.desc())))
    names = _category_names(session, school.id)
    last = _last_events(session, [p.id for p in proposals])
    threshold = support_threshold(session, school)
    items = [Item(p, names.get(p.category_id, ""), threshold, is_overdue(p, on), last.get(p.id)) for p in proposals]
    return sorted(items, key=lambda i: not i.overdue)  # a late answer stays in sight at the top


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
    return Item(proposal, _category_names(session, school.id).get(proposal.category_id, ""),
                support_threshold(session, school), is_overdue(proposal, on), events[-1] if events else None,
                events, author, has_supported(session, participant, proposal))


def mine(session: Session, participant: Participant, proposal_ids: Iterable[int]) -> list[Item]:
    """The author's own proposals, from the ids in their cookie, each checked against its author tag."""
    ids = [i for i in proposal_ids if isinstance(i, int)][:100]
    if not ids:
        return []
    proposals = [p for p in session.exec(select(Proposal).where(Proposal.id.in_(ids)).order_by(Proposal.id.desc()))
                 if is_author(participant, p)]
    names = _category_names(session, participant.school_id)
    last = _last_events(session, [p.id for p in proposals])
    return [Item(p, names.get(p.category_id, ""), 0, is_overdue(p), last.get(p.id), is_author=True)
            for p in proposals]


def changed_since(session: Session, school_id: int, seen: dict[int, int]) -> list[Proposal]:
    """Followed public proposals with a timeline entry newer than the last one this phone saw."""
    if not seen:
        return []
    latest = dict(session.exec(
        select(ProposalEvent.proposal_id, func.max(ProposalEvent.id))
        .where(ProposalEvent.proposal_id.in_(list(seen)), ProposalEvent.school_id == school_id)
        .group_by(ProposalEvent.proposal_id)).all())
    changed = [pid for pid, last in latest.items() if last > seen.get(pid, 0)]
    if not changed:
        return []
    return list(session.exec(select(Proposal).where(Proposal.id.in_(changed), Proposal.state.in_(PUBLIC_STATES))
                             .order_by(Proposal.changed_at.desc())))


def followable(session: Session, school: School, proposal_id: int) -> tuple[Proposal, int]:
    """A public proposal someone may follow, and the id of its latest timeline entry."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.school_id != school.id or proposal.state not in PUBLIC_STATES:
        raise NotFound(_("Dit voorstel bestaat niet."))
    last = session.exec(select(func.max(ProposalEvent.id)).where(ProposalEvent.proposal_id == proposal_id)).one()
    return proposal, last or 0


def open_for_support(session: Session, school_id: int) -> int:
    return session.exec(select(func.count(Proposal.id)).where(
        Proposal.school_id == school_id, Proposal.state == "published")).one()


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
    on_time = sum(1 for p in answered if p.answered_at.date() <= p.deadline)
    free = holiday_ranges(session, school_id)
    durations = [school_days_between(p.with_management_at.date(), p.answered_at.date(), free)
                 for p in answered if p.with_management_at is not None]
    year_start = datetime.combine(school_year_start(on), time.min, tzinfo=UTC)
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


def to_answer(session: Session, school_id: int) -> list[Proposal]:
    """Proposals waiting for management, the nearest deadline first."""
    return list(session.exec(select(Proposal).where(
        Proposal.school_id == school_id, Proposal.state == "with_management")
        .order_by(Proposal.deadline, Proposal.id)))


# --- what each page shows (one call per page) -------------------------------------------------------

def board_view(session: Session, school: School, state: str | None, category_id: int | None) -> dict:
    return {"items": board(session, school, state, category_id), "figures": figures(session, school.id),
            "categories": categories(session, school.id), "public_states": PUBLIC_STATES,
            "state": state if state in PUBLIC_STATES else "", "category": category_id}


def council_view(session: Session, school: School) -> dict:
    return {"groups": by_state(session, school.id), "names": _category_names(session, school.id),
            "actions": {state: actions_for(state, "council") for state in STATES},
            "threshold": support_threshold(session, school)}


def management_view(session: Session, school: School) -> dict:
    return {"items": to_answer(session, school.id), "names": _category_names(session, school.id), "today": today()}


def admin_view(session: Session, school: School) -> dict:
    return {"school": school, "categories": categories(session, school.id), "holidays": holidays(session, school.id),
            "threshold": support_threshold(session, school), "audience": audience_size(session, school.id)}


# --- moderation: one queue for all pupil text -----------------------------------------------------

def _queue_text(proposal: Proposal) -> str:
    """Title on the first line, then the text: a moderator may edit both in one box."""
    return f"{proposal.title}\n\n{proposal.body}"


def _pending(session: Session, school_id: int) -> list[moderation.QueueItem]:
    rows = session.exec(select(Proposal).where(Proposal.school_id == school_id, Proposal.state == "submitted")
                        .order_by(Proposal.created_at, Proposal.id))
    return [moderation.QueueItem(kind="proposal", id=p.id, text=_queue_text(p), urgent=p.urgent,
                                 verdict=p.verdict, created_at=p.created_at, url=f"/voorstellen/{p.id}")
            for p in rows]


def _decide(session: Session, staff: Staff, item_id: int, decision: str, reason: str,
            edited_text: str | None) -> None:
    """The shared queue's decision; the queue writes the audit entry, the timeline entry is ours."""
    if decision not in ("approve", "reject"):
        raise DomainError(_("Kies goedkeuren of afwijzen."))
    title = body = None
    if edited_text is not None:
        title, _sep, body = edited_text.strip().partition("\n")
    staff_move(session, staff, item_id, decision, reason=reason or None, edited_title=title, edited_body=body,
               audited=False)


def _comment_target(session: Session, school_id: int, item_id: int) -> str | None:
    proposal = session.get(Proposal, item_id)
    if proposal is None or proposal.school_id != school_id or proposal.state not in PUBLIC_STATES:
        return None
    return proposal.title


moderation.register(moderation.ModeratedKind("proposal", N_("Voorstel"), pending=_pending, decide=_decide))
moderation.COMMENT_TARGETS["proposal"] = _comment_target
moderation.COMMENT_TARGET_URLS["proposal"] = "/voorstellen/{id}"


# --- demo content ----------------------------------------------------------------------------------

def _demo_holidays(session: Session, school_id: int, on: date) -> None:
    """Plausible Flemish days off for the current school year (the admin page can correct them)."""
    year = school_year_start(on).year
    autumn_end = date(year, 11, 1) + timedelta(days=(6 - date(year, 11, 1).weekday()) % 7)
    christmas = date(year, 12, 25) - timedelta(days=date(year, 12, 25).weekday())
    for first, last, label in ((autumn_end - timedelta(days=13), autumn_end, "Herfstvakantie"),
                               (date(year, 11, 11), date(year, 11, 11), "Wapenstilstand"),
                               (christmas, christmas + timedelta(days=13), "Kerstvakantie")):
        session.add(SchoolHoliday(school_id=school_id, first_day=first, last_day=last, label=label))
    session.flush()


def _demo_participants(session: Session, school: School, server_key: bytes) -> list[Participant]:
    """Demo pupils of 3A..5A; the first five codes of 3A are left free for a person trying the demo."""
    from app.services import anonymity, demo, school as school_service

    people = []
    for group_name in ("3A", "3B", "4A", "4B", "5A"):
        group = school_service.find_group(session, school.id, group_name)
        codes = demo.demo_codes(server_key, group=group_name)
        for code in codes[5:] if group_name == demo.DEMO_GROUP else codes:
            # code_id is only used to rebuild a participant from a cookie; these never have one.
            people.append(Participant(secret=anonymity.participant_secret(server_key, code), code_id=0,
                                      group_id=group.id, school_id=school.id))
    return people


def load_demo(session: Session, school: School, server_key: bytes) -> None:
    """The late-arrival proposal with its whole journey, and a proposal in every other state."""
    now = utcnow()
    _demo_holidays(session, school.id, now.date())
    free = holiday_ranges(session, school.id)
    people = _demo_participants(session, school, server_key)
    council = session.exec(select(Staff).where(Staff.school_id == school.id, Staff.role == "council")).first()
    management = session.exec(select(Staff).where(Staff.school_id == school.id, Staff.role == "management")).first()
    cats = {c.name: c.id for c in categories(session, school.id)}
    ok = moderation.Screened(status="pending", urgent=False, verdict="ok")

    def back(school_days: int, hour: int, minute: int = 0) -> datetime:
        day = now.date()
        for _i in range(school_days):
            day -= timedelta(days=1)
            while not is_school_day(day, free):
                day -= timedelta(days=1)
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)

    def new(author: int, category: str, title: str, body: str, days: int, verdict: str = "ok") -> Proposal:
        return _create(session, school.id, people[author], title, body, cats[category],
                       replace(ok, verdict=verdict), back(days, 13))

    def move(proposal: Proposal, action: str, days: int, hour: int, **fields) -> None:
        staff = management if action == "answer" else council
        transition(session, proposal, action, staff_role(staff), staff=staff, at=back(days, hour, 20), **fields)

    def supports(proposal: Proposal, first: int, count: int, days: int) -> None:
        for person in people[first:first + count]:
            support(session, person, proposal.id, at=back(days, 16))

    late = new(140, "Te laat komen", "Geen straf meer voor één minuut te laat",
               "Wie één minuut te laat komt omdat de bus vertraging had, krijgt nu meteen strafstudie. Dat voelt "
               "oneerlijk: we kunnen niets aan de bus doen. We stellen voor: geen straf voor wie een paar minuten "
               "te laat is, wel een gesprek als het vaak gebeurt.", 40)
    move(late, "approve", 39, 8)
    supports(late, 0, 34, 36)
    move(late, "answer", 28, 15, decision="partly",
         text="We schaffen de straf niet helemaal af, maar we passen de regel aan. Wie tot vijf minuten te laat is "
              "door de bus of de trein, krijgt geen strafstudie meer en meldt zich aan het onthaal. Wie meer dan "
              "drie keer per maand te laat is, praat met de leerlingbegeleiding in plaats van een straf te krijgen. "
              "Zo blijft het rustig in de klas en zoeken we samen naar de oorzaak.")
    move(late, "start", 25, 12, text="De leerlingenraad schrijft samen met de directie de nieuwe regel voor het "
                                      "schoolreglement.")
    move(late, "update", 15, 12, text="De schoolraad keurde de nieuwe regel goed. Hij geldt vanaf maandag in alle "
                                      "jaren.")
    move(late, "close", 8, 16, outcome="done", review_date=date(now.year + (now.month >= 6), 6, 1),
         text="Niemand krijgt nog strafstudie voor een paar minuten te laat. Wie vaak te laat is, krijgt een "
              "gesprek. In juni kijken we samen of het werkt.")

    benches = new(139, "Lokalen en speelplaats", "Meer bankjes op de speelplaats",
                  "Op de speelplaats zijn maar vier bankjes. Bij mooi weer zit iedereen op de grond. Kunnen er "
                  "bankjes bij aan de kant van de sporthal?", 6)
    move(benches, "approve", 5, 9)
    supports(benches, 40, 12, 3)

    water = new(138, "Welzijn", "Drinkwaterfontein in elke gang",
                "Er is maar één kraan met drinkwater, in de refter. Tussen de lessen raak je er niet. Een fontein "
                "in elke gang helpt om genoeg te drinken.", 30)
    move(water, "approve", 29, 8)
    supports(water, 10, 27, 24)  # with management since 24 school days: past its deadline

    trip = new(137, "Uitstappen", "Schooluitstap naar zee in juni",
               "Na de examens in juni gaan we graag met het hele jaar een dag naar zee, in plaats van een film "
               "te kijken in de klas.", 8)
    move(trip, "approve", 7, 8)
    supports(trip, 60, 9, 5)
    move(trip, "forward", 3, 10, text="De bus moet vóór de kerstvakantie geboekt worden. Daarom vragen we de "
                                      "directie nu al om een antwoord.")

    phones = new(136, "Schoolregels", "Gsm gebruiken tijdens de middagpauze",
                 "We willen tijdens de middagpauze onze gsm mogen gebruiken op de speelplaats, niet in de klas.", 35)
    move(phones, "approve", 34, 8)
    supports(phones, 70, 26, 30)
    move(phones, "answer", 20, 14, decision="declined",
         text="We houden de regel: geen gsm op de speelplaats. Leerlingen en leerkrachten zeggen dat er meer "
              "gepraat en gespeeld wordt sinds de regel er is. In de bibliotheek mag je de gsm wel gebruiken "
              "voor schoolwerk.")

    quiet = new(135, "Welzijn", "Een stille ruimte tijdens de middag",
                "Soms heb je nood aan rust. Kan er tijdens de middag een lokaal open zijn waar het stil is?", 33)
    move(quiet, "approve", 32, 8)
    supports(quiet, 100, 11, 31)
    move(quiet, "forward", 31, 11, text="Veel leerlingen vertelden ons dat ze rust missen. We vinden dit "
                                        "belangrijk, ook al zijn er nog geen 25 steunen.")
    move(quiet, "answer", 26, 15, decision="accepted",
         text="Goed idee. Lokaal B12 wordt elke middag een stille ruimte. Een leerkracht is er aanwezig.")
    move(quiet, "start", 22, 12, text="We zoeken zitzakken en maken een bordje voor de deur.")
    move(quiet, "update", 10, 12, text="De zitzakken zijn er. Vanaf volgende week is B12 elke middag open.")

    friday = new(134, "Lessenrooster", "Vrijdagnamiddag om 15 uur naar huis",
                 "Op vrijdag zijn de laatste lessen zwaar. We stellen voor om op vrijdag om 15 uur te stoppen.", 45)
    move(friday, "approve", 44, 8)
    supports(friday, 110, 30, 41)
    move(friday, "answer", 33, 15, decision="declined",
         text="Dat kan niet: het aantal lesuren per week ligt vast. Als we vrijdag vroeger stoppen, moeten we op "
              "andere dagen langer les geven.")
    move(friday, "close", 30, 12, outcome="not_done",
         text="De leerlingenraad besprak het antwoord. We zoeken verder naar een lichtere vrijdagnamiddag, "
              "bijvoorbeeld met sport of projectwerk.")

    new(133, "Lokalen en speelplaats", "Microgolfoven in de refter",
        "Wie warm eten meebrengt, kan het nergens opwarmen. Een microgolfoven in de refter zou helpen.", 1)

    teacher = new(132, "Andere", "Andere leerkracht voor wiskunde",
                  "De leerkracht wiskunde van onze klas legt slecht uit. We willen iemand anders.", 14, verdict="person")
    move(teacher, "reject", 13, 9, reason="person")

    lunch = new(131, "Lessenrooster", "Langere middagpauze",
                "Een middagpauze van 50 minuten is te kort om te eten en buiten te spelen.", 12)
    move(lunch, "approve", 11, 8)
    transition(session, lunch, "withdraw", "pupil_author", at=back(9, 18))
    session.flush()
