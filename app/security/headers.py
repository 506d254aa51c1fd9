"""Security and cache headers on every response.

This wraps the whole app, outside its error handling, so error pages and even a 500 carry the
same headers as any other answer. Caching: static files say so themselves (immutable, by
versioned name); the public pages below may be kept by the visitor's own browser when no
session is involved; everything else — pupil pages, staff pages, API answers, CSV exports,
code sheets — is `no-store`.
"""

from starlette.datastructures import MutableHeaders

from app.web import PUPIL_COOKIE, STAFF_COOKIE

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    ("content-security-policy", CSP),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
]
HSTS = "max-age=31536000"
NO_STORE = "no-store"

# Route templates that show every visitor without a session the same thing (a form token aside).
# "private": never kept by a shared cache; "no-cache": asked again before each use.
PUBLIC_PAGES = {
    "/": "private, no-cache",
    "/hulp": "private, no-cache",
    "/privacy": "private, no-cache",
    "/regels": "private, no-cache",
    "/voorstellen": "private, no-cache",
    "/voorstellen/{proposal_id:int}": "private, no-cache",
    "/voorstellen/feed.atom": "public, max-age=300",
    "/openapi.json": "public, max-age=300",
}


def _has_session(scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"cookie" and (f"{STAFF_COOKIE}=".encode() in value or f"{PUPIL_COOKIE}=".encode() in value):
            return True
    return False


def cache_policy(scope, status: int) -> str:
    route = getattr(scope.get("route"), "path", None)
    if status < 400 and route in PUBLIC_PAGES and not _has_session(scope):
        return PUBLIC_PAGES[route]
    return NO_STORE


class SecurityHeaders:
    """ASGI wrapper: the headers above on every response that has not set its own."""

    def __init__(self, app, https: bool) -> None:
        self.app = app
        self.headers = SECURITY_HEADERS + ([("strict-transport-security", HSTS)] if https else [])

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name, value)
                if "cache-control" not in headers:
                    headers["cache-control"] = cache_policy(scope, message["status"])
            await send(message)

        await self.app(scope, receive, send_wrapper)
