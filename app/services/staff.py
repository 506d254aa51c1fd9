"""Staff accounts: argon2 hashes, roles, login."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from app.i18n import _
from app.models import Staff
from app.models.staff import ROLES
from app.services import audit
from app.services.errors import Conflict, DomainError, NotFound

_hasher = PasswordHasher()
# Verifying against this keeps a wrong username as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD = 10


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DomainError(_("Een wachtwoord heeft minstens {n} tekens.").format(n=MIN_PASSWORD))


def create_staff(session: Session, school_id: int, username: str, role: str, password: str, display_name: str = "",
                 by: Staff | None = None) -> Staff:
    username = username.strip().lower()
    if not username or len(username) > 60 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise DomainError(_("Een gebruikersnaam heeft 1 tot 60 letters, cijfers, punten of streepjes."))
    if role not in ROLES:
        raise DomainError(_("Onbekende rol. Kies uit: {roles}.").format(roles=", ".join(ROLES)))
    _check_password(password)
    if session.exec(select(Staff).where(Staff.username == username)).first():
        raise Conflict(_("De gebruikersnaam '{u}' is al in gebruik.").format(u=username))
    staff = Staff(school_id=school_id, username=username, role=role, display_name=display_name.strip() or username,
                  password_hash=_hasher.hash(password))
    session.add(staff)
    session.flush()
    if by is not None:
        audit.record(session, by, "staff.create", "staff", staff.id, f"{username} ({role})")
    return staff


def authenticate(session: Session, username: str, password: str) -> Staff | None:
    staff = session.exec(select(Staff).where(Staff.username == username.strip().lower())).first()
    try:
        if staff is None or not staff.active:
            _hasher.verify(_DUMMY_HASH, password or "-")
            return None
        _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
        session.add(staff)
    return staff


def list_staff(session: Session, school_id: int) -> list[Staff]:
    return list(session.exec(select(Staff).where(Staff.school_id == school_id).order_by(Staff.username)))


def set_active(session: Session, by: Staff, staff_id: int, active: bool) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.school_id != by.school_id:
        raise NotFound(_("Dit account bestaat niet."))
    if staff.id == by.id and not active:
        raise DomainError(_("Je kunt je eigen account niet uitschakelen."))
    staff.active = active
    staff.session_epoch += 1
    session.add(staff)
    audit.record(session, by, "staff.activate" if active else "staff.deactivate", "staff", staff.id, staff.username)
    return staff
