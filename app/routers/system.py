"""Health check, language switch."""

from fastapi import APIRouter, Request

from app.i18n import LOCALES
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
