"""Who may call a route, as named dependency types: the signature says it."""

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from app.db import DbSession, run_db
from app.i18n import _
from app.models import School, Staff
from app.security.csrf import csrf_protect, json_only  # noqa: F401 (routers import them from here)
from app.services import access, school as school_service
from app.services.access import Participant
from app.services.staff import sessions
from app.web import ROLE_NAMES, read_pupil_cookie, read_staff_cookie


class NeedsCode(Exception):
    """No valid pupil cookie: send the pupil to the code form."""


class NeedsLogin(Exception):
    """No valid staff session: send to the login page."""


class MustChangePassword(Exception):
    """Signed in with a one-time password: only the password page is open."""


class WrongRole(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


# Async, with their database work through run_db: on SQLite no hop to a worker thread per
# dependency (the pupil's pages each had three before their own).
async def current_school(session: DbSession) -> School:
    return await run_db(session, school_service.get_school, session)


async def optional_participant(request: Request, session: DbSession) -> Participant | None:
    cookie = read_pupil_cookie(request)
    if cookie is None:
        return None
    return await run_db(session, access.participant_from_cookie, session, *cookie)


async def current_participant(participant: Annotated[Participant | None, Depends(optional_participant)]) -> Participant:
    if participant is None:
        raise NeedsCode()
    return participant


def session_lifetime(request: Request) -> sessions.Lifetime:
    settings = request.app.state.settings
    return sessions.Lifetime(idle=timedelta(minutes=settings.staff_idle_minutes),
                             maximum=timedelta(hours=settings.staff_session_hours))


def signed_in_staff(request: Request, session: DbSession) -> Staff | None:
    """The staff member of this browser's live session, even one who must still change a password."""
    token = read_staff_cookie(request)
    if token is None:
        return None
    return sessions.resolve(session, token, session_lifetime(request))


def optional_staff(staff: Annotated[Staff | None, Depends(signed_in_staff)]) -> Staff | None:
    return None if staff is None or staff.must_change_password else staff


def current_staff(staff: Annotated[Staff | None, Depends(signed_in_staff)]) -> Staff:
    if staff is None:
        raise NeedsLogin()
    if staff.must_change_password:
        raise MustChangePassword()
    return staff


def require_role(*roles: str):
    def check(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
        if staff.role not in roles:
            raise WrongRole(_("Dit mag alleen de {roles}.").format(
                roles=" / ".join(_(ROLE_NAMES[r]) for r in roles)))
        return staff

    return check


SchoolDep = Annotated[School, Depends(current_school)]
Pupil = Annotated[Participant, Depends(current_participant)]
MaybePupil = Annotated[Participant | None, Depends(optional_participant)]
MaybeStaff = Annotated[Staff | None, Depends(optional_staff)]
AnyStaff = Annotated[Staff, Depends(current_staff)]
SignedInStaff = Annotated[Staff | None, Depends(signed_in_staff)]
Council = Annotated[Staff, Depends(require_role("council"))]
Management = Annotated[Staff, Depends(require_role("management"))]
Admin = Annotated[Staff, Depends(require_role("admin"))]
