"""The council's statements and polls: checking the creation form, creating an item with its
audience and tally rows, and closing (on time or at once), which erases who voted."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, literal, or_, union_all, update
from sqlmodel import Session, select

from app.db import lock_item
from app.i18n import _
from app.models import LiveSession, Poll, PollOption, Staff, Statement
from app.services import audit
from app.services.errors import Conflict, DomainError
from app.services.voting import ballot_box, tally
from app.services.voting.audience import grade_of, groups_of, store_audience
from app.services.voting.ballot_box import make_tallies
from app.services.voting.common import (ANSWERS, KIND_IDS, MAX_OPEN_DAYS, MAX_OPTIONS, MIN_OPTIONS, MODELS, OPTION_MAX,
                                        POLL, POLL_KINDS, RESULTS_WHEN, SCALE, SCALE_LABEL_MAX, STATEMENT, TEXT_MAX,
                                        WHOLE_SCHOOL, is_closed, load_staff_item, text_key)
from app.services.shared import local_input, one_line, parse_local
from app.timeutil import utcnow


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
            _erase(session, school_id, kind, ids)


def _erase(session: Session, school_id: int, kind: str, ids: list[int]) -> None:
    """Mark the items closed, count every pending ballot, forget who voted and end live sessions."""
    model = MODELS[kind]
    # The item locks first: on PostgreSQL this waits for the votes in flight only (each holds
    # a shared lock on its item); later votes queue behind, then see `erased` and are refused.
    for item_id in sorted(ids):
        lock_item(session, KIND_IDS[kind], item_id, shared=False)
    session.exec(update(model).where(model.id.in_(ids), model.erased == False).values(erased=True))  # noqa: E712
    for item_id in ids:
        tally.count_ready(session, school_id, kind, item_id, k=1, everything=True)
    ballot_box.forget_voters(session, kind, ids)
    session.exec(update(LiveSession).where(LiveSession.item_kind == kind, LiveSession.item_id.in_(ids),
                                           LiveSession.ended_at == None).values(ended_at=utcnow()))  # noqa: E711


def close_now(session: Session, staff: Staff, kind: str, item_id: int) -> Statement | Poll:
    """The council's "nu sluiten": the item closes and its has-voted rows are deleted at once."""
    close_due(session, staff.school_id)
    item = load_staff_item(session, staff.school_id, kind, item_id)
    if is_closed(item):
        raise Conflict(_("Dit is al gesloten."))
    item.closes_at = utcnow()
    session.add(item)
    session.flush()
    _erase(session, staff.school_id, kind, [item.id])
    audit.record(session, staff, f"{kind}.close", kind, item.id)
    return item


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


def check_text(text: str, what: str) -> str:
    text = one_line(text)
    if not text:
        raise DomainError(_("Schrijf eerst de tekst van de {what}.").format(what=what))
    if len(text) > TEXT_MAX:
        raise DomainError(_("Hoogstens {max} tekens, nu {n}.").format(max=TEXT_MAX, n=len(text)))
    return text


def refuse_duplicate(session: Session, school_id: int, key: str, except_id: int | None = None) -> None:
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
        if set(audience) - set(groups_of(session, school_id)):
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


def create_statement(session: Session, staff: Staff, form: ItemForm) -> Statement:
    text = check_text(form.text, _("stelling"))
    key = text_key(text)
    audience, opens, closes = _check_common(session, staff.school_id, form)
    refuse_duplicate(session, staff.school_id, key)
    item = Statement(school_id=staff.school_id, text=text, text_key=key, whole_school=audience is None,
                     opens_at=opens, closes_at=closes, results=form.results, created_by=staff.id)
    session.add(item)
    session.flush()
    store_audience(session, STATEMENT, item, audience)
    make_tallies(session, STATEMENT, item, list(ANSWERS), audience)
    audit.record(session, staff, "statement.create", STATEMENT, item.id, text)
    return item


def _check_options(form: ItemForm) -> tuple[list[str], int]:
    if form.kind not in POLL_KINDS:
        raise DomainError(_("Kies het soort peiling."))
    if form.kind == "scale":
        low, high = one_line(form.scale_low), one_line(form.scale_high)
        if not low or not high:
            raise DomainError(_("Geef de schaal een woord bij 1 en bij 5."))
        if max(len(low), len(high)) > SCALE_LABEL_MAX:
            raise DomainError(_("Een woord bij de schaal heeft hoogstens {max} tekens.").format(max=SCALE_LABEL_MAX))
        return [], 1
    options = [one_line(line) for line in form.options.splitlines()]
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
    question = check_text(form.text, _("vraag"))
    options, max_choices = _check_options(form)
    audience, opens, closes = _check_common(session, staff.school_id, form)
    poll = Poll(school_id=staff.school_id, question=question, kind=form.kind, max_choices=max_choices,
                scale_low=one_line(form.scale_low) if form.kind == "scale" else "",
                scale_high=one_line(form.scale_high) if form.kind == "scale" else "",
                whole_school=audience is None, opens_at=opens, closes_at=closes, results=form.results,
                created_by=staff.id)
    session.add(poll)
    session.flush()
    rows = [PollOption(school_id=poll.school_id, poll_id=poll.id, position=i, label=label)
            for i, label in enumerate(options)]
    session.add_all(rows)
    session.flush()
    store_audience(session, POLL, poll, audience)
    answers = list(SCALE) if poll.kind == "scale" else [str(o.id) for o in rows]
    make_tallies(session, POLL, poll, answers, audience)
    audit.record(session, staff, "poll.create", POLL, poll.id, question)
    return poll


def form_choices(session: Session, school_id: int) -> dict:
    """What the creation forms offer: groups, poll kinds, result visibility, default times."""
    now = utcnow().replace(second=0, microsecond=0)
    groups = groups_of(session, school_id)
    return {"groups": sorted(groups.values(), key=lambda g: (groups[grade_of(groups, g.id)].name, g.parent_id is not None,
                                                             g.name)),
            "poll_kinds": {k: _(v) for k, v in POLL_KINDS.items()},
            "results_when": {k: _(v) for k, v in RESULTS_WHEN.items()},
            "default_opens": local_input(now), "default_closes": local_input(now + timedelta(days=7)),
            "text_max": TEXT_MAX}

