"""Live classroom sessions: staff show an open item on the projector with a short join code;
pupils who scan it get the live question on their phone, and the next one when staff push it
from the projector or their own phone; the projector reads the results afresh on every
refresh. Results come from the tallies only, so they show in steps of k as everywhere."""

import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from app.i18n import _
from app.models import LiveSession, Poll, School, Staff, Statement
from app.services import anonymity, audit
from app.services.access import Participant
from app.services.errors import Conflict, NotFound
from app.services.voting.common import (JOIN_CODE_LENGTH, LIST_LIMIT, MODELS, STATEMENT, is_open, load_item,
                                        load_staff_item)
from app.services.voting.items import close_due
from app.services.voting.views import StaffView, staff_view
from app.timeutil import utcnow


def normalise_join_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch in anonymity.ALPHABET)[:JOIN_CODE_LENGTH]


def start_live(session: Session, staff: Staff, kind: str, item_id: int) -> LiveSession:
    close_due(session, staff.school_id)
    item = load_staff_item(session, staff.school_id, kind, item_id)
    if not is_open(item):
        raise Conflict(_("Alleen iets wat nu open is, kan je live tonen."))
    for _attempt in range(10):
        code = "".join(secrets.choice(anonymity.ALPHABET) for _i in range(JOIN_CODE_LENGTH))
        if session.exec(select(LiveSession.id).where(LiveSession.join_code == code)).first() is None:
            break
    live = LiveSession(school_id=staff.school_id, item_kind=kind, item_id=item.id, join_code=code,
                       started_at=utcnow(), started_by=staff.id)
    session.add(live)
    session.flush()
    audit.record(session, staff, "live.start", kind, item.id, code)
    return live


def _live(session: Session, school_id: int, code: str) -> LiveSession:
    live = session.exec(select(LiveSession).where(LiveSession.join_code == normalise_join_code(code),
                                                  LiveSession.school_id == school_id)).first()
    if live is None:
        raise NotFound(_("Deze code van de les kennen we niet. Kijk nog eens op het bord."))
    return live


@dataclass
class LiveView:
    live: LiveSession
    view: StaffView

    @property
    def ended(self) -> bool:
        return self.live.ended_at is not None or not self.view.is_open


def live_view(session: Session, school: School, code: str) -> LiveView:
    """The projector: the item and its results, read from the database on every refresh."""
    close_due(session, school.id)
    live = _live(session, school.id, code)
    return LiveView(live, staff_view(session, school, live.item_kind, live.item_id))


def end_live(session: Session, staff: Staff, code: str) -> LiveSession:
    live = _live(session, staff.school_id, code)
    if live.ended_at is None:
        live.ended_at = utcnow()
        session.add(live)
        audit.record(session, staff, "live.end", live.item_kind, live.item_id, live.join_code)
    return live


def push_live(session: Session, staff: Staff, code: str, kind: str, item_id: int) -> LiveSession:
    """Show another open item in a running session: the projector and the pupils' phones follow."""
    live = _live(session, staff.school_id, code)
    if live.ended_at is not None:
        raise Conflict(_("Deze live-sessie is al gestopt. Start een nieuwe."))
    close_due(session, staff.school_id)
    item = load_staff_item(session, staff.school_id, kind, item_id)
    if not is_open(item):
        raise Conflict(_("Alleen iets wat nu open is, kan je live tonen."))
    if (live.item_kind, live.item_id) != (kind, item.id):
        live.item_kind, live.item_id = kind, item.id
        session.add(live)
        audit.record(session, staff, "live.next", kind, item.id, live.join_code)
    return live


def live_item(session: Session, participant: Participant, code: str) -> tuple[str, int]:
    """The item a pupil who scanned the live QR code answers now: (kind, id)."""
    close_due(session, participant.school_id)
    live = _live(session, participant.school_id, code)
    item = load_item(session, participant.school_id, live.item_kind, live.item_id)
    if live.ended_at is not None or not is_open(item):
        raise Conflict(_("Deze les-stemming is afgelopen."))
    return live.item_kind, live.item_id


def running(session: Session, school_id: int) -> list[LiveSession]:
    """Sessions not stopped yet, newest first: for the remote control on a teacher's phone."""
    return list(session.exec(select(LiveSession).where(
        LiveSession.school_id == school_id, LiveSession.ended_at == None)  # noqa: E711
        .order_by(LiveSession.id.desc()).limit(LIST_LIMIT)))


def item_url(kind: str, item_id: int) -> str:
    return f"/stellingen/{item_id}" if kind == STATEMENT else f"/peilingen/{item_id}"


def live_choices(session: Session, school_id: int) -> list[tuple[str, Statement | Poll]]:
    """Open items staff can show live, newest first."""
    close_due(session, school_id)
    now = utcnow()
    found = []
    for kind, model in MODELS.items():
        query = select(model).where(model.school_id == school_id, model.erased == False,  # noqa: E712
                                    model.opens_at <= now, model.closes_at > now)
        if kind == STATEMENT:
            query = query.where(Statement.status == "published")
        found += [(kind, item) for item in session.exec(query.order_by(model.id.desc()).limit(LIST_LIMIT))]
    return found

