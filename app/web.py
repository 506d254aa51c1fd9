"""HTTP glue shared by all routers: templates, rendering, cookies and CSRF."""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from app import i18n
from app.timeutil import utcnow

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Compiled once and kept: no check of every template file's time on each render (auto_reload).
templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"],
    auto_reload=False, cache_size=-1))
templates.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
templates.env.globals["_"] = i18n.gettext

PUPIL_COOKIE = "inspraak_p"
STAFF_COOKIE = "inspraak_s"
CSRF_COOKIE = "inspraak_csrf"
LANG_COOKIE = "inspraak_lang"
PUPIL_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
STAFF_MAX_AGE = 12 * 3600


def day(value) -> str:
    """Pupil-facing dates are days, never times."""
    if value is None:
        return ""
    months = i18n.gettext("jan feb mrt apr mei jun jul aug sep okt nov dec").split()
    return f"{value.day} {months[value.month - 1]} {value.year}"


templates.env.filters["day"] = day


def client_key(request: Request) -> str:
    # Used only as a short-lived, hashed rate-limit key; never stored or logged.
    return request.client.host if request.client else "-"  # anonymity-ok


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def refused(request: Request, session, exc, page, **context) -> HTMLResponse:
    """The one answer to a form the service refused (a DomainError): nothing of it is kept, and
    `page(status_code=..., error=..., **context)` shows the form again with the message and
    what was typed. HTMX gets 200, as it swaps no 4xx answer into the page. A text refused for
    the posting budget still shows the help lines when it sounded like distress, but never the
    "thank you" of a text that was stored."""
    session.rollback()
    held = getattr(exc, "screened", None)
    if held is not None and held.needs_help:
        context["screened"] = held
    return page(status_code=200 if is_htmx(request) else exc.status_code, error=exc.message, **context)


def render(request: Request, template: str, context: dict | None = None, status_code: int = 200,
           partial: str | None = None) -> HTMLResponse:
    """A full page, or only `partial` when HTMX asked for it: one route serves both."""
    name = partial if partial and is_htmx(request) else template
    ctx = {"request": request, "now": utcnow(), **(context or {})}
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def redirect(url: str, status_code: int = 303) -> RedirectResponse:
    return RedirectResponse(url, status_code=status_code)


def safe_next(url: str | None, default: str = "/") -> str:
    """Only local paths, so a link can never send someone to another site."""
    if not url:
        return default
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return default
    return url


def signer(request: Request, salt: str, timed: bool = False):
    """Signs what a cookie holds with the server secret; each cookie has its own salt."""
    key = request.app.state.secret
    return URLSafeTimedSerializer(key, salt=salt) if timed else URLSafeSerializer(key, salt=salt)


def sign_out(to: str, cookie: str) -> RedirectResponse:
    """Forget a sign-in cookie on this device and go to `to`."""
    response = redirect(to)
    response.delete_cookie(cookie, path="/")
    return response


def set_cookie(request: Request, response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.app.state.settings.secure_cookies, path="/")


def write_pupil_cookie(request: Request, response, secret: bytes, code_id: int) -> None:
    token = signer(request, "pupil").dumps({"s": secret.hex(), "c": code_id})
    set_cookie(request, response, PUPIL_COOKIE, token, PUPIL_MAX_AGE)


def read_pupil_cookie(request: Request) -> tuple[bytes, int] | None:
    raw = request.cookies.get(PUPIL_COOKIE)
    if not raw:
        return None
    try:
        data = signer(request, "pupil").loads(raw)
        return bytes.fromhex(data["s"]), int(data["c"])
    except (BadSignature, KeyError, ValueError, TypeError):
        return None


def write_staff_cookie(request: Request, response, staff_id: int, epoch: int) -> None:
    token = signer(request, "staff", timed=True).dumps({"id": staff_id, "e": epoch})
    set_cookie(request, response, STAFF_COOKIE, token, STAFF_MAX_AGE)


def read_staff_cookie(request: Request) -> tuple[int, int] | None:
    raw = request.cookies.get(STAFF_COOKIE)
    if not raw:
        return None
    try:
        data = signer(request, "staff", timed=True).loads(raw, max_age=STAFF_MAX_AGE)
        return int(data["id"]), int(data["e"])
    except (BadSignature, KeyError, ValueError, TypeError):
        return None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)
