"""One ASGI middleware for what every response needs: the language, and aggregate metrics
instead of an access log (no request is dated). Security headers and the CSRF cookie live in
`app.security`."""

import time
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders

from app import i18n, metrics
from app.web import LANG_COOKIE


def request_cookies(scope) -> dict[str, str]:
    """The request's cookies, parsed once per request (the middlewares all ask); do not change them."""
    cookies = scope.get("inspraak.cookies")
    if cookies is None:
        cookies = scope["inspraak.cookies"] = _parse_cookies(scope)
    return cookies


def _parse_cookies(scope) -> dict[str, str]:
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
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        locale = i18n.pick_locale(request_cookies(scope).get(LANG_COOKIE))
        scope.setdefault("state", {})["locale"] = locale
        token = i18n.current_locale.set(locale)
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-language", "nl-BE" if locale == "nl" else locale)
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            i18n.current_locale.reset(token)
            route = scope.get("route")
            # The route's template (/c/{code}), never the raw path: codes must not reach a metric.
            path = getattr(route, "path", None) or "(unmatched)"
            metrics.observe(scope["method"], path, status, time.perf_counter() - started)
