"""`inspraak screen` uses the school's name list when there is a database."""

import json
import os
import subprocess
import sys

from app.models import ScreeningName
from conftest import ROOT, TEST_KEY


def screen(env: dict, text: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "app.cli", "screen", text], capture_output=True, text=True,
                            env={**os.environ, "INSPRAAK_SECRET_KEY": TEST_KEY, **env}, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_screen_uses_the_name_list(settings, session, school):
    session.add(ScreeningName(school_id=school.id, name="Vermeulen"))
    session.commit()
    env = {"INSPRAAK_DATABASE_URL": settings.db_url, "INSPRAAK_VAR_DIR": str(settings.var_dir)}
    result = screen(env, "Meneer Vermeulen is streng")
    assert (result["verdict"], result["matched"]) == ("person", ["Vermeulen"]) and "alarm" in result["score"]
    assert screen(env, "ik wil niet meer leven")["verdict"] == "crisis"


def test_screen_without_a_database(tmp_path):
    env = {"INSPRAAK_DATABASE_URL": "", "INSPRAAK_VAR_DIR": str(tmp_path)}
    result = screen(env, "Meneer Vermeulen is streng")
    assert (result["verdict"], result["matched"]) == ("ok", [])
    assert not (tmp_path / "inspraak.db").exists()
