"""Who may call a route, as named dependency types: the signature says it."""

import hmac
from typing import Annotated

from fastapi import Depends, Request
from app.db import DbSession
from app.i18n import _
from app.models import School, Staff
from app.services import access, school as school_service
from app.services.access import Participant
from app.web import ROLE_NAMES, read_pupil_cookie, read_staff_cookie


class NeedsCode(Exception):
    """No valid pupil cookie: send the pupil to the code form."""


class NeedsLogin(Exception):
    """No valid staff session: send to the login page."""


class WrongRole(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


class CsrfFailed(Exception):
    pass


def current_school(session: DbSession) -> School:
    return school_service.get_school(session)


def optional_participant(request: Request, session: DbSession) -> Participant | None:
    cookie = read_pupil_cookie(request)
    if cookie is None:
        return None
    return access.participant_from_cookie(session, *cookie)


def current_participant(participant: Annotated[Participant | None, Depends(optional_participant)]) -> Participant:
    if participant is None:
        raise NeedsCode()
    return participant


def optional_staff(request: Request, session: DbSession) -> Staff | None:
    cookie = read_staff_cookie(request)
    if cookie is None:
        return None
    staff = session.get(Staff, cookie[0])
    if staff is None or not staff.active or staff.session_epoch != cookie[1]:
        return None
    return staff


def current_staff(staff: Annotated[Staff | None, Depends(optional_staff)]) -> Staff:
    if staff is None:
        raise NeedsLogin()
    return staff


def require_role(*roles: str):
    def check(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
        if staff.role not in roles:
            raise WrongRole(_("Dit mag alleen de {roles}.").format(
                roles=" / ".join(_(ROLE_NAMES[r]) for r in roles)))
        return staff

    return check


async def csrf_protect(request: Request) -> None:
    """Every state-changing form carries the token from its CSRF cookie (double submit)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.state.csrf
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = (await request.form()).get("csrf_token")
    if not sent or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfFailed()


async def json_only(request: Request) -> None:
    """API writes must be JSON: a cross-site HTML form cannot send that without CORS."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise CsrfFailed()


SchoolDep = Annotated[School, Depends(current_school)]
Pupil = Annotated[Participant, Depends(current_participant)]
MaybePupil = Annotated[Participant | None, Depends(optional_participant)]
MaybeStaff = Annotated[Staff | None, Depends(optional_staff)]
AnyStaff = Annotated[Staff, Depends(current_staff)]
Council = Annotated[Staff, Depends(require_role("council"))]
Management = Annotated[Staff, Depends(require_role("management"))]
Admin = Annotated[Staff, Depends(require_role("admin"))]
