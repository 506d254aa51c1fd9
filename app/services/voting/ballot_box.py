"""The ballot box: what was chosen kept apart from who chose (DESIGN.md, anonymity model 4).

A vote writes a has-voted row (the per-item pseudonym and the choice sealed with the pupil's
own key, so only their phone can change it) and a pending ballot (tally.py), counted with at
least k others; the tallies never learn who, when or in which order. Closing an item counts
every pending ballot and deletes its has-voted rows.
"""

from collections import Counter

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import _
from app.models import HasVoted, Poll, Statement, VoteTally
from app.services import anonymity
from app.services.voting import tally
from app.services.access import Participant
from app.services.errors import Conflict
from app.services.voting.audience import groups_of
from app.services.voting.common import VOTERS


def make_tallies(session: Session, kind: str, item: Statement | Poll, answers: list[str],
                 audience: list[int] | None) -> None:
    """Every tally row at once, in a fixed order, so no row's position tells when someone voted.
    (A group made later gets its rows on its first vote.)"""
    groups = groups_of(session, item.school_id)
    if audience is None:
        ids = set(groups)
    else:
        ids = set(audience) | {g.id for g in groups.values() if g.parent_id in audience}
    rows = [{"school_id": item.school_id, "item_kind": kind, "item_id": item.id, "answer": a, "group_id": g,
             "count": 0} for a in sorted([*answers, VOTERS]) for g in sorted(ids)]
    if rows:
        session.exec(insert(VoteTally), params=rows)


_SEALED = select(HasVoted).where(HasVoted.item_kind == bindparam("kind"), HasVoted.item_id == bindparam("item_id"),
                                 HasVoted.pseudonym == bindparam("pseudonym"))
_SEALED_FOR_UPDATE = _SEALED.with_for_update().execution_options(populate_existing=True)
_MINE = select(HasVoted).where(HasVoted.pseudonym.in_(bindparam("pseudonyms", expanding=True)))


def sealed_choice(session: Session, participant: Participant, kind: str, item_id: int,
                  lock: bool = False) -> HasVoted | None:
    return session.exec(_SEALED_FOR_UPDATE if lock else _SEALED, params={
        "kind": kind, "item_id": item_id, "pseudonym": participant.pseudonym(kind, item_id)}).first()


def unseal(participant: Participant, row: HasVoted) -> dict:
    choice = anonymity.unseal(participant.secret, row.item_kind, row.item_id, row.sealed)
    if not isinstance(choice, dict):  # cannot happen with the cookie that made the pseudonym
        raise Conflict(_("Je vorige stem kon niet geopend worden. Probeer opnieuw."))
    return choice


def my_answer(session: Session, participant: Participant, kind: str, item_id: int) -> list[str] | None:
    """This participant's current answers to one item, or None when they have not voted."""
    row = sealed_choice(session, participant, kind, item_id)
    return unseal(participant, row)["a"] if row else None


def my_answers(session: Session, participant: Participant,
               items: list[tuple[str, int]]) -> dict[tuple[str, int], list[str]]:
    """This participant's answers to several items (kind, id) at once: one query for all
    their has-voted rows."""
    by_pseudonym = {participant.pseudonym(kind, item_id): (kind, item_id) for kind, item_id in items}
    mine: dict[tuple[str, int], list[str]] = {}
    if by_pseudonym:
        for row in session.exec(_MINE, params={"pseudonyms": list(by_pseudonym)}):
            if by_pseudonym.get(row.pseudonym) == (row.item_kind, row.item_id):
                mine[(row.item_kind, row.item_id)] = unseal(participant, row)["a"]
    return mine


def forget_voters(session: Session, kind: str, ids: list[int]) -> None:
    """Closed items: delete their has-voted rows, so their votes can never be linked again.
    The session layer then scrubs what the deletion left on disk (app/scrub.py)."""
    session.exec(delete(HasVoted).where(HasVoted.item_kind == kind, HasVoted.item_id.in_(ids)))
    session.info["erased"] = True


def cast(session: Session, participant: Participant, kind: str, item_id: int, answers: list[str], k: int) -> bool:
    """Record one participant's choice; True for a first vote, False for a change.

    The change to the tallies waits as a pending ballot until k of the group can be counted."""
    pseudonym = participant.pseudonym(kind, item_id)
    sealed = anonymity.seal(participant.secret, kind, item_id, {"a": answers})
    row = sealed_choice(session, participant, kind, item_id, lock=True)
    if row is None:
        try:
            with session.begin_nested():  # the primary key lets only one first vote through
                session.add(HasVoted(school_id=participant.school_id, item_kind=kind, item_id=item_id,
                                     pseudonym=pseudonym, sealed=sealed))
        except IntegrityError:  # the same participant's vote in another request won the race
            row = sealed_choice(session, participant, kind, item_id, lock=True)
            if row is None:
                raise Conflict(_("Je stem kwam twee keer tegelijk binnen. Probeer opnieuw.")) from None
    delta: Counter = Counter()
    if row is None:
        delta[VOTERS] += 1
    else:
        for answer in unseal(participant, row)["a"]:
            delta[answer] -= 1
        row.sealed = sealed
        session.add(row)
    for answer in answers:
        delta[answer] += 1
    tally.add_ballot(session, participant.school_id, kind, item_id, participant.group_id, delta)
    if row is None:
        # Only a first vote can bring a group to k first votes: after a change of vote, counting
        # would find nothing new, yet unseal every waiting ballot (the revote burst went quadratic).
        tally.count_ready(session, participant.school_id, kind, item_id, k)
    return row is None

