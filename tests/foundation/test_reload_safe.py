"""Post/redirect/get for every form: a plain form post that succeeds answers 303 with a page to
GET, so reloading that page never repeats the action. Every form route of the app is in CASES
(a new form route without a case fails `test_every_form_route_has_a_case`); each case posts
valid data, follows the redirect, reloads it, and checks the action happened exactly once.

HTMX posts may answer with a partial (an HTMX request is never repeated by a reload); the JSON
API is not a form. The browser half (a real reload) is in the journey tests and below."""

from datetime import date, timedelta

import pytest
from fastapi.routing import APIRoute
from sqlmodel import func, select

from app import domains
from app.models import AuditEntry, CodeSheet, Comment, ContentFlag, HasVoted, LiveSession, Poll, Statement
from app.models.proposals import Proposal, ProposalEvent, ProposalSupport
from app.services import access, help as help_service, proposals, school as school_service, voting
from conftest import STAFF_PASSWORD, Client, login_staff_in_browser
from support import set_school
from support.pages import new_phone
from support.proposals import category_id, make_proposal, new_participant
from support.voting import closes_in, make_poll, make_statement, new_staff, option_ids

# Routes kept for old links: they redirect to the new address and run nothing themselves.
MOVED = {"/home", "/join", "/leave", "/help", "/reactie/{comment_id}/melden", "/moderatie",
         "/moderatie/{kind}/{item_id}", "/admin/moderatie", "/admin/moderatie/namen", "/proposals/{proposal_id}/move"}


def _count(session, model, *where) -> int:
    session.expire_all()
    query = select(func.count()).select_from(model)
    for clause in where:
        query = query.where(clause)
    return session.exec(query).one()


def _audits(session) -> int:
    return _count(session, AuditEntry)


class World:
    """What the cases post to: one of each thing, made through the services."""

    def __init__(self, app, session, school, make_pupil, make_staff):
        set_school(session, school.id, moderation_mode="post")
        self.app, self.session, self.school = app, session, school
        self.make_pupil = make_pupil
        self.raad = new_staff(session, school)
        self.statement = make_statement(session, self.raad)
        self.poll = make_poll(session, self.raad)
        self.pupil = make_pupil("3A")
        self.council = make_staff("council")
        self.management = make_staff("management")
        self.admin = make_staff("admin")
        self.author = new_participant(app, session, school)
        self.published = make_proposal(session, school, self.author, "published", title="Meer groen")
        self.waiting = make_proposal(session, school, self.author, "with_management", title="Water")


def _audited(w, client, url: str, data: dict):
    """A staff act whose one trace is its audit entry: it must be written once."""
    before = _audits(w.session)
    return client, url, data, lambda: _audits(w.session) == before + 1


def _one_more(w, model, client, url: str, data: dict):
    """An act that adds one row of `model`: exactly one, after the post and a reload."""
    before = _count(w.session, model)
    return client, url, data, lambda: _count(w.session, model) == before + 1


def _case(path: str):
    def register(fn):
        CASES[path] = fn
        return fn
    return register


CASES = {}


@_case("/aanmelden")
def _join(w):
    client = Client(w.app)
    _sheet, codes = access.create_codes(w.session, w.app.state.secret,
                                        school_service.find_group(w.session, w.school.id, "3A"), 1)
    w.session.commit()
    return client, "/aanmelden", {"code": codes[0]}, lambda: client.cookies.get("inspraak_p") is not None


@_case("/afmelden")
def _leave(w):
    return w.pupil, "/afmelden", {}, lambda: w.pupil.get("/overzicht", follow_redirects=False).status_code == 303


@_case("/stellingen")
def _statement(w):
    return _one_more(w, Statement, w.pupil, "/stellingen", {"text": "We willen een waterfontein"})


@_case("/stellingen/{statement_id:int}/stem")
def _vote_statement(w):
    return (w.pupil, f"/stellingen/{w.statement.id}/stem", {"answer": "agree"},
            lambda: _count(w.session, HasVoted, HasVoted.item_id == w.statement.id,
                           HasVoted.item_kind == "statement") == 1)


@_case("/peilingen/{poll_id:int}/stem")
def _vote_poll(w):
    return (w.pupil, f"/peilingen/{w.poll.id}/stem", {"option_ids": str(option_ids(w.session, w.poll)[0])},
            lambda: _count(w.session, HasVoted, HasVoted.item_id == w.poll.id, HasVoted.item_kind == "poll") == 1)


@_case("/reacties/{kind}/{target_id:int}")
def _comment(w):
    return (w.pupil, f"/reacties/statement/{w.statement.id}", {"body": "Goed idee, dan hebben we meer plaats"},
            lambda: _count(w.session, Comment) == 1)


@_case("/reacties/{comment_id:int}/melden")
def _flag(w):
    w.make_pupil("3B").form(f"/reacties/statement/{w.statement.id}", {"body": "Een reactie van iemand anders"})
    comment_id = w.session.exec(select(Comment.id)).one()
    return w.pupil, f"/reacties/{comment_id}/melden", {"reason": "spam"}, lambda: _count(w.session, ContentFlag) == 1


