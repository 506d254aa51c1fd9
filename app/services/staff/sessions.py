"""Staff sessions, kept on the server: a row per signed-in browser, so that logging out,
changing a password or switching an account off ends sessions at once.

The browser holds a random token; the database holds only its SHA-256, so a copy of the
database opens no session. A session ends after a time without use, and after a maximum
time whatever happens.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from app.models import Staff, StaffSession
from app.timeutil import utcnow

# last_seen_at is written at most this often: a page view is not a write.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    maximum: timedelta


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, staff: Staff) -> str:
    """A new session for this staff member; the token is for the cookie, and is not kept."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(staff_id=staff.id, token_hash=_hash(token)))
    session.flush()
    return token


def resolve(session: Session, token: str, lifetime: Lifetime, now: datetime | None = None) -> Staff | None:
    """The active staff member of a live session, or None. An expired session is deleted."""
    now = now or utcnow()
    row = session.exec(select(StaffSession, Staff).join(Staff, Staff.id == StaffSession.staff_id)
                       .where(StaffSession.token_hash == _hash(token))).first()
    if row is None:
        return None
    live, staff = row
    if (not staff.active or now - live.last_seen_at > lifetime.idle
            or now - live.created_at > lifetime.maximum):
        session.delete(live)
        return None
    if now - live.last_seen_at > TOUCH_EVERY:
        live.last_seen_at = now
        session.add(live)
    return staff


def end(session: Session, token: str) -> None:
    session.exec(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))


def end_all(session: Session, staff_id: int) -> None:
    """Every session of this staff member, on every browser."""
    session.exec(delete(StaffSession).where(StaffSession.staff_id == staff_id))


def purge_expired(session: Session, lifetime: Lifetime, now: datetime | None = None) -> None:
    """Forget sessions nobody will use again (run at each login; there are few)."""
    now = now or utcnow()
    session.exec(delete(StaffSession).where(
        (StaffSession.last_seen_at < now - lifetime.idle) | (StaffSession.created_at < now - lifetime.maximum)))
