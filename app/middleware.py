"""One ASGI middleware for what every response needs: language, CSRF cookie,
security headers, and aggregate metrics instead of an access log (no request is dated)."""

import time
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders

from app import i18n, metrics
from app.web import CSRF_COOKIE, LANG_COOKIE, new_csrf_token

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    ("content-security-policy", CSP),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
]


def _cookies(scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is the client's problem, not a 500
                return {}
            return {k: m.value for k, m in jar.items()}
    return {}


class WebMiddleware:
    def __init__(self, app, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure = "; Secure" if secure_cookies else ""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cookies = _cookies(scope)
        locale = i18n.pick_locale(cookies.get(LANG_COOKIE))
        csrf = cookies.get(CSRF_COOKIE) or ""
        fresh = len(csrf) < 20
        if fresh:
            csrf = new_csrf_token()
        state = scope.setdefault("state", {})
        state["csrf"], state["locale"] = csrf, locale
        token = i18n.current_locale.set(locale)
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                headers.setdefault("content-language", "nl-BE" if locale == "nl" else locale)
                if fresh:
                    headers.append("set-cookie", f"{CSRF_COOKIE}={csrf}; Path=/; HttpOnly; SameSite=Lax{self.secure}")
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            i18n.current_locale.reset(token)
            route = scope.get("route")
            # The route's template (/c/{code}), never the raw path: codes must not reach a metric.
            path = getattr(route, "path", None) or "(unmatched)"
            metrics.observe(scope["method"], path, status, time.perf_counter() - started)
