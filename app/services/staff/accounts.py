"""Staff accounts: create, sign in, change or reset a password, switch on and off."""

from sqlmodel import Session, select

from app.i18n import _
from app.models import Staff
from app.models.staff import ROLES
from app.services import audit
from app.services.errors import Conflict, DomainError, NotFound
from app.services.staff import passwords, sessions


def create_staff(session: Session, school_id: int, username: str, role: str, password: str, display_name: str = "",
                 by: Staff | None = None) -> Staff:
    username = username.strip().lower()
    if not username or len(username) > 60 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise DomainError(_("Een gebruikersnaam heeft 1 tot 60 letters, cijfers, punten of streepjes."))
    if role not in ROLES:
        raise DomainError(_("Onbekende rol. Kies uit: {roles}.").format(roles=", ".join(ROLES)))
    passwords.check(password, username, display_name)
    if session.exec(select(Staff).where(Staff.username == username)).first():
        raise Conflict(_("De gebruikersnaam '{u}' is al in gebruik.").format(u=username))
    staff = Staff(school_id=school_id, username=username, role=role, display_name=display_name.strip() or username,
                  password_hash=passwords.hash_password(password))
    session.add(staff)
    session.flush()
    if by is not None:
        audit.record(session, by, "staff.create", "staff", staff.id, f"{username} ({role})")
    return staff


def authenticate(session: Session, username: str, password: str) -> Staff | None:
    staff = session.exec(select(Staff).where(Staff.username == username.strip().lower())).first()
    if staff is None or not staff.active:
        passwords.verify(None, password)  # as slow as a real check: no hint that the name exists
        return None
    if not passwords.verify(staff.password_hash, password):
        return None
    if passwords.needs_rehash(staff.password_hash):
        staff.password_hash = passwords.hash_password(password)
        session.add(staff)
    return staff


def change_password(session: Session, staff: Staff, current: str, new: str, repeat: str) -> None:
    """The staff member's own change. Every session of theirs ends; the caller starts a new one."""
    if not passwords.verify(staff.password_hash, current):
        raise DomainError(_("Je huidige wachtwoord klopt niet."))
    if new != repeat:
        raise DomainError(_("De twee nieuwe wachtwoorden zijn niet gelijk."))
    if new == current:
        raise DomainError(_("Kies een ander wachtwoord dan je huidige."))
    passwords.check(new, staff.username, staff.display_name)
    staff.password_hash = passwords.hash_password(new)
    staff.must_change_password = False
    session.add(staff)
    sessions.end_all(session, staff.id)
    audit.record(session, staff, "staff.password", "staff", staff.id, staff.username)


def set_password(session: Session, username: str, password: str) -> Staff:
    """The operator's way in for a locked-out account (the command line): sessions end."""
    staff = session.exec(select(Staff).where(Staff.username == username.strip().lower())).first()
    if staff is None:
        raise NotFound(_("Dit account bestaat niet."))
    passwords.check(password, staff.username, staff.display_name)
    staff.password_hash = passwords.hash_password(password)
    staff.must_change_password = False
    session.add(staff)
    sessions.end_all(session, staff.id)
    return staff


def _school_account(session: Session, by: Staff, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.school_id != by.school_id:
        raise NotFound(_("Dit account bestaat niet."))
    return staff


def reset_password(session: Session, by: Staff, staff_id: int) -> tuple[Staff, str]:
    """An admin's reset: a one-time password, to be replaced at the first login. Sessions end."""
    staff = _school_account(session, by, staff_id)
    if staff.id == by.id:
        raise DomainError(_("Je eigen wachtwoord verander je op de pagina 'Wachtwoord'."))
    password = passwords.one_time()
    staff.password_hash = passwords.hash_password(password)
    staff.must_change_password = True
    session.add(staff)
    sessions.end_all(session, staff.id)
    audit.record(session, by, "staff.password_reset", "staff", staff.id, staff.username)
    return staff, password


def list_staff(session: Session, school_id: int) -> list[Staff]:
    return list(session.exec(select(Staff).where(Staff.school_id == school_id).order_by(Staff.username)))


def set_active(session: Session, by: Staff, staff_id: int, active: bool) -> Staff:
    staff = _school_account(session, by, staff_id)
    if staff.id == by.id and not active:
        raise DomainError(_("Je kunt je eigen account niet uitschakelen."))
    staff.active = active
    session.add(staff)
    if not active:
        sessions.end_all(session, staff.id)
    audit.record(session, by, "staff.activate" if active else "staff.deactivate", "staff", staff.id, staff.username)
    return staff
