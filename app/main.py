"""App factory: settings, middleware, routers, templates, static files."""

import asyncio
import contextlib
import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from app import domains, logs, scrub, writer
from app.config import Settings, get_settings
from app.db import RETRY_AFTER, DatabaseUnavailable, check_writable, error_kind, is_unavailable, make_engine
from app.deps import MustChangePassword, NeedsCode, NeedsLogin, WrongRole
from app.i18n import _
from app.middleware import WebMiddleware
from app.probes import Probes
from app.security import limits, openapi
from app.security.csrf import CsrfCookie, CsrfFailed
from app.security.headers import SecurityHeaders
from app.services.errors import DomainError
from app.services.operations.secret_key import server_key
from app.services.ratelimit import make_limiter
from app.web import TEMPLATES, redirect, render

STATIC = TEMPLATES.parent / "static"
log = logging.getLogger("inspraak.errors")


class CachedStatic(StaticFiles):
    """Static files are versioned by name, so phones may keep them for a year."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = "public, max-age=31536000, immutable"
        return response


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers: dict | None = None, errors: list | None = None):
    if _is_api(request):
        body = {"detail": message} if errors is None else {"detail": message, "errors": errors}
        return JSONResponse(body, status_code=status, headers=headers)
    response = render(request, "error.html", {"message": message, "status": status}, status_code=status,
                      partial="_error_partial.html")
    response.headers.update(headers or {})
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError):
        return _error(request, exc.status_code, exc.message)

    @app.exception_handler(NeedsCode)
    async def needs_code(request: Request, exc: NeedsCode):
        if _is_api(request):
            return JSONResponse({"detail": _("Geef eerst je code in.")}, status_code=401)
        return redirect("/")

    @app.exception_handler(NeedsLogin)
    async def needs_login(request: Request, exc: NeedsLogin):
        if _is_api(request):
            return JSONResponse({"detail": _("Log eerst in.")}, status_code=401)
        return redirect("/staff/login?next=" + request.url.path)

    @app.exception_handler(MustChangePassword)
    async def must_change_password(request: Request, exc: MustChangePassword):
        if _is_api(request):
            return JSONResponse({"detail": _("Kies eerst een nieuw wachtwoord.")}, status_code=403)
        return redirect("/staff/password")

    @app.exception_handler(WrongRole)
    async def wrong_role(request: Request, exc: WrongRole):
        return _error(request, 403, exc.message)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed):
        return _error(request, 403, _("Dit formulier is verlopen. Laad de pagina opnieuw en probeer nog eens."))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if _is_api(request):
            return _error(request, 422, _("Ongeldige invoer."), errors=jsonable_errors(exc.errors()))
        return _error(request, 400, _("Er ontbreekt iets of iets klopt niet in wat je stuurde. Probeer opnieuw."))

    @app.exception_handler(SQLAlchemyError)
    @app.exception_handler(DatabaseUnavailable)
    async def unavailable(request: Request, exc: Exception):
        if not is_unavailable(exc):
            raise exc  # a bug, not an outage: the 500 below, logged without its message
        log.warning("database unavailable: %s", error_kind(exc))
        message = _("Inspraak kan even niet bij zijn gegevens. Probeer het over een minuutje opnieuw.")
        response = _error(request, 503, message)
        response.headers["retry-after"] = str(RETRY_AFTER)
        return response

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        return _error(request, 500, _("Er ging iets mis. Probeer het nog eens."))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        messages = {404: _("Deze pagina bestaat niet."), 405: _("Dat kan hier niet."),
                    413: _("Wat je stuurde is te groot."), 422: _("Ongeldige invoer.")}
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code not in messages else messages.get(
            exc.status_code, _("Er ging iets mis."))
        errors = getattr(exc, "errors", None)
        return _error(request, exc.status_code, message, headers=exc.headers,
                      errors=jsonable_errors(errors) if errors else None)

    limits.install_safety_net(app, _error)


def jsonable_errors(errors) -> list[dict]:
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors]


class Inspraak(FastAPI):
    """FastAPI with two layers outside its error handling: security headers (so that every
    answer carries them, a 500 included), then the health probes (before sessions and logs)."""

    def build_middleware_stack(self):
        inner = super().build_middleware_stack()
        return SecurityHeaders(Probes(inner, self.state.engine), https=self.state.settings.secure_cookies)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    """While serving: mix pupil tables now and then; at shutdown, mix and scrub once more."""
    engine = app.state.engine

    async def every_while():
        while True:
            await asyncio.sleep(scrub.MIX_SECONDS / 3)
            try:
                await writer.maintain(engine)
            except Exception:  # a failed mix is retried next round; never take the server down
                logging.getLogger("inspraak.scrub").exception("mixing pupil tables failed")

    task = asyncio.create_task(every_while())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await writer.maintain(engine, force=True)
        await asyncio.to_thread(scrub.scrub, engine)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logs.install()
    # No OpenTelemetry from FastAPI, even when the host configures a provider: a span per request
    # would date each pupil's join and vote (and it costs a check on every request).
    app = Inspraak(title="Inspraak", version="0.1.0", docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                   lifespan=lifespan, dependencies=[Depends(limits.bounded_params)],
                   telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.settings = settings
    app.state.engine = make_engine(settings.db_url)
    app.state.secret = server_key(settings, app.state.engine)
    check_writable(app.state.engine)
    app.state.limiter = make_limiter(settings.redis_url)

    domains.wire()
    app.state.home_sections = domains.home_sections()
    app.state.staff_links = domains.staff_links
    app.state.staff_counters = domains.staff_counters
    for router in domains.routers():
        app.include_router(router)
    app.mount("/static", CachedStatic(directory=STATIC), name="static")
    install_error_handlers(app)
    openapi.install(app)
    # zlib's default level: for pages of a few KB level 9 costs more CPU and saves a few bytes.
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)
    app.add_middleware(limits.RequestLimits, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(CsrfCookie, secure_cookies=settings.secure_cookies)
    app.add_middleware(WebMiddleware)
    return app
