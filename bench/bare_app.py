"""The baseline of bench/break.py: the pupil's break as a bare Starlette app.

No FastAPI, no templates, no middleware: only the database work of each step, with SQLAlchemy
Core on the app's own tables and engine settings (`app.db.make_engine`: WAL, BEGIN IMMEDIATE),
returning tiny HTML. It answers the same URLs and form fields as the real app, so one load
generator drives both. The vote mirrors `app.services.voting._cast` / `_bump` statement by
statement (pending ballot, counting in steps of k); the join pays the same argon2id derivation. Like FastAPI's sync routes, the database work runs in the thread pool.

    uvicorn --app-dir bench bare_app:create_app --factory   (with INSPRAAK_DATABASE_URL, INSPRAAK_SECRET_KEY)
"""

import os
import secrets
from collections import Counter, defaultdict

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from app.db import make_engine
from app.models import (CodeSheet, Group, HasVoted, ParticipationCode, PendingBallot, Poll, PollOption, School,
                        Statement, VoteAudience, VoteTally)
from app.services import anonymity
from app.timeutil import utcnow

CODE, SHEET, GROUP = ParticipationCode.__table__, CodeSheet.__table__, Group.__table__
POLL, OPTION, STATEMENT = Poll.__table__, PollOption.__table__, Statement.__table__
AUDIENCE, TALLY, VOTED = VoteAudience.__table__, VoteTally.__table__, HasVoted.__table__
PENDING, SCHOOL = PendingBallot.__table__, School.__table__
ITEMS = {"poll": POLL, "statement": STATEMENT}
COOKIE = "bare_p"

engine = make_engine(os.environ["INSPRAAK_DATABASE_URL"])
KEY = os.environ["INSPRAAK_SECRET_KEY"].encode()
BALLOT_KEY = anonymity.ballot_key(KEY)


def html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><title>bare</title><p>{text}</p>", status)


class Pupil:
    """What the cookie holds: participant secret, school, group and the group's grade."""

    def __init__(self, raw: str) -> None:
        secret, school, group, parent = raw.split(".")
        self.secret, self.school, self.group = bytes.fromhex(secret), int(school), int(group)
        self.chain = [self.group, int(parent)] if parent else [self.group]

    def pseudonym(self, kind: str, item_id: int) -> str:
        return anonymity.pseudonym(self.secret, kind, item_id)


def pupil_of(request) -> Pupil | None:
    raw = request.cookies.get(COOKIE)
    return Pupil(raw) if raw else None


# --- the database work of each step -------------------------------------------------------

def join_work(raw_code: str) -> str | None:
    """One argon2id derivation, then the lookup of the code, with its sheet (revoked?) and group (its grade)."""
    code = anonymity.normalise_code(raw_code)
    if code is None:
        return None
    keys = anonymity.derive(KEY, code)
    with engine.begin() as conn:
        row = conn.execute(
            select(CODE.c.school_id, CODE.c.group_id, GROUP.c.parent_id, SHEET.c.revoked_at)
            .join(SHEET, SHEET.c.id == CODE.c.sheet_id).join(GROUP, GROUP.c.id == CODE.c.group_id)
            .where(CODE.c.lookup == keys.lookup)).first()
    if row is None or row.revoked_at is not None:
        return None
    return f"{keys.secret.hex()}.{row.school_id}.{row.group_id}.{row.parent_id or ''}"


def home_work(pupil: Pupil) -> list[str]:
    """Open polls and statements for the pupil's group, and which of them the pupil answered."""
    now, lines = utcnow(), []
    with engine.begin() as conn:
        for kind, item in ITEMS.items():
            for_group = select(AUDIENCE.c.item_id).where(AUDIENCE.c.item_kind == kind,
                                                         AUDIENCE.c.group_id.in_(pupil.chain))
            query = select(item).where(item.c.school_id == pupil.school, item.c.erased == False,  # noqa: E712
                                       item.c.opens_at <= now, item.c.closes_at > now,
                                       or_(item.c.whole_school == True, item.c.id.in_(for_group)))  # noqa: E712
            if kind == "statement":
                query = query.where(item.c.status == "published")
            items = conn.execute(query.order_by(item.c.opens_at.desc(), item.c.id.desc()).limit(30)).all()
            by_pseudonym = {pupil.pseudonym(kind, i.id): i.id for i in items}
            voted = {}
            for row in conn.execute(select(VOTED).where(VOTED.c.pseudonym.in_(list(by_pseudonym)))):
                voted[row.item_id] = anonymity.unseal(pupil.secret, kind, row.item_id, row.sealed)["a"]
            lines += [f"{kind} {i.id}: {voted.get(i.id, '-')}" for i in items]
    return lines


