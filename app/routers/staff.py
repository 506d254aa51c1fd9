"""Staff login and logout, passwords (own change, admin reset), the staff start page, staff
accounts and the audit log."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.db import DbSession
from app.deps import Admin, AnyStaff, MaybeStaff, NeedsLogin, SignedInStaff, csrf_protect, session_lifetime
from app.i18n import _
from app.models.staff import ROLES
from app.services import audit, ratelimit, staff as staff_service
from app.services.errors import DomainError, TooMany
from app.services.shared import parse_date
from app.services.staff import passwords, sessions
from app.web import (STAFF_COOKIE, client_key, pop_flash, read_staff_cookie, redirect, refused, render, safe_next,
                     set_flash, sign_out, write_staff_cookie)

router = APIRouter(dependencies=[Depends(csrf_protect)])

PASSWORD_PAGE = "/staff/password"


def _login_rules(request: Request, username: str) -> list[ratelimit.Rule]:
    """Wrong passwords per account and per address: one account's failures never lock out
    another (an account stops counting at its own limit, far below the address's)."""
    s = request.app.state.settings
    return [ratelimit.Rule("login-account", username.strip().lower(), s.login_rate_limit, s.login_rate_window),
            ratelimit.Rule("login-address", client_key(request), s.login_address_limit, s.login_rate_window)]


def _signed_in(request: Request, session, staff, url: str) -> Response:
    response = redirect(url)
    write_staff_cookie(request, response, sessions.start(session, staff))
    return response


@router.get("/staff/login", response_class=HTMLResponse)
def login_form(request: Request, staff: MaybeStaff, next: str = "/staff"):
    if staff is not None:
        return redirect(safe_next(next, "/staff"))
    return render(request, "staff/login.html", {"next": safe_next(next, "/staff")})


@router.post("/staff/login")
def login(request: Request, session: DbSession, username: Annotated[str, Form(max_length=60)],
          password: Annotated[str, Form(max_length=200)], next: Annotated[str, Form()] = "/staff"):
    limiter, rules = request.app.state.limiter, _login_rules(request, username)
    if not ratelimit.allowed_all(limiter, rules):
        raise TooMany(_("Te veel pogingen na elkaar. Wacht een paar minuten."))
    staff = staff_service.authenticate(session, username, password)
    if staff is None:
        ratelimit.count_failure(limiter, rules)
        return render(request, "staff/login.html", {
            "next": safe_next(next, "/staff"), "username": username,
            "error": _("Gebruikersnaam of wachtwoord klopt niet.")}, status_code=400)
    sessions.purge_expired(session, session_lifetime(request))
    return _signed_in(request, session, staff, PASSWORD_PAGE if staff.must_change_password else safe_next(next, "/staff"))


@router.post("/staff/logout")
def logout(request: Request, session: DbSession):
    token = read_staff_cookie(request)
    if token is not None:
        sessions.end(session, token)
    return sign_out("/staff/login", STAFF_COOKIE)


def _password_page(request: Request, staff, status_code: int = 200, **extra):
    return render(request, "staff/password.html", {"staff": staff, "min_length": passwords.MIN_LENGTH, **extra},
                  status_code=status_code)


@router.get(PASSWORD_PAGE, response_class=HTMLResponse)
def password_form(request: Request, staff: SignedInStaff, done: int = 0):
    if staff is None:
        raise NeedsLogin()
    return _password_page(request, staff, notice=_("Je wachtwoord is veranderd.") if done else None)


@router.post(PASSWORD_PAGE)
def change_password(request: Request, session: DbSession, staff: SignedInStaff,
                    current: Annotated[str, Form(max_length=200)] = "", new: Annotated[str, Form(max_length=200)] = "",
                    repeat: Annotated[str, Form(max_length=200)] = ""):
    if staff is None:
        raise NeedsLogin()
    try:
        staff_service.change_password(session, staff, current, new, repeat)
    except DomainError as exc:
        return refused(request, session, exc, partial(_password_page, request, staff))
    # Every session ended, this one too: the browser that changed the password gets a new one.
    return _signed_in(request, session, staff, f"{PASSWORD_PAGE}?done=1")


@router.get("/staff", response_class=HTMLResponse)
def dashboard(request: Request, session: DbSession, staff: AnyStaff):
    links = request.app.state.staff_links(staff.role)
    counters = request.app.state.staff_counters(session, staff)
    return render(request, "staff/dashboard.html", {"staff": staff, "links": links, "counters": counters})


def _accounts_page(request: Request, session, staff, status_code: int = 200, **extra):
    return render(request, "staff/accounts.html", {
        "staff": staff, "accounts": staff_service.list_staff(session, staff.school_id), "roles": ROLES,
        "min_length": passwords.MIN_LENGTH, **extra}, status_code=status_code)


@router.get("/admin/staff", response_class=HTMLResponse)
def accounts(request: Request, session: DbSession, staff: Admin):
    reset = pop_flash(request, "reset")
    response = _accounts_page(request, session, staff, reset=reset)
    if reset is not None:
        set_flash(request, response, "reset", None, path="/admin/staff")
    return response


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


@router.post("/admin/staff/{staff_id}/password")
def reset_password(request: Request, session: DbSession, staff: Admin, staff_id: int):
    """The one-time password is shown once, on the page this redirects to (from a short-lived,
    encrypted cookie), so a reload never makes another one."""
    account, password = staff_service.reset_password(session, staff, staff_id)
    response = redirect("/admin/staff")
    set_flash(request, response, "reset", {"username": account.username, "password": password}, path="/admin/staff")
    return response


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: DbSession, staff: Admin, dag: Annotated[str, Query(max_length=20)] = ""):
    """The newest acts, or those of one day (a Belgian day, as the admin reads the date)."""
    try:
        on = parse_date(dag)
    except DomainError as exc:
        return render(request, "staff/audit.html", {"staff": staff, "lines": [], "day": dag, "error": exc.message},
                      status_code=exc.status_code)
    return render(request, "staff/audit.html", {"staff": staff, "lines": audit.lines(session, staff.school_id, on),
                                                "day": dag, "on": on})


@router.get("/admin/audit.csv")
def audit_csv(session: DbSession, staff: Admin):
    return Response(audit.export_csv(session, staff.school_id), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": "attachment; filename=audit.csv"})
