"""Load the demo school: the school, then every domain's demo content in the order app.domains
gives (a domain's content may build on another's: moderation comments on a proposal)."""

from pathlib import Path

from sqlmodel import Session, select

from app import domains
from app.demo.school import load as load_school
from app.models import School


def is_empty(session: Session) -> bool:
    return session.exec(select(School)).first() is None


def load(session: Session, server_key: bytes, codes_file: Path | None = None) -> School:
    domains.wire()
    school = load_school(session, server_key, codes_file)
    for loader in domains.demo_loaders():
        loader(session, school, server_key)
    return school
