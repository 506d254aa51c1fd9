"""What every part of voting shares: the kinds, answers and limits, the item clock (open,
closed), reading Belgian times from forms, and loading an item or a poll's options."""

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.i18n import _
from app.models import Poll, PollOption, School, Statement
from app.security import bounds
from app.services.errors import DomainError, NotFound
from app.timeutil import utcnow


def N_(message: str) -> str:
    """Mark for translation; translated when shown."""
    return message


STATEMENT, POLL = "statement", "poll"
MODELS: dict[str, type[Statement] | type[Poll]] = {STATEMENT: Statement, POLL: Poll}
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
LOCAL_TZ = ZoneInfo("Europe/Brussels")  # what staff type in a datetime-local field
SUPPRESSED = N_("te weinig antwoorden")


def k_of(school: School) -> int:
    return max(3, school.k_anonymity)


def text_key(text: str) -> str:
    """Case, accents, spacing and punctuation do not make a statement new."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain))[:TEXT_MAX]


def clean_line(text: str | None) -> str:
    return " ".join((text or "").split())


def parse_local(value: str | None) -> datetime | None:
    """A datetime-local field ("2026-03-01T08:30"), read as Belgian time, as aware UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Deze datum en dit uur kloppen niet: {value}.").format(value=value[:20])) from None
    bounds.sane_date(parsed)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(ZoneInfo("UTC"))


def local_input(value: datetime) -> str:
    """The value a datetime-local field shows for an aware datetime."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def local_text(value: datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


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
    model = MODELS[kind]
    query = select(model).where(model.id == item_id, model.school_id == school_id)
    if lock:  # shared: votes run side by side, closing (an UPDATE) waits for them
        query = query.with_for_update(read=True)
    item = session.exec(query).first()
    if item is None or getattr(item, "status", "published") != "published":
        raise not_found(kind)
    return item


def poll_options(session: Session, poll_id: int) -> list[PollOption]:
    return list(session.exec(select(PollOption).where(PollOption.poll_id == poll_id).order_by(PollOption.position)))


def load_staff_item(session: Session, school_id: int, kind: str, item_id: int) -> Statement | Poll:
    if kind not in MODELS:
        raise NotFound(_("Deze pagina bestaat niet."))
    return load_item(session, school_id, kind, item_id)

