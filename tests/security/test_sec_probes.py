"""Finding 10: liveness at /healthz and readiness at /readyz (the database answers and is at
the newest migration), outside the API prefix and out of the logs."""

import logging

from alembic import command
from fastapi.testclient import TestClient

from app.main import create_app


def test_liveness_and_readiness_at_the_root(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready"}
    assert client.head("/healthz").status_code == 200
    assert client.get("/api/v1/healthz").json() == {"status": "ok"}  # what older clients probe


def _counted(route: str) -> float:
    from app import metrics

    return sum(sample.value for family in metrics.REGISTRY.collect() for sample in family.samples
               if sample.name == "inspraak_requests_total" and sample.labels.get("route") == route)


def test_probes_are_neither_counted_nor_logged(client, caplog):
    before = {route: _counted(route) for route in ("/healthz", "/readyz", "/hulp")}
    with caplog.at_level(logging.DEBUG):
        client.get("/healthz")
        client.get("/readyz")
    client.get("/hulp")
    assert [r.getMessage() for r in caplog.records if r.name.startswith(("inspraak", "uvicorn"))] == []
    assert _counted("/healthz") == before["/healthz"] and _counted("/readyz") == before["/readyz"]
    assert _counted("/hulp") == before["/hulp"] + 1  # what a counted request looks like


def test_not_ready_without_a_database(settings, tmp_path):
    app = create_app(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"}))
    c = TestClient(app)
    assert c.get("/healthz").status_code == 200  # alive...
    r = c.get("/readyz")
    assert r.status_code == 503 and r.json() == {"status": "unavailable", "reason": "database"}  # ...not ready


def test_not_ready_before_the_newest_migration(settings, migrated, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrated.set_main_option("sqlalchemy.url", url)
    try:
        command.upgrade(migrated, "0006")
        c = TestClient(create_app(settings.model_copy(update={"database_url": url})))
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["reason"] == "migrations"
        command.upgrade(migrated, "head")
        assert c.get("/readyz").status_code == 200
    finally:
        migrated.set_main_option("sqlalchemy.url", settings.db_url)


def test_readiness_knows_the_heads_alembic_knows(tmp_path):
    """Readiness reads the migration files without Alembic; it must find the heads Alembic
    finds, also with a branch of two heads and a merge of them."""
    from alembic.script import ScriptDirectory

    from app import probes

    def heads_of(files: dict[str, str]) -> tuple[frozenset, frozenset]:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        (folder / "versions").mkdir(parents=True)
        (folder / "script.py.mako").write_text("")
        for name, down in files.items():
            (folder / "versions" / f"{name}.py").write_text(
                f"revision = {name!r}\ndown_revision: str | None = {down!r}\n")
        probes.MIGRATIONS, saved = folder, probes.MIGRATIONS
        probes.migration_heads.cache_clear()
        try:
            return probes.migration_heads(), frozenset(ScriptDirectory(str(folder)).get_heads())
        finally:
            probes.MIGRATIONS = saved
            probes.migration_heads.cache_clear()

    for files in ({"a1": None, "b2": "a1"}, {"a1": None, "b2": "a1", "c3": "a1"},
                  {"a1": None, "b2": "a1", "c3": "a1", "d4": ("b2", "c3")}):
        ours, alembics = heads_of(files)
        assert ours == alembics and ours
    assert probes.migration_heads() == frozenset(ScriptDirectory(str(probes.MIGRATIONS)).get_heads())
