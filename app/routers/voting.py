"""Statements and polls: pupil vote pages (one tap, HTMX-upgraded forms), the council's pages,
live classroom sessions, and the JSON API.

HTMX does not swap 4xx answers into the page, so when an HTMX vote fails we answer 200 with
the card showing the message; a plain form post gets the page with the 4xx status.
"""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from app.db import DbSession, run_db
from app.deps import AnyStaff, Council, MaybePupil, MaybeStaff, NeedsCode, Pupil, SchoolDep, csrf_protect, json_only
from app.i18n import _
from app.routers.help import sent, sent_page
from app.schemas import voting as schemas
from app.services import moderation, shared, voting
from app.services.errors import DomainError, NotFound
from app.services.shared import int_or_none
from app.web import flash_once, is_htmx, redirect, redirect_with_flash, refused, render, safe_next

router = APIRouter(dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", dependencies=[Depends(json_only)], tags=["voting"])

PATH_KINDS = {"statements": voting.STATEMENT, "polls": voting.POLL}
PATHS = {voting.STATEMENT: "/stellingen", voting.POLL: "/peilingen"}
PAGES = {voting.STATEMENT: ("voting/statement.html", "voting/_statement.html"),
         voting.POLL: ("voting/poll.html", "voting/_poll.html")}
TEXT_FORM = Form(max_length=5000)  # the service gives the real, readable limit


def kind_of_path(path_kind: str) -> str:
    if path_kind not in PATH_KINDS:
        raise NotFound(_("Deze pagina bestaat niet."))
    return PATH_KINDS[path_kind]


# --- pupils ----------------------------------------------------------------------------

def home_section(session, participant, school) -> dict:
    """The pupil home: open polls and statements not answered yet (each with its closing
    time), then the answered ones; "alles gedaan" when nothing is left."""
    found = voting.open_for(session, participant, voting.POLL, voting.STATEMENT)
    items = found[voting.POLL] + found[voting.STATEMENT]
    return {"template": "voting/_home.html", "todo": [v for v in items if not v.voted],
            "answered": [v for v in items if v.voted]}


def _item_page(request: Request, pupil, view, kind: str, status_code: int = 200, page: bool = True, **extra):
    """The item's page, or (HTMX) its card: `page` False for a card that sits on the home."""
    template, card = PAGES[kind]
    return render(request, template, {"pupil": pupil, "v": view, "page": page, **extra}, partial=card,
                  status_code=status_code)


def _shown_item(request: Request, session, pupil, school, kind: str, item_id: int, previous: int | None = None):
    """An item's own page; right after a vote (a flash) it thanks, and a statement page links
    back to the statement answered before it."""
    def build(voted):
        return _item_page(request, pupil, voting.pupil_item(session, pupil, school, kind, item_id), kind,
                          thanks=bool(voted), all_done=bool(voted) and bool(voted.get("done")), previous=previous)
    return flash_once(request, "voted", build)


def _after_vote(request: Request, session, pupil, kind: str, item_id: int, back: str):
    """Post/redirect/get after a plain form vote. A statement leads on to the next open one the
    pupil has not answered (Polis-style); `back` (the live page) wins when given."""
    target, note = f"{PATHS[kind]}/{item_id}", {"id": item_id}
    if back:
        target = safe_next(back, target)
    elif kind == voting.STATEMENT:
        following = voting.next_statement(session, pupil, item_id)
        if following is None:
            note["done"] = True
        else:
            target = f"/stellingen/{following}?na={item_id}"
    return redirect_with_flash(request, target, "voted", note)


def _voted(request: Request, session, pupil, school, kind: str, item_id: int, cast, back: str = ""):
    """Run a vote; on a refusal show the item again with the message, and store nothing."""
    try:
        view = cast()
    except DomainError as exc:
        session.rollback()  # before reading the item again
        try:
            view = voting.pupil_item(session, pupil, school, kind, item_id)
        except DomainError:
            view = None
        return refused(request, session, exc, partial(_item_page, request, pupil, view, kind))
    if not is_htmx(request):
        return _after_vote(request, session, pupil, kind, item_id, back)
    live = back.startswith("/live/")
    return _item_page(request, pupil, view, kind, page=False, thanks=True, live=live,
                      code=back.removeprefix("/live/") if live else "")


@router.get("/stellingen/nieuw", response_class=HTMLResponse)
def new_statement(request: Request, session: DbSession, pupil: Pupil):
    return _statement_form(request, session, pupil)


def _statement_form(request: Request, session, pupil, status_code: int = 200, **extra):
    return render(request, "voting/new_statement.html", {
        "pupil": pupil, "mine": voting.my_statements(session, pupil), "text_max": voting.TEXT_MAX,
        "status_labels": {k: _(v) for k, v in voting.STATUS_LABELS.items()},
        "reason_label": moderation.reason_label, **extra}, status_code=status_code)


@router.post("/stellingen", response_class=HTMLResponse)
def submit_statement(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil,
                     text: Annotated[str, TEXT_FORM] = ""):
    try:
        item, screened = voting.submit_statement(session, request.app.state.limiter, school, pupil, text)
    except DomainError as exc:
        return refused(request, session, exc, partial(_statement_form, request, session, pupil), text=text)
    return sent(request, f"/stellingen/nieuw/{item.id}", screened)


@router.get("/stellingen/nieuw/{statement_id:int}", response_class=HTMLResponse)
def statement_sent(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, statement_id: int):
    """The thank-you after writing a statement, once; afterwards the statement form with the list."""
    item = next((s for s in voting.my_statements(session, pupil) if s.id == statement_id), None)
    return sent_page(request, session, school.id, lambda ctx: redirect("/stellingen/nieuw") if ctx is None or item is None
                     else render(request, "voting/submitted.html", {"pupil": pupil, "item": item, **ctx}))


# The pupil's item pages and votes are the hot path of a break: async, with their database
# work and rendering through run_db (on SQLite no hop to a worker thread).
@router.get("/stellingen/{statement_id:int}", response_class=HTMLResponse)
async def statement_page(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, statement_id: int,
                         na: str = ""):
    return await run_db(session, _shown_item, request, session, pupil, school, voting.STATEMENT, statement_id,
                        int_or_none(na))


@router.post("/stellingen/{statement_id:int}/stem", response_class=HTMLResponse)
async def vote_statement(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, statement_id: int,
                         answer: Annotated[str, Form(max_length=20)] = "",
                         back: Annotated[str, Form(max_length=40)] = ""):
    return await run_db(session, _voted, request, session, pupil, school, voting.STATEMENT, statement_id,
                        lambda: voting.vote_statement(session, pupil, school, statement_id, answer), back)


@router.get("/peilingen/{poll_id:int}", response_class=HTMLResponse)
async def poll_page(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, poll_id: int):
    return await run_db(session, _shown_item, request, session, pupil, school, voting.POLL, poll_id)


@router.post("/peilingen/{poll_id:int}/stem", response_class=HTMLResponse)
async def vote_poll(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil, poll_id: int,
                    option_ids: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 (FastAPI copies it)
                    value: Annotated[str, Form(max_length=20)] = "", back: Annotated[str, Form(max_length=40)] = ""):
    chosen = [int_or_none(o) for o in option_ids[:50] if o.strip()]
    return await run_db(session, _voted, request, session, pupil, school, voting.POLL, poll_id,
                        lambda: voting.vote_poll(session, pupil, school, poll_id, chosen, int_or_none(value)), back)


@router.get("/afgesloten", response_class=HTMLResponse)
def closed_items(request: Request, session: DbSession, school: SchoolDep, pupil: Pupil):
    """Closed statements and polls with their results."""
    return render(request, "voting/closed.html", {"pupil": pupil, "items": voting.closed_for(session, pupil, school)})


# --- staff: overview, results, creation, closing -----------------------------------------

@router.get("/council/voting", response_class=HTMLResponse)
def overview(request: Request, session: DbSession, school: SchoolDep, staff: AnyStaff):
    return render(request, "voting/council.html", {"staff": staff, **voting.staff_overview(session, school)})


def _csv(content: str, name: str) -> Response:
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/council/voting.csv")
def overview_csv(session: DbSession, school: SchoolDep, staff: AnyStaff):
    data = voting.staff_overview(session, school)
    return _csv(voting.results_csv(data["statements"] + data["polls"]), "stemmen.csv")


def _item_form(request: Request, session, staff, kind: str, form: voting.ItemForm | None = None,
               status_code: int = 200, **extra):
    return render(request, "voting/item_form.html", {
        "staff": staff, "kind": kind, "form": form or voting.ItemForm(),
        **voting.form_choices(session, staff.school_id), **extra}, status_code=status_code)


@router.get("/council/voting/statements/new", response_class=HTMLResponse)
def new_council_statement(request: Request, session: DbSession, staff: Council):
    return _item_form(request, session, staff, voting.STATEMENT)


@router.get("/council/voting/polls/new", response_class=HTMLResponse)
def new_poll(request: Request, session: DbSession, staff: Council):
    return _item_form(request, session, staff, voting.POLL)


@router.post("/council/voting/{path_kind}", response_class=HTMLResponse)
def create_item(request: Request, session: DbSession, staff: Council, path_kind: str,
                typed: Annotated[schemas.ItemFormIn, Form()]):
    item_kind = kind_of_path(path_kind)
    form = typed.to_service()
    create = voting.create_statement if item_kind == voting.STATEMENT else voting.create_poll
    try:
        item = create(session, staff, form)
    except DomainError as exc:
        return refused(request, session, exc, partial(_item_form, request, session, staff, item_kind, form))
    return redirect(f"/council/voting/{path_kind}/{item.id}")


@router.get("/council/voting/{path_kind}/{item_id:int}", response_class=HTMLResponse)
def council_item(request: Request, session: DbSession, school: SchoolDep, staff: AnyStaff, path_kind: str,
                 item_id: int):
    view = voting.staff_item(session, school, kind_of_path(path_kind), item_id)
    return render(request, "voting/council_item.html", {"staff": staff, "v": view, "path_kind": path_kind,
                                                         "local": shared.local_text})


@router.get("/council/voting/{path_kind}/{item_id:int}/results.csv")
def council_item_csv(session: DbSession, school: SchoolDep, staff: AnyStaff, path_kind: str, item_id: int):
    view = voting.staff_item(session, school, kind_of_path(path_kind), item_id)
    return _csv(voting.results_csv([view]), f"{view.kind}-{view.id}.csv")


@router.get("/council/voting/{path_kind}/{item_id:int}/sluiten", response_class=HTMLResponse)
def confirm_close(request: Request, session: DbSession, school: SchoolDep, staff: Council, path_kind: str,
                  item_id: int):
    """Closing erases who voted and cannot be undone: a confirmation page first."""
    view = voting.staff_item(session, school, kind_of_path(path_kind), item_id)
    if not view.is_open:
        return redirect(f"/council/voting/{path_kind}/{item_id}")
    return render(request, "voting/close_confirm.html", {"staff": staff, "v": view, "path_kind": path_kind})


@router.post("/council/voting/{path_kind}/{item_id:int}/close")
def close_item(session: DbSession, staff: Council, path_kind: str, item_id: int):
    voting.close_now(session, staff, kind_of_path(path_kind), item_id)
    return redirect(f"/council/voting/{path_kind}/{item_id}")


# --- live classroom mode: starting one (the session's pages are in routers/live.py) ---

@router.post("/council/voting/{path_kind}/{item_id:int}/live")
def start_live(session: DbSession, staff: AnyStaff, path_kind: str, item_id: int):
    live = voting.start_live(session, staff, kind_of_path(path_kind), item_id)
    return redirect(f"/staff/live/{live.join_code}")


# --- JSON API --------------------------------------------------------------------------

def _vote_out(response: Response, v: voting.ItemView) -> schemas.VoteOut:
    response.status_code = 201 if v.created else 200
    return schemas.VoteOut(status="created" if v.created else "changed", answers=v.mine or [],
                           results=schemas.results_out(v.kind, v.item, v.results, False) if v.results else None)


def _api_results(session, school, pupil, staff, kind: str, item_id: int) -> schemas.ResultsOut:
    if staff is not None:
        view = voting.staff_item(session, school, kind, item_id)
        return schemas.results_out(kind, view.item, view.results, True)
    if pupil is None:
        raise NeedsCode()
    view = voting.pupil_results(session, pupil, school, kind, item_id)
    return schemas.results_out(kind, view.item, view.results, False)


VOTE_RESPONSES = {200: {"model": schemas.VoteOut, "description": "Your earlier vote was changed."},
                  400: {"description": "Closed, missing or wrong answer: `detail` says why."},
                  403: {"description": "Not for your group, or not open yet."},
                  404: {"description": "No such item."}}


@api.get("/polls", response_model=list[schemas.PollOut])
def api_polls(session: DbSession, pupil: Pupil):
    """Open polls for the participant's group, newest first."""
    return [schemas.poll_out(v) for v in voting.open_for(session, pupil, voting.POLL)[voting.POLL]]


@api.get("/polls/{poll_id}", response_model=schemas.PollOut)
def api_poll(session: DbSession, school: SchoolDep, pupil: Pupil, poll_id: int):
    return schemas.poll_out(voting.pupil_item(session, pupil, school, voting.POLL, poll_id))


@api.post("/polls/{poll_id}/votes", response_model=schemas.VoteOut, status_code=201, responses=VOTE_RESPONSES)
def api_vote_poll(response: Response, session: DbSession, school: SchoolDep, pupil: Pupil, poll_id: int,
                  body: schemas.PollVoteIn):
    """Vote, or change your vote: `option_ids` for single and multiple choice, `value` for scales."""
    return _vote_out(response, voting.vote_poll(session, pupil, school, poll_id, body.option_ids, body.value))


@api.get("/polls/{poll_id}/results", response_model=schemas.ResultsOut)
def api_poll_results(session: DbSession, school: SchoolDep, pupil: MaybePupil, staff: MaybeStaff, poll_id: int):
    """k-anonymous results: pupils when the poll shows them, staff always (with grades)."""
    return _api_results(session, school, pupil, staff, voting.POLL, poll_id)


@api.get("/statements", response_model=list[schemas.StatementOut])
def api_statements(session: DbSession, pupil: Pupil):
    """Open statements for the participant's group, newest first."""
    return [schemas.statement_out(v) for v in voting.open_for(session, pupil, voting.STATEMENT)[voting.STATEMENT]]


@api.get("/statements/{statement_id}", response_model=schemas.StatementOut)
def api_statement(session: DbSession, school: SchoolDep, pupil: Pupil, statement_id: int):
    return schemas.statement_out(voting.pupil_item(session, pupil, school, voting.STATEMENT, statement_id))


@api.post("/statements/{statement_id}/votes", response_model=schemas.VoteOut, status_code=201,
          responses=VOTE_RESPONSES)
def api_vote_statement(response: Response, session: DbSession, school: SchoolDep, pupil: Pupil,
                       statement_id: int, body: schemas.StatementVoteIn):
    """Answer, or change your answer: agree, disagree or pass."""
    return _vote_out(response, voting.vote_statement(session, pupil, school, statement_id, body.answer))


@api.get("/statements/{statement_id}/results", response_model=schemas.ResultsOut)
def api_statement_results(session: DbSession, school: SchoolDep, pupil: MaybePupil, staff: MaybeStaff,
                          statement_id: int):
    """k-anonymous results, with consensus and divisiveness for staff."""
    return _api_results(session, school, pupil, staff, voting.STATEMENT, statement_id)
