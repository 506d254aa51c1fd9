"""Statements and polls: audiences, one vote per participant (the ballot box of DESIGN.md),
k-anonymous results with a consensus score, closing and erasing, and live classroom sessions.

A vote is one transaction: find the participant's has-voted row by its per-item pseudonym,
open the old choice with the participant's own key, subtract it from the tallies, add the
new one. The tallies never learn who, when or in which order; the has-voted rows are
deleted when the item closes.
"""

import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, insert, literal, or_, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import _
from app.models import (Group, HasVoted, LiveSession, Poll, PollOption, School, Staff, Statement, VoteAudience,
                        VoteTally)
from app.security import bounds, csv as security_csv
from app.services import anonymity, audit, moderation
from app.services.access import Participant
from app.services.errors import Conflict, DomainError, Forbidden, NotFound
from app.timeutil import now_hour, utcnow


def N_(message: str) -> str:
    """Mark for translation; translated when shown."""
    return message


STATEMENT, POLL = "statement", "poll"
MODELS: dict[str, type[Statement] | type[Poll]] = {STATEMENT: Statement, POLL: Poll}
ANSWERS = ("agree", "disagree", "pass")
ANSWER_LABELS = {"agree": N_("Eens"), "disagree": N_("Oneens"), "pass": N_("Geen mening")}
VOTERS = "*"  # the tally row counting participants, whatever they chose
POLL_KINDS = {"single": N_("Eén antwoord"), "multiple": N_("Meerdere antwoorden"), "scale": N_("Schaal van 1 tot 5")}
SCALE = ("1", "2", "3", "4", "5")
RESULTS_WHEN = {"after_vote": N_("Meteen na het stemmen"), "after_close": N_("Pas na het sluiten")}
WHOLE_SCHOOL = "school"
TEXT_MAX = 280
OPTION_MAX = 120
SCALE_LABEL_MAX = 60
MIN_OPTIONS, MAX_OPTIONS = 2, 10
PUPIL_STATEMENT_DAYS = 14
MAX_OPEN_DAYS = 366
LIST_LIMIT = 30
JOIN_CODE_LENGTH = 6
LOCAL_TZ = ZoneInfo("Europe/Brussels")  # what staff type in a datetime-local field
SUPPRESSED = N_("te weinig antwoorden")


# --- small helpers -------------------------------------------------------------------

def k_of(school: School) -> int:
    return max(3, school.k_anonymity)


def text_key(text: str) -> str:
    """Case, accents, spacing and punctuation do not make a statement new."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain))[:TEXT_MAX]


def clean_line(text: str | None) -> str:
    return " ".join((text or "").split())


def parse_local(value: str | None) -> datetime | None:
    """A datetime-local field ("2026-03-01T08:30"), read as Belgian time, as aware UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Deze datum en dit uur kloppen niet: {value}.").format(value=value[:20])) from None
    bounds.sane_date(parsed)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(ZoneInfo("UTC"))


def local_input(value: datetime) -> str:
    """The value a datetime-local field shows for an aware datetime."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def local_text(value: datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def is_open(item: Statement | Poll, now: datetime | None = None) -> bool:
    now = now or utcnow()
    published = getattr(item, "status", "published") == "published"
    return published and not item.erased and item.opens_at <= now < item.closes_at


def is_closed(item: Statement | Poll, now: datetime | None = None) -> bool:
    return item.erased or item.closes_at <= (now or utcnow())


def _not_found(kind: str) -> NotFound:
    return NotFound(_("Deze stelling bestaat niet.") if kind == STATEMENT else _("Deze peiling bestaat niet."))


# --- closing and erasing ---------------------------------------------------------------

# Built once: the vote path runs these on every request, and building SQL expressions costs
# more than running these small indexed queries.
_DUE = union_all(*(
    select(literal(kind).label("kind"), model.id).where(
        model.school_id == bindparam("school_id"), model.erased == False,  # noqa: E712
        model.closes_at <= bindparam("now"))
    for kind, model in MODELS.items()))


def close_due(session: Session, school_id: int) -> None:
    """Close what passed its closing time: delete its has-voted rows, so its votes can never
    be linked again. Called at the start of every voting call, so nobody has to click."""
    due = sorted(session.exec(_DUE, params={"school_id": school_id, "now": utcnow()}).all())
    for kind in MODELS:
        ids = [item_id for k, item_id in due if k == kind]
        if ids:
            _erase(session, kind, ids)


def _erase(session: Session, kind: str, ids: list[int]) -> None:
    model = MODELS[kind]
    # The item rows first: on PostgreSQL this waits for votes in flight (they hold a share
    # lock on the item), and any later vote sees `erased` and is refused.
    session.exec(update(model).where(model.id.in_(ids), model.erased == False).values(erased=True))  # noqa: E712
    session.exec(delete(HasVoted).where(HasVoted.item_kind == kind, HasVoted.item_id.in_(ids)))
    session.exec(update(LiveSession).where(LiveSession.item_kind == kind, LiveSession.item_id.in_(ids),
                                           LiveSession.ended_at == None).values(ended_at=utcnow()))  # noqa: E711


def close_now(session: Session, staff: Staff, kind: str, item_id: int) -> Statement | Poll:
    """The council's "nu sluiten": the item closes and its has-voted rows are deleted at once."""
    close_due(session, staff.school_id)
    item = _staff_item(session, staff.school_id, kind, item_id)
    if is_closed(item):
        raise Conflict(_("Dit is al gesloten."))
    item.closes_at = utcnow()
    session.add(item)
    session.flush()
    _erase(session, kind, [item.id])
    audit.record(session, staff, f"{kind}.close", kind, item.id)
    return item


# --- groups and audiences ------------------------------------------------------------

def _groups(session: Session, school_id: int) -> dict[int, Group]:
    return {g.id: g for g in session.exec(select(Group).where(Group.school_id == school_id))}


def _chain(groups: Mapping[int, Group], group_id: int) -> list[int]:
    """The group and the groups it belongs to (a pupil of 3A is also in grade 3), like
    school.group_and_ancestors but from the school's groups already loaded."""
    ids: list[int] = []
    current = groups.get(group_id)
    while current is not None and current.id not in ids:
        ids.append(current.id)
        current = groups.get(current.parent_id)
    return ids or [group_id]


