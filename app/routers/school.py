"""Admin pages for groups: grades and the classes in them."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from app.db import DbSession
from app.deps import Admin, csrf_protect
from app.services import audit, school as school_service
from app.web import redirect, render

router = APIRouter(prefix="/admin/groups", dependencies=[Depends(csrf_protect)])


@router.get("", response_class=HTMLResponse)
def groups(request: Request, session: DbSession, staff: Admin):
    return render(request, "school/groups.html", {
        "staff": staff, "groups": school_service.list_groups(session, staff.school_id)})


@router.post("")
def add_group(session: DbSession, staff: Admin, name: Annotated[str, Form(max_length=60)],
              parent: Annotated[str, Form()] = ""):
    group = school_service.add_group(session, staff.school_id, name, parent or None)
    audit.record(session, staff, "group.create", "group", group.id, group.name)
    return redirect("/admin/groups")
