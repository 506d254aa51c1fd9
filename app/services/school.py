"""School and groups."""

from sqlmodel import Session, select

from app.i18n import _
from app.models import Group, School
from app.services.errors import Conflict, DomainError, NotFound


# Built once: every request loads the school, and building a statement costs more than running it.
_SCHOOL = select(School).order_by(School.id)


def get_school(session: Session) -> School:
    """One school per deployment for now; everything still carries its school_id."""
    school = session.exec(_SCHOOL).first()
    if school is None:
        raise NotFound(_("Er is nog geen school ingesteld."))
    return school


def ensure_school(session: Session, name: str) -> School:
    school = session.exec(select(School).order_by(School.id)).first()
    if school is None:
        school = School(name=name)
        session.add(school)
        session.flush()
    return school


def list_groups(session: Session, school_id: int) -> list[Group]:
    return list(session.exec(select(Group).where(Group.school_id == school_id).order_by(Group.name)))


def find_group(session: Session, school_id: int, name: str) -> Group:
    group = session.exec(select(Group).where(Group.school_id == school_id, Group.name == name)).first()
    if group is None:
        raise NotFound(_("Groep '{name}' bestaat niet.").format(name=name))
    return group


def add_group(session: Session, school_id: int, name: str, parent: str | None = None) -> Group:
    name = name.strip()
    if not name or len(name) > 60:
        raise DomainError(_("Geef de groep een naam van 1 tot 60 tekens."))
    if session.exec(select(Group).where(Group.school_id == school_id, Group.name == name)).first():
        raise Conflict(_("Groep '{name}' bestaat al.").format(name=name))
    parent_group = None
    if parent:
        parent_group = find_group(session, school_id, parent.strip())
        if parent_group.kind != "grade":
            raise DomainError(_("Een klas kan alleen bij een graad of jaar horen."))
    group = Group(
        school_id=school_id,
        name=name,
        kind="class" if parent_group else "grade",
        parent_id=parent_group.id if parent_group else None,
    )
    session.add(group)
    session.flush()
    return group


def k_of(school: School) -> int:
    """The school's k: no count is shown, or moves, by fewer than k answers (never below 3)."""
    return max(3, school.k_anonymity)