def _grade_of(groups: Mapping[int, Group], group_id: int) -> int:
    """Classes count with their grade in a breakdown; a grade or a loose class is its own."""
    group = groups.get(group_id)
    return group.parent_id if group is not None and group.parent_id is not None else group_id


def _in_audience(session: Session, kind: str, item: Statement | Poll, chain: list[int]) -> bool:
    if item.whole_school:
        return True
    return session.exec(select(VoteAudience.id).where(
        VoteAudience.item_kind == kind, VoteAudience.item_id == item.id,
        VoteAudience.group_id.in_(chain))).first() is not None


def audience_names(session: Session, kind: str, item: Statement | Poll) -> list[str]:
    if item.whole_school:
        return [_("hele school")]
    return list(session.exec(select(Group.name).join(VoteAudience, VoteAudience.group_id == Group.id).where(
        VoteAudience.item_kind == kind, VoteAudience.item_id == item.id).order_by(Group.name)))


def _answer_keys(kind: str, item: Statement | Poll, options: list[PollOption]) -> list[tuple[str, str]]:
    """(tally answer, label) for every answer an item can get, in display order."""
    if kind == STATEMENT:
        return [(a, _(ANSWER_LABELS[a])) for a in ANSWERS]
    if item.kind == "scale":
        ends = {"1": item.scale_low, "5": item.scale_high}
        return [(v, f"{v} ({ends[v]})" if ends.get(v) else v) for v in SCALE]
    return [(str(o.id), o.label) for o in options]


def _make_tallies(session: Session, kind: str, item: Statement | Poll, answers: list[str],
                  audience: list[int] | None) -> None:
    """Every tally row at once, in a fixed order, so no row's position tells when someone voted.
    (A group made later gets its rows on its first vote.)"""
    groups = _groups(session, item.school_id)
    if audience is None:
        ids = set(groups)
    else:
        ids = set(audience) | {g.id for g in groups.values() if g.parent_id in audience}
    rows = [{"school_id": item.school_id, "item_kind": kind, "item_id": item.id, "answer": a, "group_id": g,
             "count": 0} for a in sorted([*answers, VOTERS]) for g in sorted(ids)]
    if rows:
        session.exec(insert(VoteTally), params=rows)


# --- creating statements and polls (council) -----------------------------------------

@dataclass
class ItemForm:
    """What the council typed in the form, as text: the service checks all of it."""

    text: str = ""
    kind: str = "single"  # polls only
    options: str = ""  # one per line
    max_choices: str = ""
    scale_low: str = ""
    scale_high: str = ""
    audience: list[str] = field(default_factory=list)  # group ids, or "school"
    opens_at: str = ""
    closes_at: str = ""
    results: str = "after_vote"


def _check_text(text: str, what: str) -> str:
    text = clean_line(text)
    if not text:
        raise DomainError(_("Schrijf eerst de tekst van de {what}.").format(what=what))
    if len(text) > TEXT_MAX:
        raise DomainError(_("Hoogstens {max} tekens, nu {n}.").format(max=TEXT_MAX, n=len(text)))
    return text


def _refuse_duplicate(session: Session, school_id: int, key: str, except_id: int | None = None) -> None:
    """A statement that is waiting or open with the same text already exists. Closed ones may
    return (a wellbeing statement asked again next year)."""
    query = select(Statement.id).where(
        Statement.school_id == school_id, Statement.text_key == key,
        or_(Statement.status == "pending",
            (Statement.status == "published") & (Statement.erased == False)))  # noqa: E712
    if except_id is not None:
        query = query.where(Statement.id != except_id)
    if session.exec(query).first() is not None:
        raise Conflict(_("Deze stelling bestaat al. Stem mee op de stelling die er al staat."))


def _check_common(session: Session, school_id: int, form: ItemForm) -> tuple[list[int] | None, datetime, datetime]:
    """Audience, opening and closing times, results visibility."""
    if form.results not in RESULTS_WHEN:
        raise DomainError(_("Kies wanneer leerlingen de resultaten zien."))
    if WHOLE_SCHOOL in form.audience:
        audience = None
    else:
        try:
            audience = sorted({int(g) for g in form.audience})
        except ValueError:
            raise DomainError(_("Deze groep bestaat niet.")) from None
        if not audience:
            raise DomainError(_("Kies voor wie dit is: de hele school of een of meer groepen."))
        if set(audience) - set(_groups(session, school_id)):
            raise DomainError(_("Deze groep bestaat niet."))
    now = utcnow()
    opens = parse_local(form.opens_at) or now
    closes = parse_local(form.closes_at)
    if closes is None:
        raise DomainError(_("Kies wanneer dit sluit."))
    if closes <= opens:
        raise DomainError(_("Het sluiten moet na het openen komen."))
    if closes <= now:
        raise DomainError(_("Het sluiten moet in de toekomst liggen."))
    if closes - opens > timedelta(days=MAX_OPEN_DAYS) or opens - now > timedelta(days=MAX_OPEN_DAYS):
        raise DomainError(_("Kies data binnen een jaar."))
    return audience, opens, closes


def _store_audience(session: Session, kind: str, item: Statement | Poll, audience: list[int] | None) -> None:
    for group_id in audience or []:
        session.add(VoteAudience(school_id=item.school_id, item_kind=kind, item_id=item.id, group_id=group_id))


def create_statement(session: Session, staff: Staff, form: ItemForm) -> Statement:
    text = _check_text(form.text, _("stelling"))
    key = text_key(text)
    audience, opens, closes = _check_common(session, staff.school_id, form)
    _refuse_duplicate(session, staff.school_id, key)
    item = Statement(school_id=staff.school_id, text=text, text_key=key, whole_school=audience is None,
                     opens_at=opens, closes_at=closes, results=form.results, created_by=staff.id)
    session.add(item)
    session.flush()
    _store_audience(session, STATEMENT, item, audience)
    _make_tallies(session, STATEMENT, item, list(ANSWERS), audience)
    audit.record(session, staff, "statement.create", STATEMENT, item.id, text)
    return item


