"""Health check, language switch, operator metrics."""

import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import metrics
from app.deps import MaybeStaff, WrongRole
from app.i18n import LOCALES, _
from app.web import LANG_COOKIE, redirect, safe_next, set_cookie

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["system"])


@api.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/lang/{locale}")
def switch_language(request: Request, locale: str, next: str = "/"):
    response = redirect(safe_next(next))
    if locale in LOCALES:
        set_cookie(request, response, LANG_COOKIE, locale, 400 * 24 * 3600)
    return response


def _loopback(request: Request) -> bool:
    try:
        return ipaddress.ip_address(request.client.host).is_loopback if request.client else False
    except ValueError:
        return False


@router.get("/metrics", include_in_schema=False)
def prometheus(request: Request, staff: MaybeStaff):
    """Aggregate counters per route template: for the machine itself or a signed-in staff member."""
    if staff is None and not _loopback(request):
        raise WrongRole(_("Alleen voor beheerders."))
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
