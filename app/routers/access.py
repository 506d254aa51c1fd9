"""Pupil entry (code form, QR target), the pupil home and what we store; code sheets for admins."""

import asyncio
import contextvars
import secrets
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app.db import DbSession, run_db, session_for
from app.deps import Admin, MaybePupil, Pupil, SchoolDep, csrf_protect
from app.i18n import _
from app.services import access, anonymity, audit, privacy, ratelimit, school as school_service
from app.services.errors import DomainError, TooMany
from app.web import (PUPIL_COOKIE, client_key, is_htmx, pop_flash, redirect, redirect_with_flash, refused, render,
                     safe_next, sign_out, write_pupil_cookie)

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _join_rules(request: Request) -> list[ratelimit.Rule]:
    """Wrong codes per address (a school shares one) and from everywhere together."""
    s = request.app.state.settings
    return [ratelimit.Rule("join", client_key(request), s.join_rate_limit, s.join_rate_window),
            ratelimit.Rule("join-all", "*", s.join_global_limit, 3600)]


# Code derivations (argon2id, 8 MiB each) run in one thread of its own, one at a time (as
# anonymity.derive allows); a burst of joins queues for it holding nothing. Always the same
# thread: a freed 8 MiB block stays in the malloc arena of the thread that used it, and
# derivations spread over the whole thread pool left workers at 219 MB after a break; a second
# thread kept a second block (docs/performance.md).
_KDF = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kdf")


def _checked_keys(request: Request, limiter, rules, raw_code: str):
    if not ratelimit.allowed_all(limiter, rules):
        raise TooMany(_("Te veel pogingen na elkaar. Wacht een paar minuten en probeer dan opnieuw."))
    return access.code_keys(request.app.state.secret, raw_code)


async def _redeem(request: Request, raw_code: str, next_url: str = ""):
    """The code's keys first, in a worker thread and before this request's turn at the database:
    the derivation takes milliseconds of CPU outside the GIL, and other pupils' requests go on
    meanwhile. Then the look-up, one short read."""
    limiter, rules = request.app.state.limiter, _join_rules(request)
    keys = await asyncio.get_running_loop().run_in_executor(
        _KDF, contextvars.copy_context().run, _checked_keys, request, limiter, rules, raw_code)
    async with session_for(request) as session:
        participant = await run_db(session, access.redeem_keys, session, keys)
    # Back to where the code was asked (the live question), so one scan is enough.
    response = redirect(safe_next(next_url, "/overzicht"))
    write_pupil_cookie(request, response, participant.secret, participant.code_id)
    return response


def _start_page(request: Request, status_code: int = 200, **extra):
    return render(request, "access/start.html", extra, status_code=status_code)


@router.get("/", response_class=HTMLResponse)
async def start(request: Request, pupil: MaybePupil, school: SchoolDep):
    return render(request, "access/start.html", {"school": school, "pupil": pupil})


@router.post("/aanmelden")
async def join(request: Request, code: Annotated[str, Form(max_length=64)] = "",
               next: Annotated[str, Form(max_length=40)] = ""):
    try:
        return await _redeem(request, code, next)
    except TooMany:
        raise
    except DomainError as exc:
        # Only wrong codes count: a class with right codes gets in.
        await run_in_threadpool(ratelimit.count_failure, request.app.state.limiter, _join_rules(request))
        # As `refused`, but nothing was written (the join only reads): nothing to undo.
        return _start_page(request, status_code=200 if is_htmx(request) else exc.status_code, error=exc.message,
                           code=code, next=safe_next(next, ""))


@router.get("/c/{code}", response_class=HTMLResponse)
def qr_target(request: Request, pupil: MaybePupil, code: str):
    """A scanned slip asks before it becomes this phone's code: a link someone sends must never
    silently put a pupil on the sender's code (the sender could then read their votes)."""
    normal = anonymity.normalise_code(code[:64])
    if normal is None:
        return render(request, "access/start.html", {"error": _(access.WRONG_CODE), "pupil": pupil}, status_code=400)
    return render(request, "access/confirm.html",
                  {"code": normal, "shown": anonymity.format_code(normal), "pupil": pupil})


@router.post("/afmelden")
def leave():
    return sign_out("/", PUPIL_COOKIE)


