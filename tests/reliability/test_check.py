"""`inspraak check`: the database's integrity check, the known SQLite false alarm on WITHOUT
ROWID tables told apart from real damage."""

import sqlite3

import pytest
import sqlalchemy as sa

from app.db import make_engine
from app.services.operations import integrity
from conftest import BACKEND
from reliability_support import alembic_config, fresh_database


def _heads(url):
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def test_a_fresh_database_is_in_order(tmp_path):
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        report = integrity.check(engine, _heads(url))
        engine.dispose()
    assert report.ok and report.problems == [], report.problems


def test_an_old_schema_is_reported(tmp_path):
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
        report = integrity.check(engine, _heads(url))
        engine.dispose()
    assert not report.ok and "inspraak migrate" in report.problems[0]


# The shape that trips SQLite 3.40.0-3.41.0: a WITHOUT ROWID table whose primary key lists
# its columns in another order than the table does.
WITHOUT_ROWID = ("CREATE TABLE pupil_action (a INTEGER NOT NULL, b TEXT NOT NULL, c BLOB NOT NULL, "
                 "PRIMARY KEY (c, b)) WITHOUT ROWID")


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's integrity check")
def test_the_without_rowid_false_alarm_is_explained_not_reported(tmp_path):
    path = tmp_path / "alarm.db"
    raw = sqlite3.connect(path)
    raw.execute(WITHOUT_ROWID)
    raw.execute("INSERT INTO pupil_action VALUES (1, 'b', x'00')")
    raw.commit()
    said = [r[0] for r in raw.execute("PRAGMA integrity_check")]
    raw.close()
    engine = make_engine(f"sqlite:///{path}")
    report = integrity.Report()
    integrity._check_sqlite(engine, report)
    engine.dispose()
    assert report.ok
    if said != ["ok"]:  # this SQLite has the false alarm: it is named as such
        assert said == ["NULL value in pupil_action.a"] and report.false_alarms == said
        assert "known false alarm" in report.notes[0]


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's integrity check")
def test_a_real_null_in_a_not_null_column_is_reported(tmp_path):
    path = tmp_path / "damaged.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE pupil_action (a INTEGER, b TEXT NOT NULL)")
    raw.execute("INSERT INTO pupil_action VALUES (NULL, 'b')")
    raw.commit()
    # Damage of the kind the check looks for: the schema now says NOT NULL, a row holds NULL.
    raw.execute("PRAGMA writable_schema = ON")
    raw.execute("UPDATE sqlite_schema SET sql = 'CREATE TABLE pupil_action (a INTEGER NOT NULL, b TEXT NOT NULL)' "
                "WHERE name = 'pupil_action'")
    raw.commit()
    raw.close()
    engine = make_engine(f"sqlite:///{path}")
    report = integrity.Report()
    integrity._check_sqlite(engine, report)
    engine.dispose()
    assert report.problems == ["NULL value in pupil_action.a"] and not report.false_alarms