@_case("/voorstellen")
def _proposal(w):
    return _one_more(w, Proposal, w.pupil, "/voorstellen", {
        "title": "Een bank bij de fietsen", "body": "Om te wachten.", "category": str(category_id(w.session, w.school))})


@_case("/voorstellen/{proposal_id:int}/steun")
def _support(w):
    return (w.pupil, f"/voorstellen/{w.published.id}/steun", {},
            lambda: _count(w.session, ProposalSupport, ProposalSupport.proposal_id == w.published.id) == 1)


@_case("/voorstellen/{proposal_id:int}/volgen")
def _follow(w):
    return (w.pupil, f"/voorstellen/{w.published.id}/volgen", {},
            lambda: "Je volgt dit voorstel" in w.pupil.get(f"/voorstellen/{w.published.id}").text)


@_case("/voorstellen/{proposal_id:int}/intrekken")
def _withdraw(w):
    mine = make_proposal(w.session, w.school, access.redeem(w.session, w.app.state.secret, w.pupil.code), "published",
                         title="Van mij")
    return (w.pupil, f"/voorstellen/{mine.id}/intrekken", {},
            lambda: _count(w.session, ProposalEvent, ProposalEvent.proposal_id == mine.id,
                           ProposalEvent.action == "withdraw") == 1)


@_case("/council/voting/{path_kind}")
def _create_item(w):
    return _one_more(w, Poll, w.council, "/council/voting/polls", {
        "text": "Welke kleur?", "kind": "single", "options": "Rood\nBlauw", "audience": "school", "closes_at": closes_in()})


@_case("/council/voting/{path_kind}/{item_id:int}/live")
def _live(w):
    return (w.council, f"/council/voting/statements/{w.statement.id}/live", {},
            lambda: _count(w.session, LiveSession) == 1)


def _running(w) -> str:
    live = voting.start_live(w.session, w.raad, voting.STATEMENT, w.statement.id)
    w.session.commit()
    return live.join_code


@_case("/staff/live/{code}/next")
def _next(w):
    code = _running(w)
    return _audited(w, w.council, f"/staff/live/{code}/next", {"item": f"polls/{w.poll.id}"})


@_case("/staff/live/{code}/end")
def _end(w):
    code = _running(w)
    return _audited(w, w.council, f"/staff/live/{code}/end", {})


@_case("/staff/login")
def _login(w):
    client = Client(w.app)
    return (client, "/staff/login", {"username": w.admin.staff.username, "password": STAFF_PASSWORD},
            lambda: client.get("/staff", follow_redirects=False).status_code == 200)


@_case("/staff/logout")
def _logout(w):
    return w.council, "/staff/logout", {}, lambda: w.council.get("/staff", follow_redirects=False).status_code == 303


@_case("/staff/password")
def _password(w):
    return (w.management, "/staff/password", {"current": STAFF_PASSWORD, "new": "een nieuw lang wachtwoord",
                                              "repeat": "een nieuw lang wachtwoord"},
            lambda: Client(w.app).form("/staff/login", {"username": w.management.staff.username,
                                                        "password": "een nieuw lang wachtwoord"},
                                       follow_redirects=False).status_code == 303)


@_case("/admin/codes")
def _sheet(w):
    return _one_more(w, CodeSheet, w.admin, "/admin/codes", {"group": "3A", "count": "3"})


@_case("/admin/codes/{sheet_id:int}/revoke")
def _revoke(w):
    sheet_id = w.session.exec(select(CodeSheet.id)).first()
    return _audited(w, w.admin, f"/admin/codes/{sheet_id}/revoke", {})


@_case("/admin/help/{resource_id}")
def _help(w):
    resource = help_service.list_resources(w.session, w.school.id)[0]
    return _audited(w, w.admin, f"/admin/help/{resource.id}",
                    {"name": resource.name, "description": "Luistert altijd.", "phone": resource.phone or "102"})


@_case("/council/moderation/{kind}/{item_id}")
def _decide(w):
    set_school(w.session, w.school.id, moderation_mode="pre")
    w.make_pupil("3B").form(f"/reacties/statement/{w.statement.id}", {"body": "Een reactie die wacht"})
    comment_id = w.session.exec(select(Comment.id)).one()
    return (w.council, f"/council/moderation/comment/{comment_id}", {"decision": "approve"},
            lambda: _count(w.session, Comment, Comment.status == "published") == 1)


@_case("/staff/proposals/{proposal_id:int}/move")
def _move(w):
    return (w.management, f"/staff/proposals/{w.waiting.id}/move",
            {"action": "answer", "decision": "accepted", "text": "Ja, dat doen we."},
            lambda: _count(w.session, ProposalEvent, ProposalEvent.proposal_id == w.waiting.id,
                           ProposalEvent.action == "answer") == 1)


@_case("/admin/proposals/categories")
def _category(w):
    category_id(w.session, w.school)
    return _audited(w, w.admin, "/admin/proposals/categories", {"name": "Sport"})


