"""Staff login and logout, the staff start page, staff accounts and the audit log."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.db import DbSession
from app.deps import Admin, AnyStaff, MaybeStaff, csrf_protect
from app.i18n import _
from app.models.staff import ROLES
from app.services import audit, staff as staff_service
from app.services.errors import DomainError, TooMany
from app.web import STAFF_COOKIE, client_key, redirect, refused, render, sign_out, safe_next, write_staff_cookie

router = APIRouter(dependencies=[Depends(csrf_protect)])


@router.get("/staff/login", response_class=HTMLResponse)
def login_form(request: Request, staff: MaybeStaff, next: str = "/staff"):
    if staff is not None:
        return redirect(safe_next(next, "/staff"))
    return render(request, "staff/login.html", {"next": safe_next(next, "/staff")})


@router.post("/staff/login")
def login(request: Request, session: DbSession, username: Annotated[str, Form(max_length=60)],
          password: Annotated[str, Form(max_length=200)], next: Annotated[str, Form()] = "/staff"):
    settings = request.app.state.settings
    if not request.app.state.limiter.hit("login", client_key(request), settings.login_rate_limit, 300):
        raise TooMany(_("Te veel pogingen na elkaar. Wacht een paar minuten."))
    staff = staff_service.authenticate(session, username, password)
    if staff is None:
        return render(request, "staff/login.html", {
            "next": safe_next(next, "/staff"), "username": username,
            "error": _("Gebruikersnaam of wachtwoord klopt niet.")}, status_code=400)
    response = redirect(safe_next(next, "/staff"))
    write_staff_cookie(request, response, staff.id, staff.session_epoch)
    return response


@router.post("/staff/logout")
def logout():
    return sign_out("/staff/login", STAFF_COOKIE)


@router.get("/staff", response_class=HTMLResponse)
def dashboard(request: Request, staff: AnyStaff):
    links = request.app.state.staff_links(staff.role)
    return render(request, "staff/dashboard.html", {"staff": staff, "links": links})


def _accounts_page(request: Request, session, staff, status_code: int = 200, **extra):
    return render(request, "staff/accounts.html", {
        "staff": staff, "accounts": staff_service.list_staff(session, staff.school_id), "roles": ROLES, **extra},
        status_code=status_code)


@router.get("/admin/staff", response_class=HTMLResponse)
def accounts(request: Request, session: DbSession, staff: Admin):
    return _accounts_page(request, session, staff)


@router.post("/admin/staff")
def create_account(request: Request, session: DbSession, staff: Admin,
                   username: Annotated[str, Form(max_length=60)], role: Annotated[str, Form()],
                   password: Annotated[str, Form(max_length=200)],
                   display_name: Annotated[str, Form(max_length=120)] = ""):
    try:
        staff_service.create_staff(session, staff.school_id, username, role, password, display_name, by=staff)
    except DomainError as exc:
        return refused(request, session, exc, partial(_accounts_page, request, session, staff))
    return redirect("/admin/staff")


@router.post("/admin/staff/{staff_id}/active")
def set_active(session: DbSession, staff: Admin, staff_id: int, active: Annotated[bool, Form()]):
    staff_service.set_active(session, staff, staff_id, active)
    return redirect("/admin/staff")


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: DbSession, staff: Admin):
    return render(request, "staff/audit.html", {"staff": staff, "entries": audit.entries(session, staff.school_id)})


@router.get("/admin/audit.csv")
def audit_csv(session: DbSession, staff: Admin):
    return Response(audit.export_csv(session, staff.school_id), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": "attachment; filename=audit.csv"})