def _open_poll(conn, pupil: Pupil, poll_id: int):
    poll = conn.execute(select(POLL).where(POLL.c.id == poll_id, POLL.c.school_id == pupil.school)).first()
    options = conn.execute(select(OPTION).where(OPTION.c.poll_id == poll_id).order_by(OPTION.c.position)).all()
    return poll, options


def _voted_row(conn, pupil: Pupil, poll_id: int):
    return conn.execute(select(VOTED).where(VOTED.c.item_kind == "poll", VOTED.c.item_id == poll_id,
                                            VOTED.c.pseudonym == pupil.pseudonym("poll", poll_id))).first()


def _tallies(conn, poll_id: int) -> Counter:
    counts: Counter = Counter()
    for answer, count in conn.execute(select(TALLY.c.answer, TALLY.c.count).where(
            TALLY.c.item_kind == "poll", TALLY.c.item_id == poll_id)):
        counts[answer] += count
    return counts


def poll_work(pupil: Pupil, poll_id: int) -> str | None:
    """The poll page: poll, options, the pupil's own sealed choice and, once voted, the tallies."""
    with engine.begin() as conn:
        poll, options = _open_poll(conn, pupil, poll_id)
        if poll is None:
            return None
        row = _voted_row(conn, pupil, poll_id)
        mine = anonymity.unseal(pupil.secret, "poll", poll_id, row.sealed)["a"] if row else None
        counts = _tallies(conn, poll_id) if mine else {}
    return f"{poll.question} {[o.label for o in options]} mine={mine} {dict(counts)}"


def _bump(conn, school_id: int, poll_id: int, answer: str, group_id: int, by: int) -> None:
    """`tally._bump`: add to a tally row in SQL; make it when it does not exist yet."""
    change = update(TALLY).where(TALLY.c.item_kind == "poll", TALLY.c.item_id == poll_id, TALLY.c.answer == answer,
                                 TALLY.c.group_id == group_id, TALLY.c.count + by >= 0).values(count=TALLY.c.count + by)
    if conn.execute(change).rowcount or by < 0:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(TALLY).values(school_id=school_id, item_kind="poll", item_id=poll_id, answer=answer,
                                              group_id=group_id, count=by))
    except IntegrityError:
        conn.execute(change)


def _count_ready(conn, school_id: int, poll_id: int, k: int) -> None:
    """`tally.count_ready`: once k ballots wait, count each group that has k first votes."""
    waiting = conn.execute(select(func.count()).select_from(PENDING).where(
        PENDING.c.item_kind == "poll", PENDING.c.item_id == poll_id)).scalar_one()
    if waiting < k:
        return
    if conn.dialect.name == "postgresql":  # `tally._lock_item`: one counter per item at a time
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('poll'), :i)"), {"i": poll_id})
    by_group: dict[int, list] = defaultdict(list)
    for ballot_id, sealed in conn.execute(select(PENDING.c.id, PENDING.c.sealed).where(
            PENDING.c.item_kind == "poll", PENDING.c.item_id == poll_id)):
        ballot = anonymity.unseal_ballot(BALLOT_KEY, "poll", poll_id, sealed)
        by_group[int(ballot["g"])].append((ballot_id, ballot["d"]))
    counted, total = [], Counter()
    for group_id, ballots in by_group.items():
        if sum(1 for _id, changes in ballots if changes.get("*") == 1) >= k:
            for ballot_id, changes in ballots:
                counted.append(ballot_id)
                for answer, by in changes.items():
                    total[(answer, group_id)] += by
    for (answer, group_id), by in sorted(total.items()):
        if by:
            _bump(conn, school_id, poll_id, answer, group_id, by)
    if counted:
        conn.execute(delete(PENDING).where(PENDING.c.id.in_(counted)))


