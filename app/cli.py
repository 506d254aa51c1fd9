"""The `inspraak` command: serve, migrate, demo, groups, codes, staff, screen, screen-train, backup,
restore, check."""

import argparse
import json
import shutil
import sys
from pathlib import Path

from sqlmodel import Session

from app.config import get_settings


def _engine():
    from app.db import make_engine

    return make_engine(get_settings().db_url)


def _session(**kwargs) -> Session:
    """A session for one command: one transaction, with the server key the services need
    (never a new key for a database already in use)."""
    from app.services.operations.secret_key import server_key

    engine = _engine()
    session = Session(engine, **kwargs)  # no connection yet: the key check below takes no lock
    session.info["server_key"] = server_key(get_settings(), engine)
    return session


def _alembic_config():
    from alembic.config import Config

    root = Path(__file__).resolve().parent.parent
    cfg = Config(str(root / "alembic.ini"))
    cfg.set_main_option("script_location", str(root / "migrations"))
    cfg.set_main_option("sqlalchemy.url", get_settings().db_url)
    return cfg


def _heads(cfg) -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(cfg).get_heads())


def _current(url: str) -> set[str]:
    """The schema revision, read without taking a write lock (works on a read-only file)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def migrate() -> int:
    """Bring the schema to the newest revision. A database that cannot take writes is fine when
    it is current already (the server starts and answers 503 to writes until it can)."""
    from alembic import command
    from sqlalchemy.exc import OperationalError

    from app.db import error_kind

    cfg = _alembic_config()
    get_settings().var_dir.mkdir(parents=True, exist_ok=True)
    try:
        command.upgrade(cfg, "head")
        return 0
    except OperationalError as error:
        try:
            current = _current(get_settings().db_url)
        except OperationalError:
            current = set()
        if current and current == _heads(cfg):
            print(f"Let op: de database kan nu niet schrijven ({error_kind(error)}); het schema is al bij.",
                  file=sys.stderr)
            return 0
        print(f"Migratie mislukt: de database kan niet schrijven of is niet bereikbaar ({error_kind(error)}).",
              file=sys.stderr)
        return 1


def _school(session):
    from app.services import school as school_service

    return school_service.get_school(session)


def cmd_demo(args) -> int:
    from app.demo import loader, school as demo

    from app.services.operations.secret_key import server_key

    settings = get_settings()
    key = server_key(settings, _engine())
    codes_file = settings.var_dir / "demo_codes.json"
    with _session() as session:
        if loader.is_empty(session):
            loader.load(session, key, codes_file)
            session.commit()
            print("Demoschool aangemaakt.")
        logins = demo.staff_logins(session)
    print(f"\nInspraak: {settings.public_url}\n")
    print(f"Personeel (wachtwoord: {demo.DEMO_PASSWORD}):")
    for username, role in logins:
        print(f"  {username:10} {role}")
    print(f"\nLeerlingcodes ({demo.DEMO_GROUP}):")
    from app.services.anonymity import format_code

    for code in demo.demo_codes(count=5, codes_file=codes_file):
        print(f"  {format_code(code)}   {settings.public_url}/c/{code}")
    print()
    return 0


def cmd_serve(args) -> int:
    import uvicorn

    from app import server
    from app.services.operations.secret_key import server_key

    settings = get_settings()
    if migrate():
        return 1
    server_key(settings, _engine())  # refuses a database in use without its key, before any worker starts
    if args.demo:
        cmd_demo(args)
    server.raise_file_limit()
    # Behind a reverse proxy, trust its X-Forwarded-For so rate limits see each school, not the proxy.
    options = {**server.uvicorn_options(), "proxy_headers": bool(settings.forwarded_allow_ips),
               "forwarded_allow_ips": settings.forwarded_allow_ips or None}
    uvicorn.run("app.main:create_app", factory=True, host=settings.host, port=settings.port,
                workers=args.workers, **options)
    return 0


def cmd_groups(args) -> int:
    from app.services import school as school_service

    with _session() as session:
        school = _school(session)
        if args.action == "add":
            school_service.add_group(session, school.id, args.name, args.parent)
            session.commit()
        else:
            for group in school_service.list_groups(session, school.id):
                print(group.name)
    return 0


def cmd_codes(args) -> int:
    from app.services import access, school as school_service
    from app.web import templates

    settings = get_settings()
    with _session(expire_on_commit=False) as session:
        key = session.info["server_key"]
        school = _school(session)
        group = school_service.find_group(session, school.id, args.group)
        sheet, codes = access.create_codes(session, key, group, args.count)
        session.commit()
    if args.sheet:
        css = (Path(__file__).parent / "static" / "inspraak-3.css").read_text()
        html = templates.get_template("access/sheet.html").render(
            request=None, school=school, group=group.name, sheet=sheet, inline_css=css,
            slips=access.slips(settings.public_url, codes))
        Path(args.sheet).write_text(html, encoding="utf-8")
        print(f"{len(codes)} strookjes geschreven naar {args.sheet}", file=sys.stderr)
    else:
        for code in codes:
            print(code)
    return 0


def cmd_staff(args) -> int:
    from app.services import staff as staff_service

    password = sys.stdin.readline().rstrip("\n")
    with _session() as session:
        if args.action == "password":
            staff_service.set_password(session, args.username, password)
            session.commit()
            print(f"Nieuw wachtwoord voor {args.username}; het account is overal afgemeld.")
            return 0
        school = _school(session)
        staff_service.create_staff(session, school.id, args.username, args.role, password, args.name or "")
        session.commit()
    print(f"Account {args.username} ({args.role}) gemaakt.")
    return 0


def _school_names() -> list[str]:
    """The school's name list when there is a database; without one, screening works without names."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.services import moderation
    from app.services.errors import DomainError

    url = get_settings().db_url
    if url.startswith("sqlite") and not Path(url.split("///", 1)[1]).is_file():
        return []  # do not create an empty database just to screen a text
    try:
        with _session() as session:
            return moderation.school_names(session, _school(session).id)
    except (SQLAlchemyError, DomainError):
        return []