def _check_options(form: ItemForm) -> tuple[list[str], int]:
    if form.kind not in POLL_KINDS:
        raise DomainError(_("Kies het soort peiling."))
    if form.kind == "scale":
        low, high = clean_line(form.scale_low), clean_line(form.scale_high)
        if not low or not high:
            raise DomainError(_("Geef de schaal een woord bij 1 en bij 5."))
        if max(len(low), len(high)) > SCALE_LABEL_MAX:
            raise DomainError(_("Een woord bij de schaal heeft hoogstens {max} tekens.").format(max=SCALE_LABEL_MAX))
        return [], 1
    options = [clean_line(line) for line in form.options.splitlines()]
    options = [o for o in options if o]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise DomainError(_("Geef {min} tot {max} antwoorden, één per regel.").format(min=MIN_OPTIONS, max=MAX_OPTIONS))
    if any(len(o) > OPTION_MAX for o in options):
        raise DomainError(_("Een antwoord heeft hoogstens {max} tekens.").format(max=OPTION_MAX))
    if len({o.casefold() for o in options}) != len(options):
        raise DomainError(_("Twee antwoorden zijn hetzelfde."))
    if form.kind == "single":
        return options, 1
    try:
        max_choices = int(form.max_choices or len(options))
    except ValueError:
        raise DomainError(_("Het aantal keuzes moet een getal zijn.")) from None
    if not 1 <= max_choices <= len(options):
        raise DomainError(_("Leerlingen kunnen 1 tot {n} antwoorden kiezen.").format(n=len(options)))
    return options, max_choices


def create_poll(session: Session, staff: Staff, form: ItemForm) -> Poll:
    question = _check_text(form.text, _("vraag"))
    options, max_choices = _check_options(form)
    audience, opens, closes = _check_common(session, staff.school_id, form)
    poll = Poll(school_id=staff.school_id, question=question, kind=form.kind, max_choices=max_choices,
                scale_low=clean_line(form.scale_low) if form.kind == "scale" else "",
                scale_high=clean_line(form.scale_high) if form.kind == "scale" else "",
                whole_school=audience is None, opens_at=opens, closes_at=closes, results=form.results,
                created_by=staff.id)
    session.add(poll)
    session.flush()
    rows = [PollOption(school_id=poll.school_id, poll_id=poll.id, position=i, label=label)
            for i, label in enumerate(options)]
    session.add_all(rows)
    session.flush()
    _store_audience(session, POLL, poll, audience)
    answers = list(SCALE) if poll.kind == "scale" else [str(o.id) for o in rows]
    _make_tallies(session, POLL, poll, answers, audience)
    audit.record(session, staff, "poll.create", POLL, poll.id, question)
    return poll


# --- pupil-submitted statements ------------------------------------------------------

def submit_statement(session: Session, limiter, school: School, participant: Participant,
                     text: str) -> tuple[Statement, moderation.Screened]:
    """A pupil's own statement: screened, counted against the posting budget, usually held
    for the council. No author is stored; only the pupil can recognise it as theirs."""
    text = _check_text(text, _("stelling"))
    key = text_key(text)
    if not key:
        raise DomainError(_("Schrijf een stelling met woorden."))
    _refuse_duplicate(session, school.id, key)
    screened = moderation.screen_new_text(session, school, text)
    if not moderation.allow_post(limiter, participant):
        raise moderation.PostingLimit(screened)
    now = now_hour()
    nonce = secrets.token_hex(16)
    item = Statement(school_id=school.id, text=text, text_key=key, status=screened.status, by_pupil=True,
                     urgent=screened.urgent, verdict=screened.verdict, opens_at=now,
                     closes_at=now + timedelta(days=PUPIL_STATEMENT_DAYS), created_at=now,
                     author_nonce=nonce, author_tag=participant.pseudonym("statement-author", nonce))
    session.add(item)
    session.flush()
    if item.status == "published":
        _make_tallies(session, STATEMENT, item, list(ANSWERS), None)
    return item, screened


STATUS_LABELS = {"pending": N_("wacht op de leerlingenraad"), "published": N_("staat online"),
                 "rejected": N_("niet geplaatst")}


def my_statements(session: Session, participant: Participant) -> list[Statement]:
    """The pupil's own statements, found by recomputing each tag with their secret."""
    rows = session.exec(select(Statement).where(
        Statement.school_id == participant.school_id, Statement.by_pupil == True,  # noqa: E712
        Statement.author_nonce != "").order_by(Statement.id.desc()).limit(500)).all()
    return [s for s in rows if participant.pseudonym("statement-author", s.author_nonce) == s.author_tag]


def _pending_statements(session: Session, school_id: int) -> list[moderation.QueueItem]:
    rows = session.exec(select(Statement).where(Statement.school_id == school_id, Statement.status == "pending")
                        .order_by(Statement.id)).all()
    return [moderation.QueueItem(kind=STATEMENT, id=s.id, text=s.text, urgent=s.urgent, verdict=s.verdict,
                                 created_at=s.created_at, context=_("Stelling van een leerling")) for s in rows]


def _decide_statement(session: Session, staff: Staff, item_id: int, decision: str, reason: str,
                      edited_text: str | None) -> None:
    """The moderation queue's decision (the queue writes the audit entry)."""
    item = session.exec(select(Statement).where(Statement.id == item_id, Statement.school_id == staff.school_id)
                        .with_for_update()).first()
    if item is None:
        raise _not_found(STATEMENT)
    if item.status != "pending":
        raise Conflict(_("Deze tekst wacht niet meer op een beslissing. Misschien besliste iemand anders al."))
    if decision == "reject":
        item.status, item.reject_reason = "rejected", reason
        session.add(item)
        return
    if edited_text is not None:
        item.text = _check_text(edited_text, _("stelling"))
        item.text_key = text_key(item.text)
    # The council may have asked the same thing meanwhile.
    _refuse_duplicate(session, staff.school_id, item.text_key, except_id=item.id)
    now = now_hour()
    item.status, item.erased = "published", False
    item.opens_at, item.closes_at = now, now + timedelta(days=PUPIL_STATEMENT_DAYS)
    session.add(item)
    session.flush()
    _make_tallies(session, STATEMENT, item, list(ANSWERS), None)


