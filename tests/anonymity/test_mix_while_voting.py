"""The periodic mix (app/scrub.py) rewrites the pupil tables while other requests keep writing:
on PostgreSQL, a vote may commit while a mix runs. Nothing it wrote may be lost or undone."""

import pytest
import sqlalchemy as sa

from app import scrub
from app.models import HasVoted

VOTED = HasVoted.__table__


def test_a_vote_committed_during_a_mix_is_kept(app, engine, school):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the mix holds it, nothing else commits meanwhile")

    def row(pseudonym: str, sealed: str = "old") -> dict:
        return {"school_id": school.id, "item_kind": "poll", "item_id": 1, "pseudonym": pseudonym, "sealed": sealed}

    with engine.begin() as conn:
        conn.execute(sa.insert(VOTED), [row("a"), row("b")])
    meanwhile = []

    def another_request(_conn, _cursor, statement, *_args):
        # Just before the mix removes the old rows: a first vote and a changed vote commit.
        if statement.lstrip().upper().startswith("DELETE FROM HASVOTED") and not meanwhile:
            meanwhile.append(statement)
            with engine.begin() as other:
                other.execute(sa.insert(VOTED), [row("c")])
                other.execute(sa.update(VOTED).where(VOTED.c.pseudonym == "a").values(sealed="new"))

    sa.event.listen(engine, "before_cursor_execute", another_request)
    try:
        with engine.begin() as conn:
            assert scrub.mix(conn, {VOTED.name}) >= 2
    finally:
        sa.event.remove(engine, "before_cursor_execute", another_request)
    assert meanwhile, "the mix did not delete the table's rows"
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(VOTED.c.pseudonym, VOTED.c.sealed)).all())
    assert stored == {"a": "new", "b": "old", "c": "old"}
