"""One linear history, and `inspraak migrate` three times at once on an empty database
(containers starting together) ends with one schema and no failure."""

import os
import subprocess
import sys

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from conftest import ROOT
from reliability_support import alembic_config, empty_database


def test_the_history_has_one_head_and_steps_down_and_up(tmp_path):
    with empty_database(tmp_path) as url:
        cfg = alembic_config(url)
        heads = ScriptDirectory.from_config(cfg).get_heads()
        assert len(heads) == 1
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "-1")
        command.upgrade(cfg, "head")
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            assert [r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))] == heads
        engine.dispose()


def test_three_migrations_at_once_on_an_empty_database(tmp_path):
    with empty_database(tmp_path) as url:
        env = {**os.environ, "INSPRAAK_DATABASE_URL": url, "INSPRAAK_SECRET_KEY": "k" * 32,
               "INSPRAAK_VAR_DIR": str(tmp_path)}
        runs = [subprocess.Popen([sys.executable, "-m", "app.cli", "migrate"], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in runs]
        assert [code for code, _err in results] == [0, 0, 0], [err[-800:] for _c, err in results]
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            versions = [r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))]
            tables = sa.inspect(conn).get_table_names()
        engine.dispose()
        assert versions == ScriptDirectory.from_config(alembic_config(url)).get_heads()
        assert {"school", "participationcode", "votetally"} <= set(tables)


def test_code_sheets_made_before_numbers_keep_distinct_numbers(tmp_path):
    """Migration 0009 numbers the sheets that exist (by their id) and gives them an empty name."""
    from sqlmodel import Session

    from app.services import access, school as school_service

    with empty_database(tmp_path) as url:
        cfg = alembic_config(url)
        command.upgrade(cfg, "0009")
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with Session(engine) as session:
            school = school_service.ensure_school(session, "Oude school")
            group = school_service.add_group(session, school.id, "3A")
            for _i in range(2):
                access.create_codes(session, b"k" * 32, group, 1)
            session.commit()
        command.downgrade(cfg, "0008")
        command.upgrade(cfg, "0009")
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, number, label FROM codesheet ORDER BY id")).all()
        engine.dispose()
        assert [tuple(r) for r in rows] == [(r[0], r[0], "") for r in rows] and len(rows) == 2
