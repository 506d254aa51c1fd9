"""Comments and flags (pupils), the moderation queue (council), moderation settings (admin),
the moderation rules page, and their small JSON API.

HTMX does not swap 4xx answers into the page, so when an HTMX form fails we answer 200 with
the partial showing the message; a plain form post gets the page with the 4xx status.
"""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse

from app.db import DbSession
from app.deps import Admin, Council, MaybePupil, MaybeStaff, NeedsCode, Pupil, SchoolDep, csrf_protect, json_only
from app.i18n import _
from app.models import School
from app.routers.help import held_context, sent, sent_page
from app.schemas import moderation as schemas
from app.services import moderation
from app.services.errors import DomainError
from app.timeutil import local_date
from app.web import is_htmx, redirect, redirect_with_flash, refused, render

router = APIRouter(dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", dependencies=[Depends(json_only)])

TEXT_FORM = Form(max_length=20_000)  # the services give the real, readable length limits


def _labels(table: dict[str, str]) -> dict[str, str]:
    return {key: _(label) for key, label in table.items()}


# --- pupils: comments, flags, rules ------------------------------------------------

def _comments(request: Request, session, pupil, staff, kind: str, target_id: int, status_code: int = 200, **extra):
    reader = pupil or staff
    if reader is None:
        raise NeedsCode()
    thread = moderation.thread(session, reader.school_id, kind, target_id, pupil)
    return render(request, "moderation/comments.html", {
        "pupil": pupil, "staff": None if pupil else staff, "thread": thread,
        "flag_reasons": _labels(moderation.FLAG_REASONS), **extra},
        status_code=status_code, partial="moderation/_comments.html")


@router.get("/reacties/{kind}/{target_id:int}", response_class=HTMLResponse)
def comments_page(request: Request, session: DbSession, pupil: MaybePupil, staff: MaybeStaff, kind: str,
                  target_id: int):
    if pupil is None:
        return _comments(request, session, pupil, staff, kind, target_id)
    # After a plain form post: the thank-you (or the help lines) of the text just sent, or the
    # flag's notice, once.
    return sent_page(request, session, pupil.school_id, lambda ctx: _comments(
        request, session, pupil, staff, kind, target_id, **_after_post(ctx)))


def _after_post(ctx: dict | None) -> dict:
    if ctx is None:
        return {}
    notice = ctx["sent"].get("notice")
    return {"notice": notice} if notice else {k: v for k, v in ctx.items() if k != "sent"}


@router.post("/reacties/{kind}/{target_id:int}", response_class=HTMLResponse)
def post_comment(request: Request, session: DbSession, pupil: Pupil, kind: str, target_id: int,
                 body: Annotated[str, TEXT_FORM] = "", parent_id: Annotated[int | None, Form()] = None):
    try:
        _comment, screened = moderation.post_comment(session, request.app.state.limiter, pupil, kind, target_id,
                                                     body, parent_id)
    except DomainError as exc:
        return refused(request, session, exc, partial(_comments, request, session, pupil, None, kind, target_id),
                       body=body, reply_to=parent_id)
    if not is_htmx(request):
        return sent(request, f"/reacties/{kind}/{target_id}", screened)
    return _comments(request, session, pupil, None, kind, target_id, **held_context(session, pupil.school_id, screened))


@router.post("/reacties/{comment_id:int}/melden", response_class=HTMLResponse)
def flag_comment(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, comment_id: int,
                 reason: Annotated[str, Form(max_length=40)] = ""):
    try:
        comment = moderation.flag_comment(session, pupil, comment_id, reason)
    except DomainError as exc:
        session.rollback()  # before reading the comment again
        comment = moderation.get_comment(session, pupil.school_id, comment_id)
        return refused(request, session, exc, partial(_comments, request, session, pupil, None, comment.target_kind,
                                                      comment.target_id))
    notice = moderation.flag_notice(school, comment, reason)
    if not is_htmx(request):
        return redirect_with_flash(request, f"/reacties/{comment.target_kind}/{comment.target_id}", "sent",
                                   {"notice": notice})
    return _comments(request, session, pupil, None, comment.target_kind, comment.target_id, notice=notice)


@router.get("/regels", response_class=HTMLResponse)
def rules(request: Request, school: SchoolDep, pupil: MaybePupil):
    return render(request, "moderation/rules.html", {"pupil": pupil, "school": school,
                                                     "post_limit": moderation.POST_LIMIT})


# --- council: the queue ------------------------------------------------------------

def _queue_page(request: Request, session, staff, status_code: int = 200, **extra):
    return render(request, "moderation/queue.html", {
        "staff": staff, "items": moderation.queue(session, staff.school_id), **_queue_labels(), **extra},
        status_code=status_code)


def _queue_labels() -> dict:
    return {"kinds": {k: _(m.label) for k, m in moderation.KINDS.items()},
            "verdicts": _labels(moderation.VERDICT_LABELS), "reasons": _labels(moderation.REJECT_REASONS),
            "flag_reasons": _labels(moderation.FLAG_REASONS), "suggest": moderation.suggested_reason}


@router.get("/council/moderation", response_class=HTMLResponse)
def queue(request: Request, session: DbSession, staff: Council, klaar: str = ""):
    notices = {"approve": _("Goedgekeurd."), "reject": _("Afgewezen.")}
    return _queue_page(request, session, staff, notice=notices.get(klaar))


@router.post("/council/moderation/{kind}/{item_id}", response_class=HTMLResponse)
def decide(request: Request, session: DbSession, staff: Council, kind: str, item_id: int,
           decision: Annotated[str, Form(max_length=20)] = "", reason: Annotated[str, Form(max_length=40)] = "",
           text: Annotated[str | None, TEXT_FORM] = None):
    try:
        item = moderation.decide(session, staff, kind, item_id, decision, reason, text)
    except DomainError as exc:
        if not is_htmx(request):
            return refused(request, session, exc, partial(_queue_page, request, session, staff))
        session.rollback()
        try:  # show the message in the item itself, or in its place when it was decided meanwhile
            item = moderation.queue_item(session, staff.school_id, kind, item_id)
        except DomainError:
            return render(request, "moderation/_decided.html", {"kind": kind, "item_id": item_id,
                                                                 "message": exc.message})
        return render(request, "moderation/_item.html", {"item": item, "error": exc.message, **_queue_labels()})
    if not is_htmx(request):
        return redirect(f"/council/moderation?klaar={decision}")
    message = _("Goedgekeurd.") if decision == "approve" else _("Afgewezen: {reason}.").format(
        reason=moderation.reason_label(reason))
    return render(request, "moderation/_decided.html", {"kind": kind, "item_id": item.id, "message": message})


# --- admin: settings and the name list ---------------------------------------------

def _settings_page(request: Request, session, staff, status_code: int = 200, **extra):
    return render(request, "moderation/settings.html", {
        "staff": staff, "school": session.get(School, staff.school_id),
        "names": moderation.school_names(session, staff.school_id), **extra}, status_code=status_code)


@router.get("/admin/moderation", response_class=HTMLResponse)
def settings(request: Request, session: DbSession, staff: Admin, bewaard: int = 0):
    return _settings_page(request, session, staff, notice=_("Bewaard.") if bewaard else None)


@router.post("/admin/moderation", response_class=HTMLResponse)
def save_settings(request: Request, session: DbSession, staff: Admin, mode: Annotated[str, Form(max_length=10)],
                  threshold: Annotated[int, Form()]):
    try:
        moderation.update_settings(session, staff, mode, threshold)
    except DomainError as exc:
        return refused(request, session, exc, partial(_settings_page, request, session, staff))
    return redirect("/admin/moderation?bewaard=1")


@router.post("/admin/moderation/names", response_class=HTMLResponse)
def save_names(request: Request, session: DbSession, staff: Admin, names: Annotated[str, Form(max_length=50_000)] = ""):
    try:
        moderation.set_school_names(session, staff, names)
    except DomainError as exc:
        return refused(request, session, exc, partial(_settings_page, request, session, staff), names_text=names)
    return redirect("/admin/moderation?bewaard=1")


# --- JSON API ----------------------------------------------------------------------

@api.post("/comments/{comment_id}/flags")
def api_flag(session: DbSession, pupil: Pupil, comment_id: int, data: schemas.FlagIn):
    comment = moderation.flag_comment(session, pupil, comment_id, data.reason)
    return {"flagged": True, "hidden": comment.status == "hidden"}


@api.get("/comments/{kind}/{target_id}")
def api_comments(session: DbSession, pupil: Pupil, kind: str, target_id: int):
    thread = moderation.thread(session, pupil.school_id, kind, target_id, pupil)
    return {"title": thread.title, "comments": [schemas.comment_out(v) for v in thread.comments],
            "other_own": [schemas.comment_out(v) for v in thread.orphans]}


@api.post("/comments/{kind}/{target_id}", status_code=201)
def api_post_comment(request: Request, session: DbSession, pupil: Pupil, kind: str, target_id: int, data: schemas.CommentIn):
    comment, screened = moderation.post_comment(session, request.app.state.limiter, pupil, kind, target_id,
                                                data.body, data.parent_id)
    return {"id": comment.id, "status": comment.status, "needs_help": screened.needs_help,
            "help": "/hulp" if screened.needs_help else None}


@api.get("/moderation/queue")
def api_queue(session: DbSession, staff: Council):
    return {"items": [{"kind": i.kind, "id": i.id, "text": i.text, "urgent": i.urgent, "verdict": i.verdict,
                       "day": local_date(i.created_at).isoformat(), "context": i.context, "url": i.url,
                       "hidden": i.hidden, "flag_reasons": list(i.flag_reasons)}
                      for i in moderation.queue(session, staff.school_id)]}


@api.post("/moderation/{kind}/{item_id}")
def api_decide(session: DbSession, staff: Council, kind: str, item_id: int, data: schemas.DecisionIn):
    moderation.decide(session, staff, kind, item_id, data.decision, data.reason, data.text)
    return JSONResponse({"kind": kind, "id": item_id, "decision": data.decision})