def vote_work(pupil: Pupil, poll_id: int, chosen: set[int]) -> str | None:
    """`voting._vote` + `ballot_box.cast`: check the poll and the choice, then the ballot box
    (has-voted row, a pending ballot, counting in steps of k)."""
    with engine.begin() as conn:
        poll, options = _open_poll(conn, pupil, poll_id)
        now = utcnow()
        if (poll is None or poll.erased or not poll.opens_at <= now < poll.closes_at or not chosen
                or not chosen <= {o.id for o in options} or len(chosen) > poll.max_choices):
            return None
        answers = sorted(str(i) for i in chosen)
        sealed = anonymity.seal(pupil.secret, "poll", poll_id, {"a": answers})
        row = _voted_row(conn, pupil, poll_id)
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(VOTED).values(school_id=pupil.school, item_kind="poll", item_id=poll_id,
                                                      pseudonym=pupil.pseudonym("poll", poll_id), sealed=sealed))
            except IntegrityError:
                return None
        delta: Counter = Counter()
        if row is None:
            delta["*"] += 1
        else:
            for answer in anonymity.unseal(pupil.secret, "poll", poll_id, row.sealed)["a"]:
                delta[answer] -= 1
            conn.execute(update(VOTED).where(VOTED.c.item_kind == "poll", VOTED.c.item_id == poll_id,
                                             VOTED.c.pseudonym == row.pseudonym).values(sealed=sealed))
        for answer in answers:
            delta[answer] += 1
        changes = {answer: by for answer, by in delta.items() if by}
        if changes:
            conn.execute(insert(PENDING).values(
                id=secrets.token_hex(16), school_id=pupil.school, item_kind="poll", item_id=poll_id,
                sealed=anonymity.seal_ballot(BALLOT_KEY, "poll", poll_id, {"g": pupil.group, "d": changes})))
        if row is None:
            k = conn.execute(select(SCHOOL.c.k_anonymity).where(SCHOOL.c.id == pupil.school)).scalar_one()
            _count_ready(conn, pupil.school, poll_id, max(3, k))
        counts = _tallies(conn, poll_id)
    return f"Bedankt! {dict(counts)}"


# --- HTTP: the same URLs and fields as the real app ---------------------------------------

async def start(request):
    response = html("Inspraak")
    response.set_cookie("inspraak_csrf", secrets.token_urlsafe(24), httponly=True, samesite="lax")
    return response


async def join(request):
    form = await request.form()
    cookie = await run_in_threadpool(join_work, str(form.get("code", "")))
    if cookie is None:
        return html("Deze code klopt niet.", 400)
    response = RedirectResponse("/overzicht", 303)
    response.set_cookie(COOKIE, cookie, httponly=True, samesite="lax")
    return response


async def home(request):
    pupil = pupil_of(request)
    if pupil is None:
        return RedirectResponse("/", 303)
    return html("<br>".join(await run_in_threadpool(home_work, pupil)))


async def poll_page(request):
    pupil = pupil_of(request)
    if pupil is None:
        return RedirectResponse("/", 303)
    text = await run_in_threadpool(poll_work, pupil, request.path_params["poll_id"])
    return html(text) if text else html("Deze peiling bestaat niet.", 404)


async def vote(request):
    pupil = pupil_of(request)
    if pupil is None:
        return RedirectResponse("/", 303)
    form = await request.form()
    chosen = {int(v) for v in form.getlist("option_ids") if str(v).isdigit()}
    text = await run_in_threadpool(vote_work, pupil, request.path_params["poll_id"], chosen)
    return html(text) if text else html("Kies een antwoord uit de lijst.", 400)


def create_app() -> Starlette:
    return Starlette(routes=[
        Route("/", start), Route("/aanmelden", join, methods=["POST"]), Route("/overzicht", home),
        Route("/peilingen/{poll_id:int}", poll_page), Route("/peilingen/{poll_id:int}/stem", vote, methods=["POST"]),
    ])
