"""Pending ballots and counting them: no tally ever moves by fewer than k (DESIGN.md, model 4).

A vote (or a change of vote) leaves a pending ballot: its change to the tallies, sealed under
a key derived from the server secret K. The ballots of one group are added to the tallies
together once at least k first votes of that group have gathered, and all of them when the
item closes.
So every view of results (pupil, projector, staff, CSV, API) and a copy of the database see
answers only in steps of k, per group and so overall, and the tallies are exact at closing.
"""

from collections import Counter, defaultdict

from sqlalchemy import bindparam, delete, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.models import PendingBallot, VoteTally
from app.services import anonymity
from app.services.voting.common import VOTERS


def server_key(session: Session) -> bytes:
    """K travels with the unit of work (set where sessions are opened), never in a table."""
    key = session.info.get("server_key")
    if not key:
        raise RuntimeError("session opened without the server key")
    return key


def _key(session: Session) -> bytes:
    return anonymity.ballot_key(server_key(session))


def add_ballot(session: Session, school_id: int, kind: str, item_id: int, group_id: int,
               delta: Counter) -> None:
    """Store one vote's change ({answer: +1/-1}) for counting later."""
    changes = {answer: by for answer, by in delta.items() if by}
    if not changes:
        return
    sealed = anonymity.seal_ballot(_key(session), kind, item_id, {"g": group_id, "d": changes})
    session.add(PendingBallot(school_id=school_id, item_kind=kind, item_id=item_id, sealed=sealed))
    session.flush()


def _lock_item(session: Session, kind: str, item_id: int) -> None:
    # PostgreSQL: one counter per item at a time, or two votes could count the same ballots.
    # (SQLite runs one write transaction at a time anyway.)
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(hashtext(:k), :i)"), params={"k": kind, "i": item_id})


# Built once: every first vote runs them.
_OF_ITEM = (PendingBallot.item_kind == bindparam("kind"), PendingBallot.item_id == bindparam("item_id"))
_WAITING = select(func.count()).select_from(PendingBallot).where(*_OF_ITEM)
# FOR UPDATE (PostgreSQL; SQLite has one writer): the periodic mix deletes and writes back
# every pending ballot. Unlocked, a count that read them while a mix ran deleted the old
# copies only, and the copies the mix wrote back were counted a second time later. Locked,
# the mix waits for the count, or the count skips what the mix holds until the next count.
_PENDING = select(PendingBallot.id, PendingBallot.sealed).where(*_OF_ITEM).with_for_update()


def count_ready(session: Session, school_id: int, kind: str, item_id: int, k: int, everything: bool = False) -> int:
    """Add to the tallies every group's pending ballots once that group has k of them (all of
    them when `everything`, at closing). Returns how many ballots were counted."""
    if not everything:
        if waiting_ballots(session, kind, item_id) < k:
            return 0
    _lock_item(session, kind, item_id)
    key = _key(session)
    by_group: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    for ballot_id, sealed in session.exec(_PENDING, params={"kind": kind, "item_id": item_id}):
        ballot = anonymity.unseal_ballot(key, kind, item_id, sealed)
        if isinstance(ballot, dict):
            by_group[int(ballot["g"])].append((ballot_id, ballot["d"]))
    counted: list[str] = []
    total: Counter = Counter()
    for group_id, ballots in by_group.items():
        # A change of vote rides along with at least k first votes, so the number of voters
        # shown never moves by fewer than k either.
        if everything or sum(1 for _id, changes in ballots if changes.get(VOTERS) == 1) >= k:
            for ballot_id, changes in ballots:
                counted.append(ballot_id)
                for answer, by in changes.items():
                    total[(answer, group_id)] += by
    if not counted:
        return 0
    # Always the same order, so concurrent counts on PostgreSQL cannot deadlock on tally rows.
    for (answer, group_id), by in sorted(total.items()):
        if by:
            _bump(session, school_id, kind, item_id, answer, group_id, by)
    session.exec(delete(PendingBallot).where(PendingBallot.id.in_(counted)))
    return len(counted)


def waiting_ballots(session: Session, kind: str, item_id: int) -> int:
    return session.exec(_WAITING, params={"kind": kind, "item_id": item_id}).one()


_BUMP = update(VoteTally.__table__).where(
    VoteTally.item_kind == bindparam("b_kind"), VoteTally.item_id == bindparam("b_item"),
    VoteTally.answer == bindparam("b_answer"), VoteTally.group_id == bindparam("b_group"),
    VoteTally.count + bindparam("b_by") >= 0).values(count=VoteTally.count + bindparam("b_by"))


def _bump(session: Session, school_id: int, kind: str, item_id: int, answer: str, group_id: int, by: int) -> None:
    """Add `by` to one tally, in SQL (count = count + by), so concurrent counts never lose one."""
    params = {"b_kind": kind, "b_item": item_id, "b_answer": answer, "b_group": group_id, "b_by": by}
    connection = session.connection()
    if connection.execute(_BUMP, params).rowcount or by < 0:
        return
    # No row yet (a group made after the item): insert it; if a concurrent count just did, add to theirs.
    try:
        with session.begin_nested():
            session.add(VoteTally(school_id=school_id, item_kind=kind, item_id=item_id, answer=answer,
                                  group_id=group_id, count=by))
    except IntegrityError:
        connection.execute(_BUMP, params)
