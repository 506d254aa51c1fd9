"""Health check, language switch, operator metrics, and the old addresses of pages that moved.

Pupil addresses are Dutch and plural (/overzicht, /voorstellen, /reacties/...); staff addresses
are English and plural (/council/moderation, /admin/moderation, /staff/proposals/...). An old
address answers 308, which keeps the method: an old link or bookmark still opens the page, and
a form posted to an old address (a page loaded before an update) still goes through.
"""

import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app import metrics
from app.deps import MaybeStaff, WrongRole
from app.i18n import LOCALES, _
from app.web import LANG_COOKIE, redirect, safe_next, set_cookie

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["system"])

MOVED = {
    "/home": "/overzicht",
    "/join": "/aanmelden",
    "/leave": "/afmelden",
    "/help": "/hulp",
    "/reactie/{comment_id}/melden": "/reacties/{comment_id}/melden",
    "/moderatie": "/council/moderation",
    "/moderatie/{kind}/{item_id}": "/council/moderation/{kind}/{item_id}",
    "/admin/moderatie": "/admin/moderation",
    "/admin/moderatie/namen": "/admin/moderation/names",
    "/proposals/{proposal_id}/move": "/staff/proposals/{proposal_id}/move",
}


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


def _moved(new: str):
    def moved(request: Request) -> RedirectResponse:
        url = new.format(**request.path_params)
        return RedirectResponse(f"{url}?{request.url.query}" if request.url.query else url, status_code=308)

    return moved


for _old, _new in MOVED.items():
    router.add_api_route(_old, _moved(_new), methods=["GET", "POST"], include_in_schema=False)
