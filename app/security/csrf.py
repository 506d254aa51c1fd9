"""CSRF: form tokens tied to the browser's session, and the JSON-only rule of the API.

The CSRF cookie holds a random nonce signed with the server secret K, so a value a client
picked itself is never accepted: it is replaced by a fresh one. The token a form carries is
HMAC(K, nonce ‖ the staff and pupil session cookies), so it belongs to one session: it changes
at login, logout, joining and leaving, and the nonce is renewed then too. The cookie never
needs to be read by JavaScript: pages carry the token in their forms and in `hx-headers`.
"""

import base64
import hashlib
import hmac
import secrets

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException

from app.i18n import _
from app.middleware import request_cookies
from app.web import CSRF_COOKIE, PUPIL_COOKIE, STAFF_COOKIE

SESSION_COOKIES = (STAFF_COOKIE, PUPIL_COOKIE)


class CsrfFailed(Exception):
    """A state-changing form without the token of this session."""


def _mac(secret: bytes, label: str, value: str) -> str:
    digest = hmac.new(secret, f"{label}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def new_cookie_value(secret: bytes) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_mac(secret, 'csrf-cookie', nonce)}"


def nonce_of(secret: bytes, cookie_value: str | None) -> str | None:
    """The nonce of a cookie we issued; None for anything else (absent, forged, picked by a client)."""
    nonce, _, mac = (cookie_value or "").partition(".")
    if not nonce or not hmac.compare_digest(mac, _mac(secret, "csrf-cookie", nonce)):
        return None
    return nonce


def token(secret: bytes, cookies: dict[str, str], nonce: str | None = None) -> str:
    """The form token for these cookies (the nonce defaults to the one in the CSRF cookie)."""
    nonce = nonce or nonce_of(secret, cookies.get(CSRF_COOKIE)) or ""
    bound = "\x00".join(cookies.get(name, "") for name in SESSION_COOKIES)
    return _mac(secret, "csrf-token", f"{nonce}\x00{bound}")


class CsrfCookie:
    """ASGI middleware: puts this request's token in `request.state.csrf`; issues or renews the cookie."""

    def __init__(self, app, secure_cookies: bool = False) -> None:
        self.app = app
        self.attrs = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure_cookies else "")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        secret = scope["app"].state.secret
        cookies = request_cookies(scope)
        nonce = nonce_of(secret, cookies.get(CSRF_COOKIE))
        fresh = None if nonce else new_cookie_value(secret)
        scope.setdefault("state", {})["csrf"] = token(secret, cookies, nonce or fresh.partition(".")[0])

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                cookies_set = headers.getlist("set-cookie")
                session_changed = any(c.startswith(f"{name}=") for c in cookies_set for name in SESSION_COOKIES)
                if session_changed or fresh:
                    headers.append("set-cookie", f"{CSRF_COOKIE}={fresh or new_cookie_value(secret)}{self.attrs}")
            await send(message)

        await self.app(scope, receive, send_wrapper)


async def csrf_protect(request: Request) -> None:
    """Every state-changing form carries the token of its session (header or form field)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.state.csrf
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        ctype = request.headers.get("content-type", "").lower()
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = (await request.form()).get("csrf_token")
    if not sent or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfFailed()


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return bool(request.headers.get("transfer-encoding")) or (length is not None and length.strip() != "0")


async def json_only(request: Request) -> None:
    """API writes with a body must be JSON: another site's HTML form cannot send that.

    Media types are compared case-blind; a write without a body (a support) needs no type."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    ctype = request.headers.get("content-type")
    if ctype is None and not _has_body(request):
        return
    main = (ctype or "").split(";")[0].strip().lower()
    if main != "application/json" and not main.endswith("+json"):
        raise HTTPException(415, _("Stuur JSON, met Content-Type: application/json."))
