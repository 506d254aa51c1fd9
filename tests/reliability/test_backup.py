"""Backups that restore: database and secret key together, readable by the owner only; a
restore brings back codes that still work; a database in use never gets a new key."""

import os
import stat
import subprocess
import sys
import tarfile

import pytest

from app.main import create_app
from app.services.operations.secret_key import MissingSecretKey
from conftest import ROOT, Client
from reliability_support import empty_database, fresh_database, seed, settings_for


def cli(url: str, var_dir, *args, key: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPRAAK_")}
    env.update(INSPRAAK_DATABASE_URL=url, INSPRAAK_VAR_DIR=str(var_dir), INSPRAAK_SECRET_KEY=key)
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def _join(url: str, var_dir, code: str) -> int:
    app = create_app(settings_for(url, var_dir, secret_key=""))
    try:
        return Client(app).form("/aanmelden", {"code": code}, follow_redirects=False).status_code
    finally:
        app.state.engine.dispose()


def test_backup_then_restore_into_a_new_place_and_the_same_codes_work(tmp_path):
    old_var, new_var = tmp_path / "old", tmp_path / "new"
    with fresh_database(tmp_path) as old_url:
        assert cli(old_url, old_var, "groups", "list").returncode == 2  # no school yet
        key = settings_for(old_url, old_var, secret_key="").secret()  # generated into old/secret_key
        data = seed(old_url, key)
        backup = tmp_path / "inspraak.backup"
        done = cli(old_url, old_var, "backup", str(backup))
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        with tarfile.open(backup) as tar:
            names = tar.getnames()
            assert "secret_key" in names and tar.extractfile("secret_key").read().strip() == key
            assert all(m.mode == 0o600 for m in tar.getmembers())
        assert cli(old_url, old_var, "backup", str(backup)).returncode == 2  # never overwrites
    with empty_database(tmp_path) as new_url:  # the old database and key are gone
        done = cli(new_url, new_var, "restore", str(backup))
        assert done.returncode == 0, done.stderr
        key_file = new_var / "secret_key"
        assert key_file.read_bytes().strip() == key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert _join(new_url, new_var, data["codes"][0]) == 303
        assert _join(new_url, new_var, data["codes"][1]) == 303
        # A second restore over a database in use needs --replace.
        again = cli(new_url, new_var, "restore", str(backup))
        assert again.returncode == 2 and "--replace" in again.stderr
        assert cli(new_url, new_var, "restore", "--replace", str(backup)).returncode == 0
        assert cli(new_url, new_var, "check").returncode == 0


def test_a_database_in_use_without_its_key_is_refused(tmp_path):
    with fresh_database(tmp_path) as url:
        key = settings_for(url, tmp_path, secret_key="").secret()
        seed(url, key)
        (tmp_path / "secret_key").unlink()
        with pytest.raises(MissingSecretKey, match="secret key is missing"):
            create_app(settings_for(url, tmp_path, secret_key=""))
        assert not (tmp_path / "secret_key").exists()  # no new key was made
        refused = cli(url, tmp_path, "codes", "--group", "3A", "--count", "1")
        assert refused.returncode == 2 and "secret key is missing" in refused.stderr
        assert not (tmp_path / "secret_key").exists()


def test_a_new_database_gets_a_new_key(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(settings_for(url, tmp_path, secret_key=""))
        assert (tmp_path / "secret_key").exists() and app.state.secret
        app.state.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file")
    with empty_database(tmp_path) as url:
        done = cli(url, tmp_path, "restore", str(junk))
        assert done.returncode == 2 and "not an Inspraak backup" in done.stderr
        assert "Traceback" not in done.stderr
