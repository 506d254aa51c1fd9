"""The help page (one tap from every pupil page, open lines first), its admin editor, and the
help lines for the box shown after a worrying text (used by every router that takes pupil text)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from app.db import DbSession
from app.deps import Admin, MaybePupil, SchoolDep, csrf_protect
from app.schemas import help as schemas
from app.services import help as help_service
from app.timeutil import utcnow
from app.services.moderation import Screened
from app.web import flash_once, redirect, redirect_with_flash, render

router = APIRouter(dependencies=[Depends(csrf_protect)])


@router.get("/hulp", response_class=HTMLResponse)
def help_page(request: Request, session: DbSession, school: SchoolDep, pupil: MaybePupil):
    now = utcnow()
    resources = help_service.open_first(help_service.list_resources(session, school.id), now)
    return render(request, "help/help.html", {
        "pupil": pupil, "resources": resources, "hours": help_service.hours_today(resources, now)})


def held_context(session, school_id: int, screened) -> dict:
    """What the message after sending a text needs: the screening and, when the text asks for
    help, the help lines for the box, the ones open right now first."""
    if screened is None or not screened.needs_help:
        return {"screened": screened}
    lines = help_service.box_lines(help_service.list_resources(session, school_id), screened.verdict, utcnow())
    return {"screened": screened, "box_lines": lines}


def sent(request: Request, url: str, screened, **extra):
    """Post/redirect/get after a pupil sent a text: what the screening said goes along in a
    short-lived flash, so the next page can thank or show the help lines, once."""
    return redirect_with_flash(request, url, "sent", {
        "status": screened.status, "urgent": screened.urgent, "verdict": screened.verdict, **extra})


def sent_page(request: Request, session, school_id: int, build):
    """The page after `sent`: build(context) gets the message's context, or None when there is
    no flash (a reload, or a visit later): then it shows the page without the message."""
    def make(value):
        if value is None:
            return build(None)
        screened = Screened(str(value.get("status", "")), bool(value.get("urgent")), str(value.get("verdict", "")))
        return build({**held_context(session, school_id, screened), "sent": value})
    return flash_once(request, "sent", make)


@router.get("/admin/help", response_class=HTMLResponse)
def edit_help(request: Request, session: DbSession, staff: Admin):
    return render(request, "help/admin.html", {
        "staff": staff, "resources": help_service.list_resources(session, staff.school_id)})


@router.post("/admin/help/{resource_id}")
def save_help(session: DbSession, staff: Admin, resource_id: int, form: Annotated[schemas.HelpForm, Form()]):
    help_service.update_resource(session, staff, resource_id, form.model_dump())
    return redirect("/admin/help")
