"""HTTP glue shared by all routers: templates, rendering, cookies, flash messages."""

import base64
import hashlib
import ipaddress
import json
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from cryptography.fernet import Fernet, InvalidToken
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer

from app import i18n
from app.security.bounds import clean_text
from app.i18n import day, day_and_time
from app.services.access import sheet_name
from app.timeutil import local_date, utcnow

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Compiled once and kept: no check of every template file's time on each render (auto_reload).
templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"],
    auto_reload=False, cache_size=-1))
templates.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
templates.env.globals["_"] = i18n.gettext
# Staff roles as staff read them (the stored values are English codes).
ROLE_NAMES = {"council": i18n.N_("leerlingenraad"), "management": i18n.N_("directie"), "admin": i18n.N_("beheerder")}
templates.env.globals.update(languages=i18n.NAMES, html_lang=i18n.html_lang, text_direction=i18n.text_direction,
                             role_name=lambda role: i18n.gettext(ROLE_NAMES.get(role, role)))

PUPIL_COOKIE = "inspraak_p"
STAFF_COOKIE = "inspraak_s"
CSRF_COOKIE = "inspraak_csrf"
LANG_COOKIE = "inspraak_lang"
PUPIL_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


templates.env.filters["day"] = day
templates.env.globals["sheet_name"] = sheet_name
templates.env.filters["when"] = day_and_time
templates.env.filters["until"] = day_and_time  # when an item closes: day and hour
templates.env.filters["local_date"] = local_date
# Text in XML (the Atom feed): control characters would make the whole feed unreadable.
templates.env.filters["xml_text"] = clean_text


def client_key(request: Request) -> str:
    # Used only as a short-lived, hashed rate-limit key; never stored or logged. An IPv6
    # client counts as its /64 network: one line has that many addresses to hop between.
    host = request.client.host if request.client else "-"  # anonymity-ok
    if ":" in host:
        try:
            return str(ipaddress.ip_network(f"{host}/64", strict=False))
        except ValueError:
            pass
    return host


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


def signer(request: Request, salt: str) -> URLSafeSerializer:
    """Signs what a cookie holds with the server secret; each cookie has its own salt."""
    return URLSafeSerializer(request.app.state.secret, salt=salt)


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


def write_staff_cookie(request: Request, response, token: str) -> None:
    """The staff session token (signed, so garbage is refused without a database look-up).
    The cookie lives as long as a session may; the server ends it earlier when unused."""
    max_age = request.app.state.settings.staff_session_hours * 3600
    set_cookie(request, response, STAFF_COOKIE, signer(request, "staff").dumps(token), max_age)


def read_staff_cookie(request: Request) -> str | None:
    raw = request.cookies.get(STAFF_COOKIE)
    if not raw:
        return None
    try:
        token = signer(request, "staff").loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


# --- flash: something to show once, on the page a form post redirects to ----------------

FLASH_MAX_AGE = 300


def _flash_box(request: Request) -> Fernet:
    key = hashlib.sha256(request.app.state.secret + b"\x00flash").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def set_flash(request: Request, response, name: str, value, path: str) -> None:
    """Encrypted (it may hold a one-time password), sent only to `path`; None deletes it."""
    cookie = f"inspraak_flash_{name}"
    if value is None:
        response.delete_cookie(cookie, path=path)
        return
    token = _flash_box(request).encrypt(json.dumps(value).encode()).decode()
    response.set_cookie(cookie, token, max_age=FLASH_MAX_AGE, httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies, path=path)


def flash_once(request: Request, name: str, build, path: str = "/"):
    """Show a flash once: `build(value)` makes the response (value None when there is none),
    and the cookie is deleted with it, so a reload shows the page without the message."""
    value = pop_flash(request, name)
    response = build(value)
    if value is not None:
        set_flash(request, response, name, None, path)
    return response


def redirect_with_flash(request: Request, url: str, name: str, value, path: str = "/") -> RedirectResponse:
    """Post/redirect/get with something to say on the next page."""
    response = redirect(url)
    set_flash(request, response, name, value, path)
    return response


def pop_flash(request: Request, name: str):
    """The value set by `set_flash`, or None; the caller deletes it with set_flash(..., None)."""
    raw = request.cookies.get(f"inspraak_flash_{name}")
    if not raw:
        return None
    try:
        return json.loads(_flash_box(request).decrypt(raw.encode(), ttl=FLASH_MAX_AGE))
    except (InvalidToken, ValueError):
        return None
