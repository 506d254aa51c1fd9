"""What pupils and staff see of statements and polls: one item with the pupil's own answer
and the results they may see, the open items for the pupil home, the staff overview with
results for every item, and the results as CSV."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from app.i18n import _
from app.models import Group, LiveSession, Poll, PollOption, School, Statement, VoteAudience
from app.security import csv as security_csv
from app.services.access import Participant
from app.services.errors import Forbidden, NotFound
from app.services.voting.audience import audience_names, group_chain, groups_of, visible_item
from app.services.voting.ballot_box import my_answer, my_answers
from app.services.voting.common import (LIST_LIMIT, MODELS, POLL, STATEMENT, SUPPRESSED, answer_keys, is_closed,
                                        is_open, load_staff_item, poll_options)
from app.services.voting.items import close_due
from app.services.voting.results import Results, results, results_from, tallies_of
from app.timeutil import utcnow


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
        return answer_keys(self.kind, self.item, self.options)


def pupil_view(session: Session, school: School, kind: str, item: Statement | Poll, options: list[PollOption],
               mine: list[str] | None, groups: Mapping[int, Group]) -> ItemView:
    """The item with the results, when the pupil may see them: after voting or after closing."""
    view = ItemView(kind, item, options, mine)
    if is_closed(item) or (item.results == "after_vote" and mine is not None):
        view.results = results(session, school, kind, item, options, groups)
    return view


def pupil_item(session: Session, participant: Participant, school: School, kind: str, item_id: int) -> ItemView:
    close_due(session, school.id)
    groups = groups_of(session, school.id)
    item, options = visible_item(session, participant, kind, item_id, groups)
    return pupil_view(session, school, kind, item, options, my_answer(session, participant, kind, item.id), groups)


def _items_query(kind: str, closed: bool):
    """Items of one kind for a school (`school_id`) and the groups in `chain`, at `now`: open,
    newest first; or, with `closed`, the ones that closed, the most recently closed first."""
    model = MODELS[kind]
    now = bindparam("now")
    for_group = select(VoteAudience.item_id).where(VoteAudience.item_kind == kind,
                                                   VoteAudience.group_id.in_(bindparam("chain", expanding=True)))
    query = select(model).where(model.school_id == bindparam("school_id"), model.opens_at <= now,
                                or_(model.whole_school == True, model.id.in_(for_group)))  # noqa: E712
    if closed:
        query = query.where(or_(model.erased == True, model.closes_at <= now)).order_by(  # noqa: E712
            model.closes_at.desc(), model.id.desc())
    else:
        query = query.where(model.erased == False, model.closes_at > now).order_by(  # noqa: E712
            model.opens_at.desc(), model.id.desc())
    if kind == STATEMENT:
        query = query.where(Statement.status == "published")
    return query.limit(LIST_LIMIT)


# Built once: the pupil home runs these on every visit, and building them cost more than running them.
_ITEMS = {(kind, closed): _items_query(kind, closed) for kind in MODELS for closed in (False, True)}
_OPTIONS_OF = select(PollOption).where(PollOption.poll_id.in_(bindparam("poll_ids", expanding=True))).order_by(
    PollOption.position)


def _items_for(session: Session, participant: Participant, kind: str, chain: list[int], closed: bool = False) -> list:
    """Open items of one kind for the participant's groups, newest first; or, with `closed`,
    the ones that closed, the most recently closed first."""
    return list(session.exec(_ITEMS[kind, closed], params={
        "school_id": participant.school_id, "now": utcnow(), "chain": chain}))


def _options_of(session: Session, polls: list) -> dict[int, list[PollOption]]:
    """The options of several polls in one query, in their order."""
    options: dict[int, list[PollOption]] = {}
    if polls:
        for option in session.exec(_OPTIONS_OF, params={"poll_ids": [p.id for p in polls]}):
            options.setdefault(option.poll_id, []).append(option)
    return options


def open_for(session: Session, participant: Participant, *kinds: str) -> dict[str, list[ItemView]]:
    """Open items of each kind for the participant's group, newest first, each with the
    participant's own answer if they gave one: one query for all their has-voted rows."""
    close_due(session, participant.school_id)
    chain = group_chain(groups_of(session, participant.school_id), participant.group_id)
    items = {kind: _items_for(session, participant, kind, chain) for kind in kinds}
    mine = my_answers(session, participant, [(kind, item.id) for kind in kinds for item in items[kind]])
    options = _options_of(session, items.get(POLL, []))
    return {kind: [ItemView(kind, item, options.get(item.id, []) if kind == POLL else [], mine.get((kind, item.id)))
                   for item in items[kind]] for kind in kinds}


