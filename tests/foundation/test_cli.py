"""The `inspraak` command against the test database."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from app.models import Staff
from app.services import access, anonymity
from conftest import ROOT, TEST_KEY


def run(settings, *args, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "INSPRAAK_DATABASE_URL": settings.db_url, "INSPRAAK_SECRET_KEY": TEST_KEY,
           "INSPRAAK_VAR_DIR": str(settings.var_dir), "INSPRAAK_PUBLIC_URL": "https://school.example"}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)


def test_groups_add_and_list(settings, school):
    assert run(settings, "groups", "add", "5de jaar").returncode == 0
    assert run(settings, "groups", "add", "5B", "--parent", "5de jaar").returncode == 0
    out = run(settings, "groups", "list").stdout.splitlines()
    assert out == sorted(["3A", "3B", "3de jaar", "4A", "4de jaar", "5B", "5de jaar"])
    bad = run(settings, "groups", "add", "5C", "--parent", "nope")
    assert bad.returncode == 2 and "bestaat niet" in bad.stderr


def test_codes_printed_and_redeemable(settings, school, client):
    result = run(settings, "codes", "--group", "3A", "--count", "4")
    codes = result.stdout.split()
    assert result.returncode == 0 and len(codes) == 4
    assert all(anonymity.normalise_code(c) == c for c in codes)
    assert client.form("/aanmelden", {"code": codes[2]}, follow_redirects=False).status_code == 303


def test_codes_sheet(settings, school, tmp_path):
    sheet = tmp_path / "blad.html"
    assert run(settings, "codes", "--group", "3B", "--count", "6", "--sheet", str(sheet)).returncode == 0
    html = sheet.read_text()
    assert html.count('class="slip"') == 6 and html.count("<svg") == 6
    codes = [c.replace("-", "") for c in re.findall(r'class="slip-code">([2-9A-Z-]{15})<', html)]
    assert len(set(codes)) == 6
    # Each slip's QR code is the one for its own /c/{code} address on the public URL.
    for code in codes:
        assert access.qr_svg(f"https://school.example/c/{code}") in html
    assert "Anoniem" in html and "https://school.example" in html


def test_staff_create_reads_password_from_stdin(settings, school, session):
    r = run(settings, "staff", "create", "--username", "dir", "--role", "management", stdin="een goed wachtwoord\n")
    assert r.returncode == 0, r.stderr
    staff = session.exec(select(Staff).where(Staff.username == "dir")).one()
    assert staff.role == "management" and "een goed wachtwoord" not in staff.password_hash
    assert run(settings, "staff", "create", "--username", "x", "--role", "management", stdin="kort\n").returncode == 2


def test_secret_key_generated_once_with_0600(tmp_path):
    from app.config import Settings

    settings = Settings(var_dir=tmp_path / "var", secret_key="")
    first = settings.secret()
    assert settings.secret() == first and len(first) >= 48
    mode = stat.S_IMODE(Path(tmp_path / "var" / "secret_key").stat().st_mode)
    assert mode == 0o600