@router.get("/overzicht", response_class=HTMLResponse)
async def home(request: Request, session: DbSession, pupil: Pupil, school: SchoolDep):
    def page():
        sections = [section(session, pupil, school) for section in request.app.state.home_sections]
        return render(request, "access/home.html", {"pupil": pupil, "school": school, "sections": sections})

    return await run_db(session, page)  # the proposals section reads while the page renders


@router.get("/privacy", response_class=HTMLResponse)
def what_we_store(request: Request, pupil: MaybePupil):
    return render(request, "access/privacy.html", {
        "pupil": pupil, "stored": privacy.translated(privacy.WHAT_WE_STORE),
        "never": [_(item) for item in privacy.NEVER]})


# --- admin: code sheets -------------------------------------------------------------

def _codes_page(request: Request, session, staff, status_code: int = 200, **extra):
    return render(request, "access/admin_codes.html", {
        "staff": staff, "groups": school_service.list_groups(session, staff.school_id),
        "sheets": access.list_sheets(session, staff.school_id), "label_max": access.LABEL_MAX, **extra},
        status_code=status_code)


@router.get("/admin/codes", response_class=HTMLResponse)
def code_sheets(request: Request, session: DbSession, staff: Admin, ingetrokken: int = 0, verlopen: int = 0):
    revoked = next((pair for pair in access.list_sheets(session, staff.school_id) if pair[0].id == ingetrokken), None)
    notice = _("De codes van een blad zie je alleen de eerste minuten na het maken. Kwijt? Trek het blad in en "
               "maak een nieuw.") if verlopen else None
    return _codes_page(request, session, staff, revoked=revoked, notice=notice)


@router.post("/admin/codes", response_class=HTMLResponse)
def make_sheet(request: Request, session: DbSession, staff: Admin,
               group: Annotated[str, Form()], count: Annotated[int, Form()],
               label: Annotated[str, Form(max_length=200)] = ""):
    """Makes the codes, then redirects to their page: the codes go along as the random seed
    they were drawn from, in a short-lived encrypted cookie, so a reload shows the same sheet
    and never makes a second one."""
    seed = secrets.token_bytes(32)
    try:
        found = school_service.find_group(session, staff.school_id, group)
        sheet, _codes = access.create_codes(session, request.app.state.secret, found, count, label, seed)
    except DomainError as exc:
        return refused(request, session, exc, partial(_codes_page, request, session, staff), label=label)
    audit.record(session, staff, "codes.create", "code_sheet", sheet.id, f"{group}: {count}")
    url = f"/admin/codes/{sheet.id}"
    return redirect_with_flash(request, url, "sheet", {"seed": seed.hex(), "count": count, "group": group}, path=url)


@router.get("/admin/codes/{sheet_id:int}", response_class=HTMLResponse)
def sheet_page(request: Request, session: DbSession, staff: Admin, school: SchoolDep, sheet_id: int):
    made = pop_flash(request, "sheet")
    if made is None:  # the codes exist only for a few minutes after making them
        return redirect("/admin/codes?verlopen=1")
    sheet, group = access.get_sheet(session, staff.school_id, sheet_id)
    codes = anonymity.codes_from_seed(bytes.fromhex(made["seed"]), int(made["count"]))
    return render(request, "access/sheet.html", {
        "school": school, "group": group.name, "sheet": sheet,
        "slips": access.slips(request.app.state.settings.public_url, codes)})


@router.get("/admin/codes/{sheet_id:int}/intrekken", response_class=HTMLResponse)
def confirm_revoke(request: Request, session: DbSession, staff: Admin, sheet_id: int):
    sheet, group = access.get_sheet(session, staff.school_id, sheet_id)
    if sheet.revoked_at is not None:
        return redirect("/admin/codes")
    return render(request, "access/revoke.html", {"staff": staff, "sheet": sheet, "group": group})


@router.post("/admin/codes/{sheet_id:int}/revoke")
def revoke_sheet(session: DbSession, staff: Admin, sheet_id: int):
    access.revoke_sheet(session, staff.school_id, sheet_id)
    audit.record(session, staff, "codes.revoke", "code_sheet", sheet_id)
    return redirect(f"/admin/codes?ingetrokken={sheet_id}")
