"""Proposals: the public board "Wat deden we ermee?", proposal pages, submitting, supporting,
following (in a cookie), the Atom feed of outcomes, staff pages and the JSON API.

A signed cookie lives here, because it is HTTP: the proposals a phone follows (with the last
timeline entry it saw of each); it is never stored on the server. A pupil's own proposals need
no cookie: their author tags are made again from the slip's secret, in any browser.
"""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature

from app.db import DbSession
from app.deps import (Admin, AnyStaff, Council, Management, MaybePupil, MaybeStaff, Pupil, SchoolDep, csrf_protect,
                      json_only)
from app.routers.help import sent, sent_page
from app.schemas import proposals as schemas
from app.services import moderation, proposals
from app.services.access import Participant
from app.services.errors import DomainError
from app.services.shared import int_or_none, parse_date
from app.web import PUPIL_MAX_AGE, is_htmx, redirect, refused, render, set_cookie, signer, templates

router = APIRouter(dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", dependencies=[Depends(json_only)], tags=["proposals"])

FOLLOW_COOKIE = "inspraak_follow"
MAX_FOLLOWS = 60


# --- the follow cookie -----------------------------------------------------------------------------

def read_follows(request: Request) -> dict[int, int]:
    """Followed proposal id -> id of the last timeline entry this phone saw of it."""
    try:
        data = signer(request, "proposals-follow").loads(request.cookies.get(FOLLOW_COOKIE, ""))
        return {int(k): int(v) for k, v in data.items()}
    except (BadSignature, AttributeError, TypeError, ValueError):
        return {}


def write_follows(request: Request, response, follows: dict[int, int]) -> None:
    kept = dict(list(follows.items())[-MAX_FOLLOWS:])
    set_cookie(request, response, FOLLOW_COOKIE,
               signer(request, "proposals-follow").dumps({str(k): v for k, v in kept.items()}), PUPIL_MAX_AGE)


# --- shared bits ---------------------------------------------------------------------------------

def labels() -> dict:
    """Label tables for templates (Dutch msgids, translated in the template with _())."""
    return {"states": proposals.STATE_LABELS, "decisions": proposals.DECISIONS, "event": proposals.event_label,
            "reasons": moderation.REJECT_REASONS,
            "public": proposals.PUBLIC_STATES,
            "withdrawable": [s for s in proposals.STATES if "withdraw" in proposals.actions_for(s, "pupil_author")]}


def home_section(session, participant: Participant, school) -> dict:
    """The pupil home: on top, followed and own proposals that changed since this phone last
    saw them; lower down, how many proposals look for support.

    Home sections get no request, but the follow cookie is in it: the template calls
    `section.changed(request)` while it renders."""
    def changed(request: Request):
        return proposals.changed_since(session, school.id, read_follows(request), participant)

    return {"template": "proposals/_home.html", "top": "proposals/_home_top.html", "changed": changed,
            "open": proposals.open_for_support(session, school.id)}


# --- the public board ----------------------------------------------------------------------------

@router.get("/voorstellen", response_class=HTMLResponse)
def board(request: Request, session: DbSession, school: SchoolDep, pupil: MaybePupil, staff: MaybeStaff,
          state: str = "", category: str = "", q: str = "", page: str = ""):
    view = proposals.board_view(session, school, state or None, int_or_none(category), q.strip(),
                                int_or_none(page) or 1)
    return render(request, "proposals/board.html", {"pupil": pupil, "staff": staff, "school": school,
                                                    "labels": labels(), **view}, partial="proposals/_list.html")


@router.get("/voorstellen/feed.atom")
def feed(request: Request, session: DbSession, school: SchoolDep):
    entries = proposals.outcomes(session, school.id)
    return templates.TemplateResponse(request, "proposals/feed.xml", {
        "school": school, "entries": entries, "labels": labels(),
        "base": request.app.state.settings.public_url.rstrip("/"),
        "updated": entries[0][0].created_at if entries else school.created_at,
    }, media_type="application/atom+xml")


# --- submitting and the pupil's own proposals ------------------------------------------------------

def _new_form(request: Request, session, school, pupil, status_code: int = 200, **extra):
    return render(request, "proposals/new.html", {
        "pupil": pupil, "categories": proposals.categories(session, school.id),
        "title_max": proposals.TITLE_MAX, "body_max": proposals.BODY_MAX, **extra}, status_code=status_code)


@router.get("/voorstellen/nieuw", response_class=HTMLResponse)
def new_proposal(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil):
    return _new_form(request, session, school, pupil)


@router.get("/voorstellen/lijkt-op", response_class=HTMLResponse)
def similar_hint(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil,
                 title: Annotated[str, Query(max_length=1000)] = "", body: Annotated[str, Query(max_length=10000)] = ""):
    """While a pupil types (HTMX): public proposals that look like theirs."""
    return render(request, "proposals/_similar.html", {
        "similar": proposals.similar(session, school.id, title, body), "labels": labels()})


@router.post("/voorstellen", response_class=HTMLResponse)
def submit(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil,
           title: Annotated[str, Form(max_length=1000)] = "", body: Annotated[str, Form(max_length=10000)] = "",
           category: Annotated[str, Form(max_length=12)] = "", seen_similar: Annotated[str, Form(max_length=2)] = ""):
    """Sends the proposal. Proposals like it are shown first, once: without JavaScript as a
    step before sending (nothing stored yet), with it while typing (the hint marks them seen)."""
    form = {"title": title, "body": body, "category": int_or_none(category)}
    if not seen_similar and (alike := proposals.similar(session, school.id, title, body)):
        return _new_form(request, session, school, pupil, similar=alike, labels=labels(), **form)
    try:
        proposal, screened = proposals.submit(session, request.app.state.limiter, school, pupil, title, body,
                                              int_or_none(category))
    except DomainError as exc:
        return refused(request, session, exc, partial(_new_form, request, session, school, pupil), **form)
    response = sent(request, f"/voorstellen/{proposal.id}", screened)
    # The author follows their own proposal, so what happens to it shows on the home first.
    write_follows(request, response, {**read_follows(request), proposal.id: 0})
    return response


@router.get("/voorstellen/mijn", response_class=HTMLResponse)
def my_proposals(request: Request, session: DbSession, pupil: Pupil):
    return render(request, "proposals/mine.html", {
        "pupil": pupil, "items": proposals.mine(session, pupil), "labels": labels()})


# --- one proposal --------------------------------------------------------------------------------

def _detail_context(request: Request, session, school, proposal_id: int, pupil, staff) -> dict:
    item = proposals.visible(session, school, proposal_id, pupil, staff)
    return {"pupil": pupil, "staff": staff, "item": item, "proposal": item.proposal, "labels": labels(),
            "followed": proposal_id in read_follows(request),
            "can_withdraw": item.is_author and "withdraw" in proposals.actions_for(item.proposal.state, "pupil_author"),
            "can_support": item.proposal.state in proposals.SUPPORT_STATES}


@router.get("/voorstellen/{proposal_id:int}", response_class=HTMLResponse)
def proposal_page(request: Request, session: DbSession, school: SchoolDep, pupil: MaybePupil, staff: MaybeStaff,
                  proposal_id: int):
    ctx = _detail_context(request, session, school, proposal_id, pupil, staff)
    # Right after sending: "Voorstel verstuurd" (or the help lines) on top, once.
    response = sent_page(request, session, school.id,
                         lambda sent_ctx: render(request, "proposals/detail.html", {**ctx, **(sent_ctx or {})}))
    follows = read_follows(request)
    if proposal_id in follows and ctx["item"].last_event is not None:
        follows[proposal_id] = ctx["item"].last_event.id  # opening it marks it seen
        write_follows(request, response, follows)
    return response


def _after_pupil_act(request: Request, session, school, pupil, proposal_id: int, partial: str):
    """HTMX gets the updated partial; a plain form post goes back to the proposal page."""
    if is_htmx(request):
        return render(request, "proposals/detail.html",
                      _detail_context(request, session, school, proposal_id, pupil, None), partial=partial)
    return redirect(f"/voorstellen/{proposal_id}")


@router.post("/voorstellen/{proposal_id:int}/steun")
def support(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, proposal_id: int,
            do: Annotated[str, Form(max_length=10)] = "add"):
    if do == "remove":
        proposals.unsupport(session, pupil, proposal_id)
    else:
        proposals.support(session, pupil, proposal_id)
    return _after_pupil_act(request, session, school, pupil, proposal_id, "proposals/_support.html")


@router.post("/voorstellen/{proposal_id:int}/volgen")
def follow(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, proposal_id: int):
    proposal, last_seen = proposals.followable(session, school, proposal_id)
    follows = read_follows(request)
    if follows.pop(proposal_id, None) is None:
        follows[proposal_id] = last_seen
    # The partial is rendered from the request's cookie, so tell it the new state directly.
    if is_htmx(request):
        response = render(request, "proposals/_follow.html", {
            "proposal": proposal, "followed": proposal_id in follows, "pupil": pupil})
    else:
        response = redirect(f"/voorstellen/{proposal_id}")
    write_follows(request, response, follows)
    return response


@router.post("/voorstellen/{proposal_id:int}/intrekken")
def withdraw(session: DbSession, pupil: Pupil, proposal_id: int):
    proposals.withdraw(session, pupil, proposal_id)
    return redirect("/voorstellen/mijn")


# --- staff: council, management, admin -----------------------------------------------------------

def _council_page(request: Request, session, staff, school, status_code: int = 200, **extra):
    return render(request, "proposals/council.html", {
        "staff": staff, "labels": labels(), **proposals.council_view(session, school), **extra},
        status_code=status_code)


def _management_page(request: Request, session, staff, school, status_code: int = 200, **extra):
    return render(request, "proposals/management.html", {
        "staff": staff, "labels": labels(), **proposals.management_view(session, school), **extra},
        status_code=status_code)


def _answered_page(request: Request, session, staff, school, status_code: int = 200, **extra):
    return render(request, "proposals/answered.html", {
        "staff": staff, "labels": labels(), **proposals.answered_view(session, school), **extra},
        status_code=status_code)


def _staff_page(staff, action: str):
    """The page a staff move is made from, to show it again with a message."""
    if staff.role != "management":
        return _council_page
    return _answered_page if action == "correct" else _management_page


def _move_fields(form: schemas.MoveForm) -> dict:
    return {"text": form.text, "decision": form.decision or None, "outcome": form.outcome or None,
            "review_date": parse_date(form.review_date), "reason": form.reason or None,
            "new_deadline": parse_date(form.new_deadline)}


@router.get("/council/proposals", response_class=HTMLResponse)
def council_page(request: Request, session: DbSession, staff: Council, school: SchoolDep, klaar: str = ""):
    return _council_page(request, session, staff, school, done=klaar)


@router.get("/management/proposals", response_class=HTMLResponse)
def management_page(request: Request, session: DbSession, staff: Management, school: SchoolDep, klaar: str = ""):
    return _management_page(request, session, staff, school, done=klaar)


@router.get("/management/proposals/beantwoord", response_class=HTMLResponse)
def answered_page(request: Request, session: DbSession, staff: Management, school: SchoolDep, klaar: str = ""):
    return _answered_page(request, session, staff, school, done=klaar)


@router.get("/staff/proposals/{proposal_id:int}/bevestig", response_class=HTMLResponse)
def confirm_move(request: Request, session: DbSession, staff: AnyStaff, school: SchoolDep, proposal_id: int,
                 form: Annotated[schemas.MoveForm, Query()]):
    """The confirmation page of a move that pupils feel at once or that cannot be taken back.
    Its form posts the same fields to the move below; a move that would be refused is refused
    here already, on the page it came from."""
    page = _staff_page(staff, form.action)
    try:
        proposal = proposals.check_move(session, staff, proposal_id, form.action, **_move_fields(form))
    except DomainError as exc:
        if exc.status_code == 403 or staff.role not in ("council", "management"):
            raise
        return refused(request, session, exc, partial(page, request, session, staff, school), failed=proposal_id,
                       form=form)
    return render(request, "proposals/confirm.html", {
        "staff": staff, "proposal": proposal, "form": form, "labels": labels(), "fields": _move_fields(form),
        "back": _back(staff, form, proposal_id)})


def _back(staff, form: schemas.MoveForm, proposal_id: int, done: str = "") -> str:
    """The staff page a move was made from, at the proposal; `done` names the move just made."""
    if form.queue:
        return f"/council/moderation{'?klaar=' + done if done else ''}"
    action = form.action
    if staff.role != "management":
        page = "/council/proposals"
    else:
        page = "/management/proposals/beantwoord" if action == "correct" else "/management/proposals"
    return f"{page}{'?klaar=' + done if done else ''}#p{proposal_id}"


@router.post("/staff/proposals/{proposal_id:int}/move")
def staff_move(request: Request, session: DbSession, staff: AnyStaff, school: SchoolDep, proposal_id: int,
               form: Annotated[schemas.MoveForm, Form()]):
    """Every staff move goes here; the permission table decides who may make it (403 otherwise)."""
    page = _staff_page(staff, form.action)
    try:
        proposals.staff_move(session, staff, proposal_id, form.action, **_move_fields(form))
    except DomainError as exc:
        if exc.status_code == 403 or staff.role not in ("council", "management"):
            raise
        return refused(request, session, exc, partial(page, request, session, staff, school), failed=proposal_id,
                       form=form)
    return redirect(_back(staff, form, proposal_id, form.action))


def _admin_page(request: Request, session, staff, school, status_code: int = 200, **extra):
    return render(request, "proposals/admin.html", {
        "staff": staff, **proposals.admin_view(session, school), **extra}, status_code=status_code)


@router.get("/admin/proposals", response_class=HTMLResponse)
def admin_page(request: Request, session: DbSession, staff: Admin, school: SchoolDep):
    return _admin_page(request, session, staff, school)


def _admin_act(request: Request, session, staff, school, act):
    try:
        act()
    except DomainError as exc:
        return refused(request, session, exc, partial(_admin_page, request, session, staff, school))
    return redirect("/admin/proposals")


@router.post("/admin/proposals/settings")
def save_settings(request: Request, session: DbSession, staff: Admin, school: SchoolDep,
                  form: Annotated[schemas.SettingsForm, Form()]):
    return _admin_act(request, session, staff, school, lambda: proposals.save_settings(
        session, staff, school, form.kind, int_or_none(form.number), int_or_none(form.percent),
        int_or_none(form.response_days)))


@router.post("/admin/proposals/categories")
def add_category(request: Request, session: DbSession, staff: Admin, school: SchoolDep,
                 name: Annotated[str, Form(max_length=200)] = ""):
    return _admin_act(request, session, staff, school, lambda: proposals.add_category(session, staff, name))


@router.post("/admin/proposals/categories/{category_id:int}")
def rename_category(request: Request, session: DbSession, staff: Admin, school: SchoolDep, category_id: int,
                    name: Annotated[str, Form(max_length=200)] = ""):
    return _admin_act(request, session, staff, school,
                      lambda: proposals.rename_category(session, staff, category_id, name))


@router.post("/admin/proposals/holidays")
def add_holiday(request: Request, session: DbSession, staff: Admin, school: SchoolDep,
                first_day: Annotated[str, Form(max_length=20)] = "", last_day: Annotated[str, Form(max_length=20)] = "",
                label: Annotated[str, Form(max_length=300)] = ""):
    return _admin_act(request, session, staff, school, lambda: proposals.add_holiday(
        session, staff, parse_date(first_day), parse_date(last_day), label))


@router.post("/admin/proposals/holidays/{holiday_id:int}/delete")
def remove_holiday(request: Request, session: DbSession, staff: Admin, school: SchoolDep, holiday_id: int):
    return _admin_act(request, session, staff, school, lambda: proposals.remove_holiday(session, staff, holiday_id))


# --- JSON API ------------------------------------------------------------------------------------

@api.get("/proposals", response_model=list[schemas.ProposalOut])
def api_list(session: DbSession, school: SchoolDep, state: str = "", category: str = "",
             q: str = "", page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    """Public proposals, 20 a page; `q` keeps those with every word in the title or text."""
    found = proposals.board(session, school, state or None, int_or_none(category), search=q.strip(), page=page)
    return [schemas.proposal_out(i) for i in found.items]


@api.get("/proposals/{proposal_id}", response_model=schemas.ProposalDetailOut)
def api_detail(session: DbSession, school: SchoolDep, pupil: MaybePupil, proposal_id: int):
    item = proposals.visible(session, school, proposal_id, pupil)
    return schemas.ProposalDetailOut(**schemas.proposal_out(item), timeline=[schemas.entry_out(e) for e in item.timeline])


@api.post("/proposals/{proposal_id}/supports", response_model=schemas.SupportOut, status_code=201,
          responses={200: {"description": "Already supported: nothing changed", "model": schemas.SupportOut}})
def api_support(response: Response, session: DbSession, pupil: Pupil, proposal_id: int):
    proposal, added = proposals.support(session, pupil, proposal_id)
    if not added:
        response.status_code = 200
    return schemas.SupportOut(proposal_id=proposal.id, supported=True, supports=proposal.support_count, state=proposal.state)


@api.delete("/proposals/{proposal_id}/supports", response_model=schemas.SupportOut)
def api_unsupport(session: DbSession, pupil: Pupil, proposal_id: int):
    proposal, _removed = proposals.unsupport(session, pupil, proposal_id)
    return schemas.SupportOut(proposal_id=proposal.id, supported=False, supports=proposal.support_count, state=proposal.state)
