"""One moderation queue for every kind of pupil text: the kinds the domains declare, the queue
(urgent first, then oldest), and the decision with its audit entry.

The queue (`decide`) writes the audit entry for every decision, whatever the kind: a kind's
`decide` callable must not record one itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.i18n import _
from app.models import Staff
from app.services import audit, screening
from app.services.errors import Conflict, DomainError, NotFound
from app.services.moderation.intake import clean_text
from app.services.shared import N_


# Why a text was not published: stored key -> label the author and the council read.
REJECT_REASONS: dict[str, str] = {
    "person": N_("noemt of herkent een persoon"),
    "bullying": N_("kwetsend of pesten"),
    "language": N_("ongepaste taal"),
    "private": N_("te persoonlijk om hier te tonen"),
    "offtopic": N_("spam of niet over dit onderwerp"),
}


# The reject reason a moderator most likely wants, by verdict or by flag reason.
LIKELY_REASON = {"crisis": "private", "abuse": "private", "person": "person", "profanity": "language",
                 "bullying": "bullying", "personal": "person", "inappropriate": "language", "spam": "offtopic",
                 "danger": "private"}
# Flag reasons that put a comment in the queue at once, marked urgent: a pupil who reports
# bullying or danger must not wait for others to agree.
URGENT_FLAGS = ("bullying", "danger")


MAX_TEXT = 5000  # edited text of any kind; each kind checks its own, smaller limit


def reason_label(key: str) -> str:
    """The translated label of a reject reason key (for every kind's pages)."""
    return _(REJECT_REASONS[key]) if key in REJECT_REASONS else ""


@dataclass(frozen=True)
class QueueItem:
    kind: str
    id: int
    text: str
    urgent: bool
    verdict: str
    created_at: datetime
    url: str = ""  # where the item is seen in context, if anywhere
    context: str = ""  # e.g. the title of what a comment reacts to
    flag_reasons: tuple[str, ...] = ()  # FLAG_REASONS keys of the flags that hid it, if any
    hidden: bool = False  # published once, hidden after flags: waiting for a second look
    order: int = 0  # within the same hour: a comment's place in its thread (ids are random)


def suggested_reason(item: QueueItem) -> str:
    """Preselected in the queue's reject form: what the screening or the flags point at ("" for nothing)."""
    hints = [item.verdict, *item.flag_reasons]
    return next((LIKELY_REASON[h] for h in hints if h in LIKELY_REASON), "")


@dataclass(frozen=True)
class ModeratedKind:
    kind: str  # "comment", "statement", "proposal"
    label: str  # Dutch, for the queue
    # (session, school_id) -> items waiting for a decision
    pending: Callable[[Session, int], list[QueueItem]]
    # (session, staff, item_id, decision "approve"|"reject", reason, edited_text or None) -> None
    # `reason` is a REJECT_REASONS key (empty on approve); edited_text replaces QueueItem.text.
    # Raise a DomainError to refuse; do not write an audit entry (the queue does).
    decide: Callable[[Session, Staff, int, str, str, str | None], None]


# Every kind in the queue: filled by app.domains.wire(), from what each domain declares.
KINDS: dict[str, ModeratedKind] = {}


def register(kind: ModeratedKind) -> None:
    KINDS[kind.kind] = kind


def queue(session: Session, school_id: int) -> list[QueueItem]:
    """Everything waiting for the council, of every registered kind: urgent first, then
    "check" (the screener is unsure), then the rest; oldest first within each."""
    items = [item for kind in KINDS.values() for item in kind.pending(session, school_id)]
    return sorted(items, key=lambda i: (screening.queue_rank(i.verdict, i.urgent), i.created_at, i.kind, i.order, i.id))


def queue_item(session: Session, school_id: int, kind: str, item_id: int) -> QueueItem:
    moderated = KINDS.get(kind)
    if moderated is None:
        raise NotFound(_("Dit soort tekst kennen we niet."))
    for item in moderated.pending(session, school_id):
        if item.id == item_id:
            return item
    raise Conflict(_("Deze tekst wacht niet meer op een beslissing. Misschien besliste iemand anders al."))


def decide(session: Session, staff: Staff, kind: str, item_id: int, decision: str, reason: str = "",
           edited_text: str | None = None) -> QueueItem:
    """Approve or reject one waiting item, optionally with its text edited (to take out a name).

    Returns the item as it was. The decision and any edit are in the audit log; the log never
    holds the text itself, so it cannot repeat a name that was taken out.
    """
    if decision not in ("approve", "reject"):
        raise DomainError(_("Kies goedkeuren of afwijzen."))
    item = queue_item(session, staff.school_id, kind, item_id)
    if decision == "reject":
        if reason not in REJECT_REASONS:
            raise DomainError(_("Kies waarom je deze tekst afwijst."))
        edited_text = None
    else:
        reason = ""
    if edited_text is not None:
        edited_text = clean_text(edited_text)
        if not edited_text:
            raise DomainError(_("De aangepaste tekst is leeg. Wil je de tekst niet tonen? Wijs hem dan af."))
        if len(edited_text) > MAX_TEXT:
            raise DomainError(_("De aangepaste tekst is te lang."))
        if edited_text == clean_text(item.text):
            edited_text = None
    KINDS[kind].decide(session, staff, item_id, decision, reason, edited_text)
    detail = f"verdict={item.verdict}" + (", dringend" if item.urgent else "")
    if item.hidden:
        detail += f", meldingen={len(item.flag_reasons)}"
    if reason:
        detail += f", reden={reason}"
    audit.record(session, staff, f"moderation.{decision}", kind, item_id, detail)
    if edited_text is not None:
        audit.record(session, staff, "moderation.edit", kind, item_id,
                     f"tekst aangepast: {len(item.text)} -> {len(edited_text)} tekens")
    return item