# --- what a pupil sees -----------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int | None  # None: fewer than k, shown as "te weinig antwoorden"
    percent: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Breakdown:
    label: str  # "" for everyone together, else the grade's name
    voters: Cell
    cells: list[Cell]


@dataclass(frozen=True)
class Results:
    k: int
    overall: Breakdown
    by_grade: list[Breakdown]
    consensus: float | None = None  # statements: product over grades of P(agree | grade)
    divisiveness: int | None = None  # statements: spread of the agree share between grades, in points
    mean: float | None = None  # scale polls, only when no cell is hidden


class _ItemFacts:
    """What both views say about their item (needs `kind` and `item`)."""

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def title(self) -> str:
        return self.item.text if self.kind == STATEMENT else self.item.question

    @property
    def is_open(self) -> bool:
        return is_open(self.item)


@dataclass
class ItemView(_ItemFacts):
    """One statement or poll as a pupil sees it."""

    kind: str
    item: Statement | Poll
    options: list[PollOption] = field(default_factory=list)
    mine: list[str] | None = None  # this participant's current answers, when they voted
    results: Results | None = None  # only when the pupil may see them
    created: bool = False  # set by a vote: a first vote rather than a change

    @property
    def voted(self) -> bool:
        return self.mine is not None

    @property
    def results_when_closed(self) -> bool:
        return self.item.results == "after_close" and not is_closed(self.item)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return _answer_keys(self.kind, self.item, self.options)


def _load_item(session: Session, school_id: int, kind: str, item_id: int, lock: bool = False) -> Statement | Poll:
    model = MODELS[kind]
    query = select(model).where(model.id == item_id, model.school_id == school_id)
    if lock:  # shared: votes run side by side, closing (an UPDATE) waits for them
        query = query.with_for_update(read=True)
    item = session.exec(query).first()
    if item is None or getattr(item, "status", "published") != "published":
        raise _not_found(kind)
    return item


def _options(session: Session, poll_id: int) -> list[PollOption]:
    return list(session.exec(select(PollOption).where(PollOption.poll_id == poll_id).order_by(PollOption.position)))


def _visible_item(session: Session, participant: Participant, kind: str, item_id: int, groups: Mapping[int, Group],
                  lock: bool = False) -> tuple[Statement | Poll, list[PollOption]]:
    """The item, if this participant may see it: published, opened, and for their group."""
    item = _load_item(session, participant.school_id, kind, item_id, lock)
    if item.opens_at > utcnow():
        raise Forbidden(_("Dit is nog niet open. Kom later terug."))
    if not _in_audience(session, kind, item, _chain(groups, participant.group_id)):
        raise Forbidden(_("Dit is niet voor jouw klas of jaar."))
    return item, (_options(session, item.id) if kind == POLL else [])


_SEALED = select(HasVoted).where(HasVoted.item_kind == bindparam("kind"), HasVoted.item_id == bindparam("item_id"),
                                 HasVoted.pseudonym == bindparam("pseudonym"))
_SEALED_FOR_UPDATE = _SEALED.with_for_update().execution_options(populate_existing=True)


def _sealed_choice(session: Session, participant: Participant, kind: str, item_id: int,
                   lock: bool = False) -> HasVoted | None:
    return session.exec(_SEALED_FOR_UPDATE if lock else _SEALED, params={
        "kind": kind, "item_id": item_id, "pseudonym": participant.pseudonym(kind, item_id)}).first()


def _unseal(participant: Participant, row: HasVoted) -> dict:
    choice = anonymity.unseal(participant.secret, row.item_kind, row.item_id, row.sealed)
    if not isinstance(choice, dict):  # cannot happen with the cookie that made the pseudonym
        raise Conflict(_("Je vorige stem kon niet geopend worden. Probeer opnieuw."))
    return choice


def _pupil_view(session: Session, school: School, kind: str, item: Statement | Poll, options: list[PollOption],
                mine: list[str] | None, groups: Mapping[int, Group]) -> ItemView:
    view = ItemView(kind, item, options, mine)
    if is_closed(item) or (item.results == "after_vote" and mine is not None):
        view.results = results(session, school, kind, item, options, groups)
    return view


def pupil_item(session: Session, participant: Participant, school: School, kind: str, item_id: int) -> ItemView:
    close_due(session, school.id)
    groups = _groups(session, school.id)
    item, options = _visible_item(session, participant, kind, item_id, groups)
    row = _sealed_choice(session, participant, kind, item.id)
    return _pupil_view(session, school, kind, item, options, _unseal(participant, row)["a"] if row else None, groups)


def _open_items(session: Session, participant: Participant, kind: str, chain: list[int]) -> list:
    model = MODELS[kind]
    now = utcnow()
    for_group = select(VoteAudience.item_id).where(VoteAudience.item_kind == kind, VoteAudience.group_id.in_(chain))
    query = select(model).where(
        model.school_id == participant.school_id, model.erased == False,  # noqa: E712
        model.opens_at <= now, model.closes_at > now,
        or_(model.whole_school == True, model.id.in_(for_group)))  # noqa: E712
    if kind == STATEMENT:
        query = query.where(Statement.status == "published")
    return list(session.exec(query.order_by(model.opens_at.desc(), model.id.desc()).limit(LIST_LIMIT)))