def closed_for(session: Session, participant: Participant, school: School) -> list[ItemView]:
    """Closed statements and polls of the participant's groups with their k-anonymous results,
    the most recently closed first. Results come from the tallies only, as everywhere."""
    close_due(session, school.id)
    groups = groups_of(session, school.id)
    chain = group_chain(groups, participant.group_id)
    views = []
    for kind in (STATEMENT, POLL):
        items = _items_for(session, participant, kind, chain, closed=True)
        options = _options_of(session, items) if kind == POLL else {}
        tallies = tallies_of(session, kind, [i.id for i in items])
        views += [ItemView(kind, i, options.get(i.id, []), None,
                           results_from(school, kind, i, options.get(i.id, []), tallies[i.id], groups))
                  for i in items]
    return sorted(views, key=lambda v: v.item.closes_at, reverse=True)[:LIST_LIMIT]


def next_statement(session: Session, participant: Participant, after_id: int) -> int | None:
    """The next open statement this participant has not answered yet (Polis-style), if any."""
    for view in open_for(session, participant, STATEMENT)[STATEMENT]:
        if view.id != after_id and not view.voted:
            return view.id
    return None


def pupil_results(session: Session, participant: Participant, school: School, kind: str, item_id: int) -> ItemView:
    """For the API: the results a pupil may see, or a clear refusal."""
    view = pupil_item(session, participant, school, kind, item_id)
    if view.results is None:
        if view.item.results == "after_close":
            raise Forbidden(_("De resultaten zie je pas als dit gesloten is."))
        raise Forbidden(_("Stem eerst, dan zie je de resultaten."))
    return view


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


def staff_item(session: Session, school: School, kind: str, item_id: int) -> StaffView:
    close_due(session, school.id)
    return staff_view(session, school, kind, item_id)


def staff_view(session: Session, school: School, kind: str, item_id: int) -> StaffView:
    """One item with its results, its audience and its running live sessions."""
    item = load_staff_item(session, school.id, kind, item_id)
    options = poll_options(session, item.id) if kind == POLL else []
    live = list(session.exec(select(LiveSession).where(
        LiveSession.item_kind == kind, LiveSession.item_id == item.id, LiveSession.ended_at == None)))  # noqa: E711
    return StaffView(kind, item, options, results(session, school, kind, item, options),
                     audience_names(session, kind, item), live)


def staff_overview(session: Session, school: School) -> dict:
    """Every published statement (most unifying first) and poll, with k-anonymous results."""
    close_due(session, school.id)
    groups = groups_of(session, school.id)
    statements = list(session.exec(select(Statement).where(
        Statement.school_id == school.id, Statement.status == "published").order_by(Statement.id.desc())))
    polls = list(session.exec(select(Poll).where(Poll.school_id == school.id).order_by(Poll.id.desc())))
    options = _options_of(session, polls)
    views = {}
    for kind, items in ((STATEMENT, statements), (POLL, polls)):
        tallies = tallies_of(session, kind, [i.id for i in items])
        views[kind] = [StaffView(kind, i, options.get(i.id, []),
                                 results_from(school, kind, i, options.get(i.id, []), tallies[i.id], groups))
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



def comment_target(kind: str):
    """The title lookup comments on statements or polls use: None when the item is not
    published in this school."""
    model = MODELS[kind]

    def lookup(session: Session, school_id: int, item_id: int, reader: Participant | None = None) -> str | None:
        item = session.exec(select(model).where(model.id == item_id, model.school_id == school_id)).first()
        if item is None or getattr(item, "status", "published") != "published":
            return None
        if reader is not None:  # a pupil: the same audience and opening time as the item itself
            try:
                visible_item(session, reader, kind, item_id, groups_of(session, school_id))
            except (Forbidden, NotFound):
                return None
        return item.text if kind == STATEMENT else item.question

    return lookup
