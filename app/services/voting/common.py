"""What every part of voting shares: the kinds, answers and limits, the item clock (open,
closed), and loading an item or a poll's options."""

import re
import unicodedata
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.db import lock_item
from app.i18n import _
from app.models import Poll, PollOption, School, Statement
from app.services.errors import NotFound
from app.services.school import k_of  # noqa: F401  (one rule for every domain)
from app.services.shared import N_
from app.timeutil import utcnow


STATEMENT, POLL = "statement", "poll"
MODELS: dict[str, type[Statement] | type[Poll]] = {STATEMENT: Statement, POLL: Poll}
KIND_IDS = {STATEMENT: 1, POLL: 2}  # item lock keys (app.db.lock_item)
ANSWERS = ("agree", "disagree", "pass")
ANSWER_LABELS = {"agree": N_("Eens"), "disagree": N_("Oneens"), "pass": N_("Geen mening")}
VOTERS = "*"  # the tally row counting participants, whatever they chose
POLL_KINDS = {"single": N_("Eén antwoord"), "multiple": N_("Meerdere antwoorden"), "scale": N_("Schaal van 1 tot 5")}
SCALE = ("1", "2", "3", "4", "5")
RESULTS_WHEN = {"after_vote": N_("Meteen na het stemmen"), "after_close": N_("Pas na het sluiten")}
WHOLE_SCHOOL = "school"
TEXT_MAX = 280
OPTION_MAX = 120
SCALE_LABEL_MAX = 60
MIN_OPTIONS, MAX_OPTIONS = 2, 10
PUPIL_STATEMENT_DAYS = 14
MAX_OPEN_DAYS = 366
LIST_LIMIT = 30
JOIN_CODE_LENGTH = 6
SUPPRESSED = N_("te weinig antwoorden")

# Built once: every pupil's item page and vote runs these.
_ITEM = {kind: select(model).where(model.id == bindparam("item_id"), model.school_id == bindparam("school_id"))
         for kind, model in MODELS.items()}
_OPTIONS = select(PollOption).where(PollOption.poll_id == bindparam("poll_id")).order_by(PollOption.position)


def text_key(text: str) -> str:
    """Case, accents, spacing and punctuation do not make a statement new."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain))[:TEXT_MAX]


def is_open(item: Statement | Poll, now: datetime | None = None) -> bool:
    now = now or utcnow()
    published = getattr(item, "status", "published") == "published"
    return published and not item.erased and item.opens_at <= now < item.closes_at


def is_closed(item: Statement | Poll, now: datetime | None = None) -> bool:
    return item.erased or item.closes_at <= (now or utcnow())


def not_found(kind: str) -> NotFound:
    return NotFound(_("Deze stelling bestaat niet.") if kind == STATEMENT else _("Deze peiling bestaat niet."))


def answer_keys(kind: str, item: Statement | Poll, options: list[PollOption]) -> list[tuple[str, str]]:
    """(tally answer, label) for every answer an item can get, in display order."""
    if kind == STATEMENT:
        return [(a, _(ANSWER_LABELS[a])) for a in ANSWERS]
    if item.kind == "scale":
        ends = {"1": item.scale_low, "5": item.scale_high}
        return [(v, f"{v} ({ends[v]})" if ends.get(v) else v) for v in SCALE]
    return [(str(o.id), o.label) for o in options]


def load_item(session: Session, school_id: int, kind: str, item_id: int, lock: bool = False) -> Statement | Poll:
    if lock:  # shared: votes run side by side, closing waits for those in flight only
        lock_item(session, KIND_IDS[kind], item_id, shared=True)
    item = session.exec(_ITEM[kind], params={"item_id": item_id, "school_id": school_id}).first()
    if item is None or getattr(item, "status", "published") != "published":
        raise not_found(kind)
    return item


def poll_options(session: Session, poll_id: int) -> list[PollOption]:
    return list(session.exec(_OPTIONS, params={"poll_id": poll_id}))


def load_staff_item(session: Session, school_id: int, kind: str, item_id: int) -> Statement | Poll:
    if kind not in MODELS:
        raise NotFound(_("Deze pagina bestaat niet."))
    return load_item(session, school_id, kind, item_id)