def open_for(session: Session, participant: Participant, *kinds: str) -> dict[str, list[ItemView]]:
    """Open items of each kind for the participant's group, newest first, each with the
    participant's own answer if they gave one: one query for all their has-voted rows."""
    close_due(session, participant.school_id)
    chain = _chain(_groups(session, participant.school_id), participant.group_id)
    items = {kind: _open_items(session, participant, kind, chain) for kind in kinds}
    by_pseudonym = {participant.pseudonym(kind, item.id): (kind, item.id) for kind in kinds for item in items[kind]}
    mine: dict[tuple[str, int], list[str]] = {}
    if by_pseudonym:
        for row in session.exec(select(HasVoted).where(HasVoted.pseudonym.in_(list(by_pseudonym)))):
            if by_pseudonym.get(row.pseudonym) == (row.item_kind, row.item_id):
                mine[(row.item_kind, row.item_id)] = _unseal(participant, row)["a"]
    options: dict[int, list[PollOption]] = {}
    if items.get(POLL):
        for option in session.exec(select(PollOption).where(PollOption.poll_id.in_([i.id for i in items[POLL]]))
                                   .order_by(PollOption.position)):
            options.setdefault(option.poll_id, []).append(option)
    return {kind: [ItemView(kind, item, options.get(item.id, []) if kind == POLL else [], mine.get((kind, item.id)))
                   for item in items[kind]] for kind in kinds}


def home_section(session: Session, participant: Participant, school: School) -> dict:
    """The pupil home: open polls and statements, newest first, answered ones marked."""
    found = open_for(session, participant, POLL, STATEMENT)
    return {"template": "voting/_home.html", "polls": found[POLL], "statements": found[STATEMENT]}


# --- voting ------------------------------------------------------------------------

def _poll_answers(poll: Poll, options: list[PollOption], option_ids: Iterable[int] | None,
                  value: int | None) -> list[str]:
    chosen = set(option_ids or [])
    if poll.kind == "scale":
        if chosen or value is None or not 1 <= value <= 5:
            raise DomainError(_("Kies een getal van 1 tot 5."))
        return [str(value)]
    if value is not None:
        raise DomainError(_("Kies een antwoord uit de lijst."))
    if not chosen:
        raise DomainError(_("Kies eerst een antwoord."))
    if not chosen <= {o.id for o in options}:
        raise DomainError(_("Dit antwoord hoort niet bij deze peiling."))
    if len(chosen) > poll.max_choices:
        if poll.max_choices == 1:
            raise DomainError(_("Kies maar één antwoord."))
        raise DomainError(_("Kies hoogstens {n} antwoorden.").format(n=poll.max_choices))
    return sorted(str(i) for i in chosen)


_BUMP = update(VoteTally.__table__).where(
    VoteTally.item_kind == bindparam("b_kind"), VoteTally.item_id == bindparam("b_item"),
    VoteTally.answer == bindparam("b_answer"), VoteTally.group_id == bindparam("b_group"),
    VoteTally.count + bindparam("b_by") >= 0).values(count=VoteTally.count + bindparam("b_by"))


def _bump(session: Session, school_id: int, kind: str, item_id: int, answer: str, group_id: int, by: int) -> None:
    """Add `by` to one tally, in SQL (count = count + by), so concurrent votes never lose one."""
    params = {"b_kind": kind, "b_item": item_id, "b_answer": answer, "b_group": group_id, "b_by": by}
    connection = session.connection()
    if connection.execute(_BUMP, params).rowcount or by < 0:
        return
    # No row yet (a group made after the item): insert it; if a concurrent vote just did, add to theirs.
    try:
        with session.begin_nested():
            session.add(VoteTally(school_id=school_id, item_kind=kind, item_id=item_id, answer=answer,
                                  group_id=group_id, count=by))
    except IntegrityError:
        connection.execute(_BUMP, params)


def _cast(session: Session, participant: Participant, kind: str, item_id: int, answers: list[str]) -> bool:
    """Record one participant's choice; True for a first vote, False for a change."""
    pseudonym = participant.pseudonym(kind, item_id)
    sealed = anonymity.seal(participant.secret, kind, item_id, {"a": answers, "g": participant.group_id})
    row = _sealed_choice(session, participant, kind, item_id, lock=True)
    if row is None:
        try:
            with session.begin_nested():  # the primary key lets only one first vote through
                session.add(HasVoted(school_id=participant.school_id, item_kind=kind, item_id=item_id,
                                     pseudonym=pseudonym, sealed=sealed))
        except IntegrityError:  # the same participant's vote in another request won the race
            row = _sealed_choice(session, participant, kind, item_id, lock=True)
            if row is None:
                raise Conflict(_("Je stem kwam twee keer tegelijk binnen. Probeer opnieuw.")) from None
    delta: Counter = Counter()
    if row is None:
        delta[(VOTERS, participant.group_id)] += 1
    else:
        old = _unseal(participant, row)
        for answer in old["a"]:
            delta[(answer, old["g"])] -= 1
        row.sealed = sealed
        session.add(row)
    for answer in answers:
        delta[(answer, participant.group_id)] += 1
    # Always the same order, so concurrent votes on PostgreSQL cannot deadlock on tally rows.
    for (answer, group_id), by in sorted(delta.items()):
        if by:
            _bump(session, participant.school_id, kind, item_id, answer, group_id, by)
    return row is None


def _vote(session: Session, participant: Participant, school: School, kind: str, item_id: int,
          choose) -> ItemView:
    close_due(session, school.id)
    groups = _groups(session, school.id)
    item, options = _visible_item(session, participant, kind, item_id, groups, lock=True)
    if not is_open(item):
        raise DomainError(_("Dit is gesloten. Je kan niet meer stemmen."))
    answers = choose(item, options)
    created = _cast(session, participant, kind, item.id, answers)
    view = _pupil_view(session, school, kind, item, options, answers, groups)
    view.created = created
    return view


def vote_statement(session: Session, participant: Participant, school: School, statement_id: int,
                   answer: str | None) -> ItemView:
    def choose(_item, _options):
        if answer not in ANSWERS:
            raise DomainError(_("Kies eens, oneens of geen mening."))
        return [answer]

    return _vote(session, participant, school, STATEMENT, statement_id, choose)


def vote_poll(session: Session, participant: Participant, school: School, poll_id: int,
              option_ids: Iterable[int] | None = None, value: int | None = None) -> ItemView:
    return _vote(session, participant, school, POLL, poll_id,
                 lambda item, options: _poll_answers(item, options, option_ids, value))


# --- k-anonymous results ---------------------------------------------------------------

