"""Playing the database holder: a break of 40 pupils, then a copy of what is on disk.

Pupils vote on six items (one after another, and in a burst), change votes, support, comment
and flag. Then the attacker copies the database (SQLite file and write-ahead log; PostgreSQL
rows with xmin and ctid, and the table files) and tries to pair one pupil's rows across
items by every order found there, to read answers from seal sizes or from which tallies
moved, and to find erased rows after closing.
"""

import random
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from app import scrub
from app.models import HasVoted, PendingBallot, VoteTally
from app.services import access, voting
from support.voting import closes_in

PUPILS = 40
GROUPS = ("3A", "3B", "4A")


@pytest.fixture
def items(session, school, make_staff):
    council = make_staff("council")
    closes = closes_in(days=300)
    made = []
    for i in range(3):
        st = voting.create_statement(session, council.staff, voting.ItemForm(
            text=f"Stelling nummer {i} over de school", audience=["school"], closes_at=closes))
        made.append(("statement", st.id, None))
    for i in range(3):
        poll = voting.create_poll(session, council.staff, voting.ItemForm(
            text=f"Peiling nummer {i}?", audience=["school"], closes_at=closes, kind="multiple",
            options="Een\nTwee\nDrie\nVier", max_choices="3"))
        made.append(("poll", poll.id, [o.id for o in voting.poll_options(session, poll.id)]))
    session.commit()
    council.made = made
    return council


def _vote(client, kind, item_id, options, rng):
    if kind == "statement":
        r = client.form(f"/stellingen/{item_id}/stem", {"answer": rng.choice(["agree", "disagree", "pass"])},
                        follow_redirects=False)
    else:
        chosen = rng.sample(options, rng.randint(1, 3))
        r = client.post(f"/peilingen/{item_id}/stem", data={"option_ids": [str(o) for o in chosen],
                                                             "csrf_token": client.csrf}, follow_redirects=False)
    assert r.status_code in (200, 303), r.text


@pytest.fixture
def break_(app, session, items, make_pupil):
    """40 pupils: 20 vote one after another on every item, 20 in a burst of 6 at a time;
    a few change their minds. Returns each pupil's pseudonym per item (ground truth)."""
    rng = random.Random(7)
    pupils = []
    for i in range(PUPILS):
        app.state.limiter.reset()  # one test client is one address: not what this test is about
        pupils.append(make_pupil(GROUPS[i % len(GROUPS)]))
    for p in pupils[:20]:
        for kind, item_id, options in items.made:
            _vote(p, kind, item_id, options, rng)

    def burst(p):
        local = random.Random(id(p))
        for kind, item_id, options in items.made:
            _vote(p, kind, item_id, options, local)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(burst, pupils[20:]))
    for p in pupils[:8]:  # changes of mind
        kind, item_id, options = items.made[0]
        _vote(p, kind, item_id, options, rng)
    truth = {}
    for p in pupils:
        participant = access.redeem(session, app.state.secret, p.code)
        truth[p.code] = {(kind, item_id): participant.pseudonym(kind, item_id) for kind, item_id, _ in items.made}
    # End the test's own transaction: on PostgreSQL an open snapshot keeps old row versions
    # alive through any vacuum (docs/anonymity.md: long transactions delay erasure).
    session.commit()
    _at_rest(app.state.engine)
    return truth


def _at_rest(engine) -> None:
    """The copy is taken at rest: on PostgreSQL, sessions other tests left idle in a transaction
    would hold old row versions alive (docs/anonymity.md, long transactions)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                 "datname = current_database() AND state = 'idle in transaction' "
                                 "AND pid <> pg_backend_pid()"))


def _pairing_rate(order_by_item: dict[tuple, list[str]], truth: dict) -> float:
    """Pair rank i of one item with rank i of another: the share of right pairs."""
    owner = {pseudo: code for code, mine in truth.items() for pseudo in mine.values()}
    keys = list(order_by_item)
    right = total = 0
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            for x, y in zip(order_by_item[keys[a]], order_by_item[keys[b]]):
                total += 1
                right += owner.get(x) == owner.get(y)
    assert total, "the attack found no rows to pair: it would prove nothing"
    return right / total


def _file_order(data: bytes, truth: dict, items) -> dict[tuple, list[str]]:
    """Each item's pseudonyms in the order they appear in the raw bytes of the file."""
    order = {}
    for kind, item_id, _ in items.made:
        found = []
        for mine in truth.values():
            pseudo = mine[(kind, item_id)]
            at = data.find(pseudo.encode())
            if at >= 0:
                found.append((at, pseudo))
        order[(kind, item_id)] = [p for _, p in sorted(found)]
    return order


