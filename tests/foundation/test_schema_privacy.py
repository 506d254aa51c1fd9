"""The schema: made by migrations that match the models, and honestly described to pupils."""

import re

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.services import privacy

# Columns a table about pupils' participation must never have.
FORBIDDEN = re.compile(r"(^|_)(ip|ip_address|address|addr|user_agent|agent|useragent|name|first_name|last_name|"
                       r"email|mail|phone|participant_id|code_id|code)($|_)")


def _live_tables(engine) -> dict[str, list[str]]:
    inspector = sa.inspect(engine)
    return {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_table_is_described_on_the_privacy_page(engine):
    tables = _live_tables(engine)
    described = {k.table: k for k in privacy.WHAT_WE_STORE}
    for table, columns in tables.items():
        if table in privacy.NOT_ABOUT_PUPILS:
            continue
        assert table in described, f"table {table} is not on the 'Wat we over je bewaren' page"
        assert sorted(described[table].columns) == sorted(columns), f"columns of {table} drifted from the page"
    assert set(described) <= set(tables), "the page describes tables that do not exist"


def test_no_pupil_table_has_identifying_columns(engine):
    for table, columns in _live_tables(engine).items():
        if table in privacy.NOT_ABOUT_PUPILS:
            continue
        bad = [c for c in columns if FORBIDDEN.search(c)]
        assert not bad, f"{table} has columns that could identify a pupil: {bad}"


def test_privacy_page_shows_each_kept_item(client, school):
    page = client.get("/privacy").text
    for kept in privacy.WHAT_WE_STORE:
        assert kept.title in page
    assert "IP-adres" in page