def suppress(rows: list[str], cols: list, counts: Mapping[tuple[str, object], int], k: int,
             additive: bool = True) -> set[tuple[str, object]]:
    """Which cells of a breakdown to hide. Pure: no database.

    The table has a row per answer plus the row VOTERS (participants), a column per group plus
    the column None (everyone together, the sum of the groups). Every count below k is hidden.
    Then each sum that is shown — a row's total over groups and, when every participant gives
    exactly one answer (`additive`), a column's participants over answers — must not give
    away a hidden cell: if exactly one of its cells is hidden, or the hidden ones must all be 0,
    the smallest shown cell is hidden too (preferably in a group that already hides one); a
    hidden total with all its cells shown hides one of them. Repeated until nothing changes.
    """
    all_rows = [*rows, VOTERS]
    values: dict[tuple[str, object], int] = {}
    for r in all_rows:
        for c in cols:
            values[(r, c)] = counts.get((r, c), 0)
        values[(r, None)] = sum(values[(r, c)] for c in cols)
    # (total, its parts, whether the parts lie along a row)
    sums = [((r, None), [(r, c) for c in cols], True) for r in all_rows] if cols else []
    if additive:
        sums += [((VOTERS, c), [(r, c) for r in rows], False) for c in [*cols, None]]
    hidden = {cell for cell, value in values.items() if value < k}

    def cost(cell, along_row: bool):
        # Prefer a cell whose column (or row) already hides something: the damage stays in as
        # few groups as possible. Then the smallest count.
        r, c = cell
        crossing = any((r2, c) in hidden for r2 in all_rows if r2 != r) if along_row else any(
            (r, c2) in hidden for c2 in [*cols, None] if c2 != c)
        return (not crossing, values[cell])

    changed = True
    while changed:
        changed = False
        for total, parts, along_row in sums:
            hidden_parts = [p for p in parts if p in hidden]
            shown_parts = [p for p in parts if p not in hidden]
            if total in hidden:
                exposed = bool(shown_parts) and not hidden_parts
            else:
                rest = values[total] - sum(values[p] for p in shown_parts)
                exposed = len(hidden_parts) == 1 or (bool(hidden_parts) and rest == 0)
            if exposed:
                hidden.add(min(shown_parts, key=lambda p: cost(p, along_row)) if shown_parts else total)
                changed = True
    return hidden


def _percent(count: int, base: int) -> int:
    return round(100 * count / base) if base else 0


def build_results(keys: list[tuple[str, str]], cols: list[tuple[object, str]],
                  counts: Mapping[tuple[str, object], int], k: int, additive: bool,
                  statement: bool = False, scale: bool = False) -> Results:
    """Cells to show, from counts per (answer, group column). Pure: no database."""
    col_ids = [c for c, _label in cols]
    hidden = suppress([key for key, _label in keys], col_ids, counts, k, additive)

    def value(r, c):
        return counts.get((r, c), 0) if c is not None else sum(counts.get((r, g), 0) for g in col_ids)

    def breakdown(c, label: str) -> Breakdown:
        base = value(VOTERS, c)
        base_shown = (VOTERS, c) not in hidden
        voters = Cell(VOTERS, _("antwoorden"), None if not base_shown else base)
        cells = []
        for key, key_label in keys:
            shown = (key, c) not in hidden
            count = value(key, c)
            cells.append(Cell(key, key_label, count if shown else None,
                              _percent(count, base) if shown and base_shown else None))
        return Breakdown(label, voters, cells)

    overall = breakdown(None, "")
    grades = [breakdown(c, label) for c, label in cols]
    consensus = divisiveness = mean = None
    if statement:
        # Polis' group-informed consensus: high only when every grade agrees. Only grades whose
        # agree count and size are shown take part, so the score gives nothing hidden away.
        shares = [(b.cells[0].count, b.voters.count) for b in grades
                  if b.cells[0].count is not None and b.voters.count]
        if shares:
            consensus = 1.0
            for agree, n in shares:
                consensus *= (agree + 1) / (n + 2)
            if len(shares) > 1:
                ratios = [agree / n for agree, n in shares]
                divisiveness = round(100 * (max(ratios) - min(ratios)))
    if scale and overall.voters.count and all(c.count is not None for c in overall.cells):
        mean = round(sum(int(c.key) * c.count for c in overall.cells) / overall.voters.count, 1)
    return Results(k, overall, grades, consensus, divisiveness, mean)


_TALLY = VoteTally.__table__.c
_TALLIES = select(_TALLY.item_id, _TALLY.answer, _TALLY.group_id, _TALLY.count).where(
    _TALLY.item_kind == bindparam("kind"), _TALLY.item_id.in_(bindparam("ids", expanding=True)), _TALLY.count > 0)


def _tallies(session: Session, kind: str, ids: list[int]) -> dict[int, list[tuple[str, int, int]]]:
    found: dict[int, list[tuple[str, int, int]]] = {i: [] for i in ids}
    if ids:
        for item_id, answer, group_id, count in session.connection().execute(_TALLIES, {"kind": kind, "ids": ids}):
            found[item_id].append((answer, group_id, count))
    return found


def _results_from(school: School, kind: str, item: Statement | Poll, options: list[PollOption],
                  tallies: list[tuple[str, int, int]], groups: Mapping[int, Group]) -> Results:
    counts: Counter = Counter()
    for answer, group_id, count in tallies:
        counts[(answer, _grade_of(groups, group_id))] += count
    # A grade appears once someone of it voted; its size may still be "te weinig".
    cols = sorted(((g, groups[g].name if g in groups else "?") for (answer, g), n in counts.items()
                   if answer == VOTERS and n > 0), key=lambda c: c[1])
    additive = kind == STATEMENT or item.kind != "multiple"
    return build_results(_answer_keys(kind, item, options), cols, counts, k_of(school), additive,
                         statement=kind == STATEMENT, scale=kind == POLL and item.kind == "scale")


def results(session: Session, school: School, kind: str, item: Statement | Poll,
            options: list[PollOption] | None = None, groups: Mapping[int, Group] | None = None) -> Results:
    if options is None:
        options = _options(session, item.id) if kind == POLL else []
    return _results_from(school, kind, item, options, _tallies(session, kind, [item.id])[item.id],
                         _groups(session, school.id) if groups is None else groups)