def _database_bytes(engine) -> bytes:
    """What a copy of the database holds on disk (SQLite: the file and its write-ahead log;
    PostgreSQL: the files of the pupil tables and their indexes)."""
    if engine.dialect.name == "sqlite":
        # Read by another process: closing a descriptor of the file here would drop every POSIX
        # lock this process holds on it, and the next process to close its last connection
        # would then take the write-ahead log away from this process's open connections.
        path = Path(engine.url.database)
        wal = Path(str(path) + "-wal")
        files = [str(path)] + ([str(wal)] if wal.exists() else [])
        return subprocess.run(["cat", *files], capture_output=True, check=True).stdout
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("CHECKPOINT"))  # what is in shared memory reaches the files, as in a copy
        datadir = conn.execute(sa.text("SHOW data_directory")).scalar()
        paths = [conn.execute(sa.text("SELECT pg_relation_filepath(:r)"), {"r": r}).scalar()
                 for r in ("hasvoted", "pendingballot", "hasvoted_pkey", "ix_hasvoted_pseudonym")]
    return b"".join(Path(datadir, p).read_bytes() for p in paths if p and Path(datadir, p).exists())


def test_rows_cannot_be_paired_across_items_after_a_mix(app, engine, items, break_, session):
    scrub.tracker(engine).last_mix = 0  # the mixing period has passed
    assert scrub.mix_now(engine) > 0
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT item_kind, item_id, pseudonym, xmin::text, ctid::text FROM hasvoted")).all()
        assert len({r[3] for r in rows}) == 1  # one transaction wrote them all: xmin orders nothing
        by_ctid = {}
        for kind, item_id, pseudo, _xmin, ctid in sorted(rows, key=lambda r: tuple(map(int, r[4][1:-1].split(",")))):
            by_ctid.setdefault((kind, item_id), []).append(pseudo)
        assert _pairing_rate(by_ctid, break_) < 0.10
    else:
        with pytest.raises(sa.exc.OperationalError):  # no hidden rowid to sort by
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT rowid FROM hasvoted"))
        wal = Path(engine.url.database + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # no commit history left in the log
    # Guessing gives 1/40; the order in the file (pages, cells) must not do much better.
    rate = _pairing_rate(_file_order(_database_bytes(engine), break_, items), break_)
    assert rate < 0.10, f"{rate:.0%} of pairs right by file order"


def test_seals_have_one_size_and_tallies_move_in_steps_of_k(app, engine, items, break_, session):
    sizes = Counter(len(r.sealed) for r in session.exec(select(HasVoted)))
    assert len(sizes) == 1, sizes
    assert len(Counter(len(r.sealed) for r in session.exec(select(PendingBallot)))) <= 1
    k = 5
    for (kind, item_id, _), voters in zip(items.made, [None] * len(items.made)):
        counts = {t.group_id: t.count for t in session.exec(select(VoteTally).where(
            VoteTally.item_kind == kind, VoteTally.item_id == item_id, VoteTally.answer == "*"))}
        # Every class's number of counted voters is a sum of batches of at least k.
        assert all(c == 0 or c >= k for c in counts.values()), counts
        assert sum(counts.values()) < PUPILS  # some ballots still wait: counted only in groups


def test_after_closing_nothing_of_the_voters_is_left_on_disk(app, engine, items, break_, session):
    for kind, item_id, _ in items.made:
        items.form(f"/council/voting/{'statements' if kind == 'statement' else 'polls'}/{item_id}/close")
    assert session.exec(select(HasVoted)).all() == [] and session.exec(select(PendingBallot)).all() == []
    data = _database_bytes(engine)
    leftovers = [p for mine in break_.values() for p in mine.values() if p.encode() in data]
    assert leftovers == []
    # Tallies are exact at closing: every pupil counted once per item.
    for kind, item_id, _ in items.made:
        voters = session.exec(select(sa.func.sum(VoteTally.count)).where(
            VoteTally.item_kind == kind, VoteTally.item_id == item_id, VoteTally.answer == "*")).one()
        assert voters == PUPILS
