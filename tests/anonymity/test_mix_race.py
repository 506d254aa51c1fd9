"""The periodic mix rewrites pupil tables while pupils keep voting: a vote committed during a
mix is never lost (the mix reads a table and deletes it whole, so on PostgreSQL it keeps
writers out for that moment; SQLite has one writer anyway)."""

import secrets
import threading

import sqlalchemy as sa

from app import scrub


def test_votes_written_during_mixes_are_all_kept(engine, school, session):
    session.commit()
    inserted, stop, errors = [], threading.Event(), []

    def vote():
        try:
            while not stop.is_set() or len(inserted) < 50:
                pseudonym = secrets.token_hex(16)
                with engine.begin() as conn:
                    conn.execute(sa.text("INSERT INTO hasvoted (school_id, item_kind, item_id, pseudonym, sealed) "
                                         "VALUES (:s, 'poll', 999999, :p, 'x')"), {"s": school.id, "p": pseudonym})
                inserted.append(pseudonym)
                if len(inserted) >= 400:
                    return
        except Exception as exc:  # shown by the assertion below
            errors.append(exc)

    voter = threading.Thread(target=vote)
    voter.start()
    mixes = 0
    while voter.is_alive() and mixes < 200:
        with engine.begin() as conn:
            scrub.mix(conn, {"hasvoted"})
        mixes += 1
    stop.set()
    voter.join()
    with engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT pseudonym FROM hasvoted WHERE item_id = 999999")).scalars())
        conn.execute(sa.text("DELETE FROM hasvoted WHERE item_id = 999999"))
        conn.commit()
    assert errors == []
    assert mixes > 5
    assert set(inserted) <= stored, f"{len(set(inserted) - stored)} of {len(inserted)} votes lost in {mixes} mixes"
