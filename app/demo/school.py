"""The demo school itself: groups, one staff login per role, help lines and pupil codes.

Demo codes are random like all others: a code derived from the server secret would let
whoever holds the secret open every demo pupil. So that `make run` can print some again on
every start, they are kept in a file beside the secret (var/demo_codes.json, mode 0600), never
in the database.
"""

import json
import os
from pathlib import Path

from sqlmodel import Session, select

from app.models import CodeSheet, ParticipationCode, School, Staff
from app.services import anonymity, help as help_service, school as school_service, staff as staff_service

DEMO_PASSWORD = "inspraak-demo"
DEMO_STAFF = [("raad", "council", "Leerlingenraad"), ("directie", "management", "Directie"),
              ("beheer", "admin", "Beheerder")]
GRADES = {"3de jaar": ["3A", "3B"], "4de jaar": ["4A", "4B"], "5de jaar": ["5A"]}
DEMO_GROUP = "3A"
DEMO_CODE_COUNT = 30


_CODES: dict[str, list[str]] = {}  # of the demo school made by this process


def demo_codes(group: str = DEMO_GROUP, count: int = DEMO_CODE_COUNT, codes_file: Path | None = None) -> list[str]:
    """The demo school's codes for one class: made by this process, or read back from the file."""
    if group not in _CODES and codes_file is not None and codes_file.is_file():
        _CODES.update(json.loads(codes_file.read_text()))
    return _CODES.get(group, [])[:count]


def _keep(codes_file: Path) -> None:
    codes_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(codes_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(_CODES, f)


def load(session: Session, server_key: bytes, codes_file: Path | None = None) -> School:
    """Create the demo school without any domain's content (app.demo.loader adds that)."""
    school = school_service.ensure_school(session, "Demoschool Sint-Inspraak")
    for grade, classes in GRADES.items():
        school_service.add_group(session, school.id, grade)
        for name in classes:
            school_service.add_group(session, school.id, name, parent=grade)
    for username, role, display in DEMO_STAFF:
        staff_service.create_staff(session, school.id, username, role, DEMO_PASSWORD, display)
    help_service.seed(session, school.id)
    for group_name in ("3A", "3B", "4A", "4B", "5A"):
        group = school_service.find_group(session, school.id, group_name)
        codes = _CODES[group_name] = [anonymity.generate_code() for _ in range(DEMO_CODE_COUNT)]
        sheet = CodeSheet(school_id=school.id, group_id=group.id, count=len(codes))
        session.add(sheet)
        session.flush()
        for code in codes:
            session.add(ParticipationCode(school_id=school.id, group_id=group.id, sheet_id=sheet.id,
                                          lookup=anonymity.lookup_value(server_key, code)))
    session.flush()
    if codes_file is not None:
        _keep(codes_file)
    return school


def staff_logins(session: Session) -> list[tuple[str, str]]:
    names = {u for u, _, _ in DEMO_STAFF}
    return [(s.username, s.role) for s in session.exec(select(Staff).order_by(Staff.id)) if s.username in names]
