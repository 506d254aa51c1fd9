"""A school's moderation settings: before or after publishing, the flag threshold that hides a
comment, and the list of names that hold a text for review."""

from sqlalchemy import update
from sqlmodel import Session, delete

from app.i18n import _
from app.models import Comment, School, ScreeningName, Staff
from app.services import audit
from app.services.errors import DomainError
from app.services.moderation.intake import school_names
from app.services.shared import one_line


MODES = ("pre", "post")
MAX_THRESHOLD = 50
MAX_NAMES = 500


def update_settings(session: Session, staff: Staff, mode: str, threshold: int) -> School:
    school = session.get(School, staff.school_id)
    if mode not in MODES:
        raise DomainError(_("Kies vooraf of achteraf modereren."))
    if not 1 <= threshold <= MAX_THRESHOLD:
        raise DomainError(_("Kies een aantal meldingen tussen 1 en {max}.").format(max=MAX_THRESHOLD))
    school.moderation_mode = mode
    school.flag_hide_threshold = threshold
    session.add(school)
    # A lower threshold applies at once to comments that already have that many flags.
    session.exec(update(Comment).where(Comment.school_id == school.id, Comment.status == "published",
                                       Comment.flag_count >= threshold).values(status="hidden"))
    audit.record(session, staff, "moderation.settings", "school", school.id, f"mode={mode}, drempel={threshold}")
    return school


def set_school_names(session: Session, staff: Staff, text: str) -> list[str]:
    """Replace the name list with one name per line. The audit log keeps only the count."""
    names: dict[str, str] = {}
    for line in (text or "").splitlines():
        name = one_line(line)
        if not name:
            continue
        if len(name) < 2 or len(name) > 80:
            raise DomainError(_("Een naam heeft 2 tot 80 tekens: '{name}'.").format(name=name[:80]))
        names.setdefault(name.casefold(), name)
    if len(names) > MAX_NAMES:
        raise DomainError(_("Hoogstens {max} namen.").format(max=MAX_NAMES))
    session.exec(delete(ScreeningName).where(ScreeningName.school_id == staff.school_id))
    session.flush()
    for name in names.values():
        session.add(ScreeningName(school_id=staff.school_id, name=name))
    session.flush()
    audit.record(session, staff, "moderation.names", "school", staff.school_id, f"{len(names)} namen")
    return school_names(session, staff.school_id)

