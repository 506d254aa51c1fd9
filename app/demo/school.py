"""The demo school itself: groups, one staff login per role, help lines and pupil codes.

Demo codes are derived from the server secret, so they can be printed again on every start
without being stored. Real codes are random and printed once.
"""

import hashlib
import hmac

from sqlmodel import Session, select

from app.models import CodeSheet, ParticipationCode, School, Staff
from app.services import anonymity, help as help_service, school as school_service, staff as staff_service

DEMO_PASSWORD = "inspraak-demo"
DEMO_STAFF = [("raad", "council", "Leerlingenraad"), ("directie", "management", "Directie"),
              ("beheer", "admin", "Beheerder")]
GRADES = {"3de jaar": ["3A", "3B"], "4de jaar": ["4A", "4B"], "5de jaar": ["5A"]}
DEMO_GROUP = "3A"
DEMO_CODE_COUNT = 30


def demo_codes(server_key: bytes, count: int = DEMO_CODE_COUNT, group: str = DEMO_GROUP) -> list[str]:
    codes = []
    for i in range(count):
        digest = hmac.new(server_key, f"demo\x00{group}\x00{i}".encode(), hashlib.sha256).digest()
        codes.append("".join(anonymity.ALPHABET[b % len(anonymity.ALPHABET)] for b in digest[: anonymity.CODE_LENGTH]))
    return codes


def load(session: Session, server_key: bytes) -> School:
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
        codes = demo_codes(server_key, group=group_name)
        sheet = CodeSheet(school_id=school.id, group_id=group.id, count=len(codes))
        session.add(sheet)
        session.flush()
        for code in codes:
            session.add(ParticipationCode(school_id=school.id, group_id=group.id, sheet_id=sheet.id,
                                          lookup=anonymity.lookup_value(server_key, code)))
    session.flush()
    return school


def staff_logins(session: Session) -> list[tuple[str, str]]:
    names = {u for u, _, _ in DEMO_STAFF}
    return [(s.username, s.role) for s in session.exec(select(Staff).order_by(Staff.id)) if s.username in names]
