"""`inspraak backup` and `inspraak restore`: the database and its secret key, together.

A backup is one tar file, readable by its owner only (0600): MANIFEST.json, the database
(SQLite: a consistent copy made with SQLite's online backup API, safe while the server runs;
PostgreSQL: `pg_dump --format=custom`) and secret_key. Without the key a restored database
is useless: no code and no cookie would work.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from app.config import Settings
from app.services.operations.secret_key import database_in_use, key_file

FORMAT = 1
DB_MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; nothing was changed."""


def _backend(engine: Engine) -> str:
    return engine.dialect.name


def _libpq_url(engine: Engine) -> str:
    """The database address as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client); "
                          f"see docs/reliability.md for doing the backup by hand.")
    return path


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[:500]}")


def _private_file(path: Path) -> io.BufferedWriter:
    """A new file that only its owner can read, whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def _add(tar: tarfile.TarFile, name: str, data: bytes | None = None, path: Path | None = None) -> None:
    info = tarfile.TarInfo(name)
    info.mode = 0o600
    if path is not None:
        info.size = path.stat().st_size
        with path.open("rb") as f:
            tar.addfile(info, f)
    else:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def _dump(engine: Engine, into: Path) -> None:
    if _backend(engine) == "sqlite":
        src, dst = sqlite3.connect(engine.url.database), sqlite3.connect(into)
        try:
            src.backup(dst)  # one consistent snapshot, while writers go on
        finally:
            dst.close()
            src.close()
    else:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={into}",
              f"--dbname={_libpq_url(engine)}"])


def backup(settings: Settings, engine: Engine, target: Path, server_key: bytes) -> Path:
    """Write database and key to `target` (a new file, mode 0600). Returns the file."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new name.")
    backend = _backend(engine)
    with tempfile.TemporaryDirectory(prefix="inspraak-backup-") as tmp:  # mode 0700
        dump = Path(tmp) / DB_MEMBER[backend]
        _dump(engine, dump)
        partial = target.with_name(f".{target.name}.partial")
        with _private_file(partial) as out, tarfile.open(fileobj=out, mode="w") as tar:
            manifest = {"format": FORMAT, "backend": backend}
            _add(tar, "MANIFEST.json", json.dumps(manifest).encode())
            _add(tar, DB_MEMBER[backend], path=dump)
            _add(tar, "secret_key", server_key + b"\n")
        os.replace(partial, target)
    return target


def _read(source: Path, tmp: Path) -> tuple[dict, Path, bytes]:
    try:
        with tarfile.open(source, mode="r") as tar:
            manifest = json.loads(tar.extractfile("MANIFEST.json").read())
            member = DB_MEMBER.get(manifest.get("backend"), "")
            key = tar.extractfile("secret_key").read().strip()
            dump = tmp / member
            with tar.extractfile(member) as src, dump.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    except (tarfile.TarError, KeyError, ValueError, AttributeError, OSError) as error:
        raise BackupError(f"{source} is not an Inspraak backup ({type(error).__name__}).") from None
    if manifest.get("format") != FORMAT or not key:
        raise BackupError(f"{source} is not an Inspraak backup this version can read.")
    return manifest, dump, key


def _check_key(settings: Settings, key: bytes, replace: bool) -> None:
    if settings.secret_key:
        if settings.secret_key.encode() != key:
            raise BackupError("INSPRAAK_SECRET_KEY differs from the key in the backup: set it to the backup's "
                              "key, or unset it so the key file is used.")
        return
    path = key_file(settings)
    if path.exists() and path.read_bytes().strip() != key and not replace:
        raise BackupError(f"{path} holds another key; add --replace to overwrite it.")


def _write_key(settings: Settings, key: bytes) -> None:
    if settings.secret_key:
        return  # the environment holds it, and it is the same (checked before)
    path = key_file(settings)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(".secret_key.partial")
    partial.unlink(missing_ok=True)
    with _private_file(partial) as f:
        f.write(key + b"\n")
    os.replace(partial, path)


def restore(settings: Settings, engine: Engine, source: Path, replace: bool = False) -> None:
    """Put the backup's database and key back. Stop the server first."""
    with tempfile.TemporaryDirectory(prefix="inspraak-restore-") as tmp:
        manifest, dump, key = _read(Path(source), Path(tmp))
        if manifest["backend"] != _backend(engine):
            raise BackupError(f"This backup is of a {manifest['backend']} database; "
                              f"INSPRAAK_DATABASE_URL points at {_backend(engine)}.")
        if database_in_use(engine) and not replace:
            raise BackupError("The database already holds a school; add --replace to overwrite it.")
        _check_key(settings, key, replace)  # before anything changes
        engine.dispose()
        if manifest["backend"] == "sqlite":
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
            src, dst = sqlite3.connect(dump), sqlite3.connect(engine.url.database)
            try:
                src.backup(dst)  # page by page into the live file, its write-ahead log included
            finally:
                dst.close()
                src.close()
        else:
            _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", "--exit-on-error", f"--dbname={_libpq_url(engine)}", str(dump)])
        _write_key(settings, key)
