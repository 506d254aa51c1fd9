"""`inspraak check`: the database's own integrity check, and whether the schema is current.

SQLite: `PRAGMA integrity_check` and `PRAGMA foreign_key_check`. SQLite 3.40.0 to 3.41.0
(Debian 12 ships 3.40.1) has a known false alarm: on a WITHOUT ROWID table whose primary key
lists its columns in another order than the table does, the check reports "NULL value in
T.C" for NOT NULL columns that hold no NULL at all. Each such line is verified with a query:
when the column really has no NULL, it is reported as that false alarm, not as damage.

PostgreSQL: every table is read through (a damaged page fails the read) and, when the amcheck
extension is installed, every B-tree index is checked with bt_index_check.
"""

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

NULL_LINE = re.compile(r"^NULL value in (?:\"?)([\w]+)(?:\"?)\.(?:\"?)([\w]+)(?:\"?)$")
FALSE_ALARM_VERSIONS = ((3, 40, 0), (3, 41, 1))  # [from, to): fixed in 3.41.1


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _without_rowid(conn, table: str) -> bool:
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_schema WHERE type='table' AND name=?", (table,)).scalar()
    return bool(sql) and "without rowid" in " ".join(sql.lower().split())


def _is_false_null_alarm(conn, line: str) -> bool:
    match = NULL_LINE.match(line.strip())
    if not match:
        return False
    table, column = match.groups()
    if not _without_rowid(conn, table):
        return False
    nulls = conn.exec_driver_sql(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL').scalar()
    return nulls == 0


def _check_sqlite(engine: Engine, report: Report) -> None:
    with engine.connect() as conn:
        lines = Counter(line for (line,) in conn.exec_driver_sql("PRAGMA integrity_check").fetchall() if line != "ok")
        for line, times in lines.items():  # one line per row affected: shown once, with a count
            shown = f"{line} ({times}×)" if times > 1 else line
            (report.false_alarms if _is_false_null_alarm(conn, line) else report.problems).append(shown)
        for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            report.problems.append(f"row {rowid} of {table} points to a missing {parent}")
    if report.false_alarms:
        low, high = FALSE_ALARM_VERSIONS
        affected = low <= sqlite3.sqlite_version_info < high
        report.notes.append(
            f"SQLite {sqlite3.sqlite_version}: 'NULL value in' lines on WITHOUT ROWID tables were checked "
            f"with a query and those columns hold no NULL: a known false alarm of SQLite "
            f"{'.'.join(map(str, low))} to 3.41.0{' (this version)' if affected else ''}, not damage.")


def _check_postgresql(engine: Engine, report: Report) -> None:
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        for table in tables:
            try:
                with conn.begin_nested():
                    conn.execute(sa.text(f'SELECT count(*) FROM "{table}"'))
            except sa.exc.DBAPIError as error:
                report.problems.append(f"table {table} cannot be read: {type(error.orig).__name__}")
        has_amcheck = conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).first()
        if not has_amcheck:
            report.notes.append("amcheck is not installed: indexes were not checked "
                                "(CREATE EXTENSION amcheck; as a superuser to add it).")
            return
        indexes = conn.execute(sa.text(
            "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
            "WHERE n.nspname = current_schema() AND a.amname = 'btree'")).all()
        for oid, name in indexes:
            try:
                with conn.begin_nested():
                    conn.execute(sa.text("SELECT bt_index_check(:oid)"), {"oid": oid})
            except sa.exc.DBAPIError as error:
                report.problems.append(f"index {name}: {type(error.orig).__name__}")


def _check_schema(engine: Engine, heads: set[str], report: Report) -> None:
    with engine.connect() as conn:
        try:
            current = {row[0] for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
        except sa.exc.DBAPIError:
            current = set()
    if current != heads:
        report.problems.append(f"schema at {sorted(current) or 'nothing'}, code expects {sorted(heads)}: "
                               f"run `inspraak migrate`")


def check(engine: Engine, heads: set[str]) -> Report:
    report = Report()
    if engine.dialect.name == "sqlite":
        _check_sqlite(engine, report)
    else:
        _check_postgresql(engine, report)
    _check_schema(engine, heads, report)
    return report