def pupil_results(session: Session, participant: Participant, school: School, kind: str, item_id: int) -> ItemView:
    """For the API: the results a pupil may see, or a clear refusal."""
    view = pupil_item(session, participant, school, kind, item_id)
    if view.results is None:
        if view.item.results == "after_close":
            raise Forbidden(_("De resultaten zie je pas als dit gesloten is."))
        raise Forbidden(_("Stem eerst, dan zie je de resultaten."))
    return view


# --- what staff see --------------------------------------------------------------------

@dataclass
class StaffView(_ItemFacts):
    kind: str
    item: Statement | Poll
    options: list[PollOption]
    results: Results
    audience: list[str] = field(default_factory=list)
    live: list[LiveSession] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return is_closed(self.item)


def _staff_item(session: Session, school_id: int, kind: str, item_id: int) -> Statement | Poll:
    if kind not in MODELS:
        raise NotFound(_("Deze pagina bestaat niet."))
    return _load_item(session, school_id, kind, item_id)


def staff_item(session: Session, school: School, kind: str, item_id: int) -> StaffView:
    close_due(session, school.id)
    return _staff_view(session, school, kind, item_id)


def _staff_view(session: Session, school: School, kind: str, item_id: int) -> StaffView:
    item = _staff_item(session, school.id, kind, item_id)
    options = _options(session, item.id) if kind == POLL else []
    live = list(session.exec(select(LiveSession).where(
        LiveSession.item_kind == kind, LiveSession.item_id == item.id, LiveSession.ended_at == None)))  # noqa: E711
    return StaffView(kind, item, options, results(session, school, kind, item, options),
                     audience_names(session, kind, item), live)


def staff_overview(session: Session, school: School) -> dict:
    """Every published statement (most unifying first) and poll, with k-anonymous results."""
    close_due(session, school.id)
    groups = _groups(session, school.id)
    statements = list(session.exec(select(Statement).where(
        Statement.school_id == school.id, Statement.status == "published").order_by(Statement.id.desc())))
    polls = list(session.exec(select(Poll).where(Poll.school_id == school.id).order_by(Poll.id.desc())))
    options: dict[int, list[PollOption]] = {}
    if polls:
        for option in session.exec(select(PollOption).where(PollOption.poll_id.in_([p.id for p in polls]))
                                   .order_by(PollOption.position)):
            options.setdefault(option.poll_id, []).append(option)
    views = {}
    for kind, items in ((STATEMENT, statements), (POLL, polls)):
        tallies = _tallies(session, kind, [i.id for i in items])
        views[kind] = [StaffView(kind, i, options.get(i.id, []),
                                 _results_from(school, kind, i, options.get(i.id, []), tallies[i.id], groups))
                       for i in items]
    views[STATEMENT].sort(key=lambda v: (v.results.consensus is None, -(v.results.consensus or 0)))
    pending = session.exec(select(Statement.id).where(Statement.school_id == school.id,
                                                      Statement.status == "pending")).all()
    return {"statements": views[STATEMENT], "polls": views[POLL], "pending": len(pending)}


def results_csv(views: list[StaffView]) -> str:
    """Aggregates only, hidden cells as "te weinig antwoorden": the same cells as on screen."""
    rows = [[_("soort"), "id", _("tekst"), _("groep"), _("antwoord"), _("aantal"), _("procent")]]
    hidden = _(SUPPRESSED)
    for view in views:
        kind = _("stelling") if view.kind == STATEMENT else _("peiling")
        for breakdown in [view.results.overall, *view.results.by_grade]:
            group = breakdown.label or _("iedereen")
            for cell in [breakdown.voters, *breakdown.cells]:
                rows.append([kind, view.id, view.title, group, cell.label,
                             hidden if cell.suppressed else cell.count, "" if cell.percent is None else cell.percent])
    # The BOM lets spreadsheet programs read the accents right.
    return security_csv.write(rows, delimiter=";", bom=True)


def form_choices(session: Session, school_id: int) -> dict:
    """What the creation forms offer: groups, poll kinds, result visibility, default times."""
    now = utcnow().replace(second=0, microsecond=0)
    groups = _groups(session, school_id)
    return {"groups": sorted(groups.values(), key=lambda g: (groups[_grade_of(groups, g.id)].name, g.parent_id is not None,
                                                             g.name)),
            "poll_kinds": {k: _(v) for k, v in POLL_KINDS.items()},
            "results_when": {k: _(v) for k, v in RESULTS_WHEN.items()},
            "default_opens": local_input(now), "default_closes": local_input(now + timedelta(days=7)),
            "text_max": TEXT_MAX}


# --- live classroom sessions -----------------------------------------------------------

def normalise_join_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch in anonymity.ALPHABET)[:JOIN_CODE_LENGTH]


def start_live(session: Session, staff: Staff, kind: str, item_id: int) -> LiveSession:
    close_due(session, staff.school_id)
    item = _staff_item(session, staff.school_id, kind, item_id)
    if not is_open(item):
        raise Conflict(_("Alleen iets wat nu open is, kan je live tonen."))
    for _attempt in range(10):
        code = "".join(secrets.choice(anonymity.ALPHABET) for _i in range(JOIN_CODE_LENGTH))
        if session.exec(select(LiveSession.id).where(LiveSession.join_code == code)).first() is None:
            break
    live = LiveSession(school_id=staff.school_id, item_kind=kind, item_id=item.id, join_code=code,
                       started_at=utcnow(), started_by=staff.id)
    session.add(live)
    session.flush()
    audit.record(session, staff, "live.start", kind, item.id, code)
    return live


def _live(session: Session, school_id: int, code: str) -> LiveSession:
    live = session.exec(select(LiveSession).where(LiveSession.join_code == normalise_join_code(code),
                                                  LiveSession.school_id == school_id)).first()
    if live is None:
        raise NotFound(_("Deze code van de les kennen we niet. Kijk nog eens op het bord."))
    return live


@dataclass
class LiveView:
    live: LiveSession
    view: StaffView

    @property
    def ended(self) -> bool:
        return self.live.ended_at is not None or not self.view.is_open


