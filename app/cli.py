"""The `inspraak` command: serve, migrate, demo, groups, codes, staff, screen, backup."""

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
    """A session for one command: one transaction, with the server key the services need."""
    session = Session(_engine(), **kwargs)
    session.info["server_key"] = get_settings().secret()
    return session


def migrate() -> None:
    from alembic import command
    from alembic.config import Config

    root = Path(__file__).resolve().parent.parent
    cfg = Config(str(root / "alembic.ini"))
    cfg.set_main_option("script_location", str(root / "migrations"))
    cfg.set_main_option("sqlalchemy.url", get_settings().db_url)
    get_settings().var_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(cfg, "head")


def _school(session):
    from app.services import school as school_service

    return school_service.get_school(session)


def cmd_demo(args) -> int:
    from app.demo import loader, school as demo

    settings = get_settings()
    key = settings.secret()
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

    settings = get_settings()
    migrate()
    if args.demo:
        cmd_demo(args)
    # No access log from uvicorn: it would hold client addresses and raw paths (codes).
    # uvloop and httptools: the event loop's wake-ups from the thread pool and the HTTP parsing
    # cost a third of the server's CPU with the pure-Python defaults (docs/performance.md).
    uvicorn.run("app.main:create_app", factory=True, host=settings.host, port=settings.port,
                access_log=False, proxy_headers=False, workers=args.workers, loop="uvloop", http="httptools")
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
        school = _school(session)
        group = school_service.find_group(session, school.id, args.group)
        _sheet, codes = access.create_codes(session, settings.secret(), group, args.count)
        session.commit()
    if args.sheet:
        css = (Path(__file__).parent / "static" / "inspraak-1.css").read_text()
        html = templates.get_template("access/sheet.html").render(
            request=None, school=school, group=group.name, inline_css=css,
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

    print(json.dumps(screening.screen(args.text, names=_school_names()).to_dict(), ensure_ascii=False))
    return 0


def cmd_backup(args) -> int:
    settings = get_settings()
    url = settings.db_url
    if not url.startswith("sqlite"):
        print("Gebruik pg_dump voor PostgreSQL.", file=sys.stderr)
        return 2
    import sqlite3

    src = sqlite3.connect(url.split("///", 1)[1])
    dst = sqlite3.connect(args.file)
    with dst:
        src.backup(dst)
    print(f"Back-up geschreven naar {args.file}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="inspraak", description="Inspraak: anonieme leerlingenstem")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="migrate and serve")
    s.add_argument("--demo", action="store_true", help="load the demo school when the database is empty")
    s.add_argument("--workers", type=int, default=1)
    s.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="run the database migrations").set_defaults(func=lambda a: migrate() or 0)
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
    st.set_defaults(func=cmd_staff)
    sr = sub.add_parser("screen", help="screen a text as pupil text is screened; prints JSON")
    sr.add_argument("text")
    sr.set_defaults(func=cmd_screen)
    b = sub.add_parser("backup", help="copy the SQLite database to a file")
    b.add_argument("file")
    b.set_defaults(func=cmd_backup)
    return p


def main(argv: list[str] | None = None) -> int:
    from app.services.errors import DomainError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