def cmd_screen(args) -> int:
    from app.services import screening
    from app.services.screening import evaluate

    if args.eval:
        try:
            figures = evaluate.evaluate_file(Path(args.eval))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        print("\n".join(figures.lines()))
        return 0
    if args.text is None:
        print("Geef een tekst, of --eval FILE.", file=sys.stderr)
        return 2
    print(json.dumps(screening.screen(args.text, names=_school_names()).to_dict(), ensure_ascii=False))
    return 0


def cmd_screen_train(args) -> int:
    from app.services.screening import train

    return train.main(["--c", str(args.c)] if args.c else [])


def cmd_backup(args) -> int:
    from app.services.operations import backup
    from app.services.operations.secret_key import server_key

    settings = get_settings()
    engine = _engine()
    path = backup.backup(settings, engine, Path(args.file), server_key(settings, engine))
    print(f"Back-up (database en geheime sleutel) geschreven naar {path}. Bewaar hem veilig: "
          f"wie hem heeft, heeft de sleutel.")
    return 0


def cmd_restore(args) -> int:
    from app.services.operations import backup

    backup.restore(get_settings(), _engine(), Path(args.file), replace=args.replace)
    print(f"Database en geheime sleutel teruggezet uit {args.file}. Start de server opnieuw.")
    return 0


def cmd_check(args) -> int:
    from app.services.operations import integrity

    report = integrity.check(_engine(), _heads(_alembic_config()))
    for line in report.problems:
        print(f"FOUT: {line}")
    for line in report.false_alarms:
        print(f"vals alarm: {line}")
    for line in report.notes:
        print(line)
    print("Database in orde." if report.ok else "De database heeft problemen: zet een back-up terug.")
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="inspraak", description="Inspraak: anonieme leerlingenstem")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="migrate and serve")
    s.add_argument("--demo", action="store_true", help="load the demo school when the database is empty")
    s.add_argument("--workers", type=int, default=1)
    s.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="run the database migrations").set_defaults(func=lambda a: migrate())
    sub.add_parser("demo", help="load the demo school if the database is empty").set_defaults(func=cmd_demo)
    g = sub.add_parser("groups", help="list or add groups")
    gs = g.add_subparsers(dest="action", required=True)
    ga = gs.add_parser("add")
    ga.add_argument("name")
    ga.add_argument("--parent", default=None, help="the grade a class belongs to")
    gs.add_parser("list")
    g.set_defaults(func=cmd_groups)
    c = sub.add_parser("codes", help="make participation codes for a group")
    c.add_argument("--group", required=True)
    c.add_argument("--count", type=int, required=True)
    c.add_argument("--sheet", help="write a printable A4 sheet of slips to this HTML file")
    c.set_defaults(func=cmd_codes)
    st = sub.add_parser("staff", help="staff accounts")
    sts = st.add_subparsers(dest="action", required=True)
    sc = sts.add_parser("create", help="create an account; the password is read from stdin")
    sc.add_argument("--username", required=True)
    sc.add_argument("--role", required=True, choices=["council", "management", "admin"])
    sc.add_argument("--name")
    sp = sts.add_parser("password", help="set a new password (read from stdin), e.g. for a locked-out admin; "
                                         "ends the account's sessions")
    sp.add_argument("--username", required=True)
    st.set_defaults(func=cmd_staff)
    sr = sub.add_parser("screen", help="screen a text as pupil text is screened; prints JSON")
    sr.add_argument("text", nargs="?")
    sr.add_argument("--eval", metavar="FILE", help="score a labelled JSON file: recall per kind, false alarms")
    sr.set_defaults(func=cmd_screen)
    stt = sub.add_parser("screen-train", help="train the learned screener from the corpus (needs the train extra)")
    stt.add_argument("--c", type=float, help="inverse regularisation strength")
    stt.set_defaults(func=cmd_screen_train)
    b = sub.add_parser("backup", help="write the database and its secret key to a new file (mode 0600)")
    b.add_argument("file")
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", help="put a backup's database and secret key back (server stopped)")
    r.add_argument("file")
    r.add_argument("--replace", action="store_true", help="overwrite a database that already holds a school")
    r.set_defaults(func=cmd_restore)
    sub.add_parser("check", help="run the database's integrity check").set_defaults(func=cmd_check)
    return p


def main(argv: list[str] | None = None) -> int:
    from app.services.errors import DomainError
    from app.services.operations.backup import BackupError
    from app.services.operations.secret_key import MissingSecretKey

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except (BackupError, MissingSecretKey) as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