def live_view(session: Session, school: School, code: str) -> LiveView:
    """The projector: the item and its results, read from the database on every refresh."""
    close_due(session, school.id)
    live = _live(session, school.id, code)
    return LiveView(live, _staff_view(session, school, live.item_kind, live.item_id))


def end_live(session: Session, staff: Staff, code: str) -> LiveSession:
    live = _live(session, staff.school_id, code)
    if live.ended_at is None:
        live.ended_at = utcnow()
        session.add(live)
        audit.record(session, staff, "live.end", live.item_kind, live.item_id, live.join_code)
    return live


def join_live(session: Session, participant: Participant, code: str) -> str:
    """Where a pupil who scanned the live QR code goes: the item's own vote page."""
    close_due(session, participant.school_id)
    live = _live(session, participant.school_id, code)
    item = _load_item(session, participant.school_id, live.item_kind, live.item_id)
    if live.ended_at is not None or not is_open(item):
        raise Conflict(_("Deze les-stemming is afgelopen."))
    return item_url(live.item_kind, live.item_id)


def item_url(kind: str, item_id: int) -> str:
    return f"/stellingen/{item_id}" if kind == STATEMENT else f"/peilingen/{item_id}"


def live_choices(session: Session, school_id: int) -> list[tuple[str, Statement | Poll]]:
    """Open items staff can show live, newest first."""
    close_due(session, school_id)
    now = utcnow()
    found = []
    for kind, model in MODELS.items():
        query = select(model).where(model.school_id == school_id, model.erased == False,  # noqa: E712
                                    model.opens_at <= now, model.closes_at > now)
        if kind == STATEMENT:
            query = query.where(Statement.status == "published")
        found += [(kind, item) for item in session.exec(query.order_by(model.id.desc()).limit(LIST_LIMIT))]
    return found


# --- comment targets and the moderation queue (registered on import) -----------------

def _title(kind: str):
    def lookup(session: Session, school_id: int, item_id: int) -> str | None:
        model = MODELS[kind]
        item = session.exec(select(model).where(model.id == item_id, model.school_id == school_id)).first()
        if item is None or getattr(item, "status", "published") != "published":
            return None
        return item.text if kind == STATEMENT else item.question

    return lookup


moderation.register(moderation.ModeratedKind(STATEMENT, N_("Stelling"), _pending_statements, _decide_statement))
for _kind in MODELS:
    moderation.COMMENT_TARGETS[_kind] = _title(_kind)
moderation.COMMENT_TARGET_URLS[STATEMENT] = "/stellingen/{id}"
moderation.COMMENT_TARGET_URLS[POLL] = "/peilingen/{id}"


# --- demo content ----------------------------------------------------------------------

DEMO_STATEMENTS = (
    # text, P(agree), P(disagree) in grade 3, 4 and 5: so some unite the school and some divide it
    ("Ik voel me veilig op school", {3: (.8, .1), 4: (.75, .15), 5: (.7, .2)}),
    ("Leerkrachten luisteren naar ons", {3: (.7, .2), 4: (.25, .65), 5: (.5, .4)}),
    ("Ik kan op school iemand aanspreken als het niet goed gaat", {3: (.55, .3), 4: (.45, .35), 5: (.5, .3)}),
)
DEMO_POLL = ("Wat vind je van de regel voor te laat komen?",
             ("Goed zoals hij is", "Eerst een waarschuwing, dan pas een straf",
              "Laat leerlingen mee beslissen over de regel", "Geen mening"), (.15, .4, .35, .1))
DEMO_CLOSED_POLL = ("Waar gaat de schoolreis dit jaar naartoe?", ("Pretpark", "Zee", "Stad met museum"),
                    (.5, .35, .15))
# Votes per class; 5A only two, so its grade shows "te weinig antwoorden". The first five codes
# of 3A stay unused, for whoever tries the demo with a printed code.
DEMO_VOTERS = {"3A": range(5, 30), "3B": range(0, 20), "4A": range(0, 18), "4B": range(0, 12), "5A": range(0, 2)}


def load_demo(session: Session, school: School, server_key: bytes) -> None:
    import random

    from app.services import access, demo, ratelimit

    rnd = random.Random(1813)
    council = session.exec(select(Staff).where(Staff.school_id == school.id, Staff.role == "council")).first()
    closes = local_input(utcnow() + timedelta(days=14))
    statements = [create_statement(session, council, ItemForm(text=text, audience=[WHOLE_SCHOOL], closes_at=closes))
                  for text, _odds in DEMO_STATEMENTS]

    def make_poll(question, options, results="after_vote"):
        return create_poll(session, council, ItemForm(text=question, kind="single", options="\n".join(options),
                                                      audience=[WHOLE_SCHOOL], closes_at=closes, results=results))

    poll = make_poll(*DEMO_POLL[:2])
    trip = make_poll(*DEMO_CLOSED_POLL[:2], results="after_close")
    for name, indexes in DEMO_VOTERS.items():
        codes = demo.demo_codes(server_key, group=name)
        grade = int(name[0])
        for i in indexes:
            pupil = access.redeem(session, server_key, codes[i])
            for statement, (_text, odds) in zip(statements, DEMO_STATEMENTS):
                if grade == 5 and statement is not statements[-1]:
                    continue  # 5A answers one statement only: the others show two whole grades
                agree, disagree = odds[grade]
                roll = rnd.random()
                answer = "agree" if roll < agree else "disagree" if roll < agree + disagree else "pass"
                vote_statement(session, pupil, school, statement.id, answer)
            for item, weights in ((poll, DEMO_POLL[2]), (trip, DEMO_CLOSED_POLL[2])):
                option = rnd.choices(_options(session, item.id), weights=weights)[0]
                vote_poll(session, pupil, school, item.id, [option.id])
    close_now(session, council, POLL, trip.id)
    # A pupil's own statement, waiting in the council's moderation queue.
    pupil = access.redeem(session, server_key, demo.demo_codes(server_key, group="4B")[20])
    submit_statement(session, ratelimit.MemoryLimiter(), school, pupil, "Er moeten meer bankjes op de speelplaats")
    session.flush()
