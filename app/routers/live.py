"""Live classroom sessions: the pupil's side (one scan of the board's QR code, then the live
question) and the staff's side (the projector, the remote on a teacher's phone)."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from app.db import DbSession
from app.deps import AnyStaff, MaybePupil, Pupil, SchoolDep, csrf_protect
from app.routers.voting import PATH_KINDS, kind_of_path
from app.services import access, voting
from app.services.errors import DomainError
from app.services.shared import int_or_none
from app.web import flash_once, redirect, refused, render, safe_next

router = APIRouter(dependencies=[Depends(csrf_protect)])


# --- live: one scan of the board's QR code, then the live question -----------------------

def _live_join_page(request: Request, status_code: int = 200, **extra):
    return render(request, "voting/live_join.html", extra, status_code=status_code)


@router.get("/live", response_class=HTMLResponse)
def live_code_form(request: Request, pupil: MaybePupil, code: str = ""):
    if code:
        return redirect(f"/live/{voting.normalise_join_code(code)}")
    return _live_join_page(request, pupil=pupil, ask_code=True)


def _live_card(request: Request, session, pupil, school, code: str, template: str, **extra):
    kind, item_id = voting.live_item(session, pupil, code)
    return render(request, template, {
        "pupil": pupil, "code": code, "v": voting.pupil_item(session, pupil, school, kind, item_id),
        "kind": kind, "live": True, **extra})


@router.get("/live/{code}", response_class=HTMLResponse)
def live_join(request: Request, session: DbSession, school: SchoolDep, pupil: MaybePupil, code: str):
    """The live QR code's target. Without a slip code on this phone, the code form first; it
    comes back here after, so one scan is enough."""
    code = voting.normalise_join_code(code)
    if pupil is None:
        return _live_join_page(request, pupil=None, code=code)
    try:
        return flash_once(request, "voted", lambda voted: _live_card(
            request, session, pupil, school, code, "voting/live_pupil.html", thanks=bool(voted)))
    except DomainError as exc:
        return refused(request, session, exc, partial(_live_join_page, request), pupil=pupil, ask_code=True)


@router.get("/live/{code}/nu", response_class=HTMLResponse)
def live_now(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, code: str, shown: str = ""):
    """Polled by the pupil's live page: nothing (204) while the same item is live; the new card
    when staff pushed another; the end when they stopped."""
    code = voting.normalise_join_code(code)
    try:
        kind, item_id = voting.live_item(session, pupil, code)
    except DomainError as exc:
        return render(request, "voting/_live_pupil.html", {"pupil": pupil, "code": code, "ended": exc.message})
    if shown == f"{kind}-{item_id}":
        return Response(status_code=204)
    return _live_card(request, session, pupil, school, code, "voting/_live_pupil.html")


# --- live classroom mode -----------------------------------------------------------------

def _choices(session, school_id: int) -> list[tuple[str, object]]:
    kinds = {v: k for k, v in PATH_KINDS.items()}
    return [(kinds[kind], item) for kind, item in voting.live_choices(session, school_id)]


@router.get("/staff/live", response_class=HTMLResponse)
def live_choices(request: Request, session: DbSession, staff: AnyStaff):
    return render(request, "voting/live_choose.html", {
        "staff": staff, "items": _choices(session, staff.school_id), "running": voting.running(session, staff.school_id)})


def _projector(request: Request, session, school, staff, code: str, template: str):
    lv = voting.live_view(session, school, code)
    base = request.app.state.settings.public_url.rstrip("/")
    return render(request, template, {
        "staff": staff, "lv": lv, "code": lv.live.join_code, "join_url": f"{base}/live",
        "qr": access.qr_svg(f"{base}/live/{lv.live.join_code}")}, partial="voting/_projector.html")


@router.get("/staff/live/{code}", response_class=HTMLResponse)
def projector(request: Request, session: DbSession, school: SchoolDep, staff: AnyStaff, code: str):
    """The projector: full screen, no staff links; HTMX refreshes its inside every 2 seconds."""
    return _projector(request, session, school, staff, code, "voting/projector.html")


@router.get("/staff/live/{code}/results", response_class=HTMLResponse)
def projector_results(request: Request, session: DbSession, school: SchoolDep, staff: AnyStaff, code: str):
    return _projector(request, session, school, staff, code, "voting/_projector.html")


@router.get("/staff/live/{code}/bediening", response_class=HTMLResponse)
def remote(request: Request, session: DbSession, school: SchoolDep, staff: AnyStaff, code: str):
    """The remote control on a teacher's phone: push the next item, or stop."""
    return render(request, "voting/live_remote.html", {
        "staff": staff, "lv": voting.live_view(session, school, code), "items": _choices(session, staff.school_id)})


@router.post("/staff/live/{code}/next")
def push_live(session: DbSession, staff: AnyStaff, code: str, item: Annotated[str, Form(max_length=40)] = "",
              back: Annotated[str, Form(max_length=60)] = ""):
    path_kind, _sep, item_id = item.partition("/")
    live = voting.push_live(session, staff, code, kind_of_path(path_kind), int_or_none(item_id) or 0)
    return redirect(safe_next(back, f"/staff/live/{live.join_code}"))


@router.post("/staff/live/{code}/end")
def end_live(session: DbSession, staff: AnyStaff, code: str, back: Annotated[str, Form(max_length=60)] = ""):
    live = voting.end_live(session, staff, code)
    return redirect(safe_next(back, f"/staff/live/{live.join_code}"))
