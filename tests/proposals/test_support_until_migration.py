"""Migration 0008 on a real database with data: a proposal already looking for support gets an
end date four weeks after its last change; others get none; and it steps down and up again."""

from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import command

from reliability.reliability_support import alembic_config, empty_database

CHANGED = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def _row(table: sa.Table, **given) -> dict:
    """Given values, and a plain value for every other column that must have one."""
    plain = {sa.Integer: 1, sa.Boolean: False, sa.Date: date(2026, 11, 2), sa.DateTime: CHANGED}
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None or column.autoincrement is True:
            continue
        row[column.name] = next((v for t, v in plain.items() if isinstance(column.type, t)), "x")
    return row


def test_proposals_looking_for_support_get_an_end_date(tmp_path):
    with empty_database(tmp_path) as url:
        cfg = alembic_config(url)
        command.upgrade(cfg, "0007")
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            meta = sa.MetaData()
            meta.reflect(engine, only=["school", "proposalcategory", "proposal"])
            school, category, proposal = (meta.tables[n] for n in ("school", "proposalcategory", "proposal"))
            with engine.begin() as conn:
                conn.execute(school.insert().values(_row(school, id=1, name="Testschool")))
                conn.execute(category.insert().values(_row(category, id=1, school_id=1, name="Andere")))
                for pid, state in ((1, "published"), (2, "answered")):
                    conn.execute(proposal.insert().values(_row(
                        proposal, id=pid, school_id=1, category_id=1, state=state, title="t", body="b",
                        author_nonce="n", author_tag="t", created_at=CHANGED, changed_at=CHANGED)))
            command.upgrade(cfg, "0008")
            with engine.connect() as conn:
                until = dict(conn.execute(sa.text("SELECT id, support_until FROM proposal ORDER BY id")).all())
            assert {k: (v if isinstance(v, date) or v is None else date.fromisoformat(v)) for k, v in until.items()} \
                == {1: date(2026, 11, 30), 2: None}
            command.downgrade(cfg, "0007")
            command.upgrade(cfg, "head")
        finally:
            engine.dispose()