@_case("/admin/proposals/categories/{category_id:int}")
def _rename(w):
    cid = category_id(w.session, w.school, "Andere")
    return _audited(w, w.admin, f"/admin/proposals/categories/{cid}", {"name": "Iets anders"})


@_case("/admin/proposals/holidays")
def _holiday(w):
    day = (date.today() + timedelta(days=30)).isoformat()
    return _audited(w, w.admin, "/admin/proposals/holidays",
                    {"first_day": day, "last_day": day, "label": "Pedagogische dag"})


@_case("/admin/proposals/holidays/{holiday_id:int}/delete")
def _unholiday(w):
    day = date.today() + timedelta(days=40)
    holiday = proposals.add_holiday(w.session, w.admin.staff, day, day, "Vrij")
    w.session.commit()
    return _audited(w, w.admin, f"/admin/proposals/holidays/{holiday.id}/delete", {})


# Staff acts whose one trace is their audit entry: path -> (who posts, address, form).
AUDITED = {
    "/council/voting/{path_kind}/{item_id:int}/close": ("council", lambda w: f"/council/voting/polls/{w.poll.id}/close",
                                                         {}),
    "/admin/staff": ("admin", "/admin/staff",
                     {"username": "nieuwe", "role": "council", "password": "een lang wachtwoord hier"}),
    "/admin/staff/{staff_id}/active": ("admin", lambda w: f"/admin/staff/{w.raad.id}/active", {"active": "false"}),
    "/admin/staff/{staff_id}/password": ("admin", lambda w: f"/admin/staff/{w.raad.id}/password", {}),
    "/admin/groups": ("admin", "/admin/groups", {"name": "6Z"}),
    "/admin/moderation": ("admin", "/admin/moderation", {"mode": "pre", "threshold": "4"}),
    "/admin/moderation/names": ("admin", "/admin/moderation/names", {"names": "Janssens"}),
    "/admin/proposals/settings": ("admin", "/admin/proposals/settings",
                                  {"kind": "number", "number": "30", "response_days": "10"}),
}
for _path, (_who, _url, _data) in AUDITED.items():
    CASES[_path] = lambda w, who=_who, url=_url, data=_data: _audited(
        w, getattr(w, who), url(w) if callable(url) else url, data)


def _form_routes() -> set[str]:
    return {route.path for router in domains.routers() for route in router.routes
            if isinstance(route, APIRoute) and "POST" in route.methods and not route.path.startswith("/api/")}


def test_every_form_route_has_a_case():
    assert _form_routes() - MOVED - set(CASES) == set(), "form routes without a reload case"
    assert set(CASES) <= _form_routes()


@pytest.mark.parametrize("path", sorted(CASES))
def test_a_form_post_redirects_and_a_reload_repeats_nothing(path, app, session, seeded, make_pupil, make_staff):
    world = World(app, session, seeded, make_pupil, make_staff)
    client, url, data, done_once = CASES[path](world)
    r = client.form(url, data, follow_redirects=False)
    assert r.status_code == 303, f"{path} answered {r.status_code}, not a redirect: {r.text[:300]}"
    page = client.get(r.headers["location"])  # what the browser shows, and reloads
    assert page.status_code in (200, 303)
    client.get(r.headers["location"])  # the reload: a GET again
    assert done_once(), f"{path}: the action did not happen exactly once"


@pytest.mark.browser
def test_reloading_after_forms_in_the_browser(browser, live_server, session, seeded, new_codes, make_staff):
    """A real reload after a comment, a flag and a code sheet: nothing is sent twice."""
    set_school(session, seeded.id, moderation_mode="post")
    raad = new_staff(session, seeded)
    statement = make_statement(session, raad)
    page = new_phone(browser, live_server, "320", javascript=False)
    try:
        page.goto(f"/c/{new_codes('3A')[0]}")
        page.get_by_role("button", name="Ja, dit is mijn code").click()
        page.goto(f"/reacties/statement/{statement.id}")
        page.fill("textarea[name=body]", "Goed idee, dan moeten we niet wachten")
        page.get_by_role("button", name="Versturen").click()
        page.wait_for_url(f"**/reacties/statement/{statement.id}")
        assert page.locator("text=Bedankt! Je tekst staat online.").is_visible()
        page.reload()
        assert _count(session, Comment) == 1 and page.locator("text=Bedankt! Je tekst staat online.").count() == 0
    finally:
        page.context.close()
    admin = new_phone(browser, live_server, "390")
    try:
        login_staff_in_browser(admin, make_staff("admin").staff.username)
        admin.wait_for_url("**/staff")
        admin.goto("/admin/codes")
        admin.fill("#count", "2")
        admin.click("text=Maak het blad")
        admin.wait_for_url("**/admin/codes/*")
        shown = admin.locator(".slip-code").all_inner_texts()
        before = _count(session, CodeSheet)
        admin.reload()  # the same sheet again, not a new one
        assert admin.locator(".slip-code").all_inner_texts() == shown and _count(session, CodeSheet) == before
    finally:
        admin.context.close()
