"""The server secret K belongs to its database: every code's lookup value and every cookie is
made with it. A database that already holds codes without its K is not started with a new
one (that would silently kill every code and cookie); the key must be restored instead."""

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.config import Settings
from app.models import ParticipationCode, School


class MissingSecretKey(RuntimeError):
    """The database is in use but its secret key is gone."""


def key_file(settings: Settings) -> Path:
    return settings.var_dir / "secret_key"


def database_in_use(engine: Engine) -> bool:
    """True when the database has a school or a code; False when it is new or empty."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if not path or path == ":memory:" or not os.path.isfile(path) or os.path.getsize(path) == 0:
            return False
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        for table in (School.__tablename__, ParticipationCode.__tablename__):
            if table in names and conn.execute(sa.text(f'SELECT 1 FROM "{table}" LIMIT 1')).first():
                return True
    return False


def server_key(settings: Settings, engine: Engine) -> bytes:
    """K from INSPRAAK_SECRET_KEY or var/secret_key; a new one only for a database not in use."""
    if not settings.secret_key and not key_file(settings).exists():
        try:
            in_use = database_in_use(engine)
        except sa.exc.SQLAlchemyError as error:
            raise MissingSecretKey(
                f"{key_file(settings)} is missing and the database cannot be reached to check whether it "
                f"is new ({type(error).__name__}); not making a new secret key.") from None
        if in_use:
            raise MissingSecretKey(
                f"The database already has schools or codes, but its secret key is missing "
                f"({key_file(settings)} does not exist and INSPRAAK_SECRET_KEY is not set). A new key would "
                f"make every code and cookie useless. Restore the key from the backup "
                f"(`inspraak restore FILE`) or put it back in {key_file(settings)}.")
    return settings.secret()
