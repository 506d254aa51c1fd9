"""The help page (one tap from every pupil page) and its admin editor."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from app.db import DbSession
from app.deps import Admin, MaybePupil, SchoolDep, csrf_protect
from app.schemas import help as schemas
from app.services import help as help_service
from app.timeutil import utcnow
from app.web import redirect, render

router = APIRouter(dependencies=[Depends(csrf_protect)])


@router.get("/hulp", response_class=HTMLResponse)
def help_page(request: Request, session: DbSession, school: SchoolDep, pupil: MaybePupil):
    resources = help_service.list_resources(session, school.id)
    return render(request, "help/help.html", {
        "pupil": pupil, "resources": resources, "hours": help_service.hours_today(resources, utcnow())})


@router.get("/admin/help", response_class=HTMLResponse)
def edit_help(request: Request, session: DbSession, staff: Admin):
    return render(request, "help/admin.html", {
        "staff": staff, "resources": help_service.list_resources(session, staff.school_id)})


@router.post("/admin/help/{resource_id}")
def save_help(session: DbSession, staff: Admin, resource_id: int, form: Annotated[schemas.HelpForm, Form()]):
    help_service.update_resource(session, staff, resource_id, form.model_dump())
    return redirect("/admin/help")
