"""Databases of their own for the reliability tests: these tests break, lock and restore
databases, so they never touch the shared test database."""

import contextlib
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.services import access, school as school_service, staff as staff_service, voting
from app.services.shared import local_input
from app.timeutil import utcnow
from conftest import BACKEND, PG_SERVER, ROOT, STAFF_PASSWORD, TEST_KEY, _pg_admin


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def pg_execute(sql: str) -> None:
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(sql))
    finally:
        admin.dispose()


@contextlib.contextmanager
def empty_database(folder: Path, backend: str = BACKEND) -> Iterator[str]:
    """The URL of a new, empty database (no schema), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'fresh-{secrets.token_hex(3)}.db'}"
        return
    name = f"inspraak_rel_{secrets.token_hex(4)}"
    pg_execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(folder: Path, backend: str = BACKEND) -> Iterator[str]:
    """A new database made by the migrations."""
    from alembic import command

    with empty_database(folder, backend) as url:
        command.upgrade(alembic_config(url), "head")
        yield url


def settings_for(url: str, var_dir: Path, secret_key: str = TEST_KEY) -> Settings:
    return Settings(database_url=url, secret_key=secret_key, var_dir=var_dir, public_url="http://testserver")


def pg_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def seed(url: str, key: bytes, codes: int = 3) -> dict:
    """A school with class 3A, a council account, `codes` pupil codes and an open statement."""
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            school = school_service.ensure_school(session, "Testschool")
            group = school_service.add_group(session, school.id, "3A")
            council = staff_service.create_staff(session, school.id, "raad", "council", STAFF_PASSWORD)
            _sheet, plain = access.create_codes(session, key, group, codes)
            item = voting.create_statement(session, council, voting.ItemForm(
                text="Er is genoeg tijd om te eten", audience=["school"],
                closes_at=local_input(utcnow() + timedelta(days=3))))
            session.commit()
            return {"codes": plain, "statement": item.id, "school": school.id}
    finally:
        engine.dispose()


def open_statement(session: Session, staff, text: str = "Er is genoeg tijd om te eten"):
    item = voting.create_statement(session, staff, voting.ItemForm(
        text=text, audience=["school"], closes_at=local_input(utcnow() + timedelta(days=3))))
    session.commit()
    return item


def vote_counts(session: Session, kind: str, item_id: int) -> tuple[int, int, int]:
    """(voters tally, sum of answer tallies, has-voted rows) for one item."""
    from sqlmodel import select

    from app.models import HasVoted, VoteTally

    tallies = session.exec(select(VoteTally).where(VoteTally.item_kind == kind, VoteTally.item_id == item_id)).all()
    voters = sum(t.count for t in tallies if t.answer == voting.VOTERS)
    answers = sum(t.count for t in tallies if t.answer != voting.VOTERS)
    rows = len(session.exec(select(HasVoted).where(HasVoted.item_kind == kind, HasVoted.item_id == item_id)).all())
    return voters, answers, rows
