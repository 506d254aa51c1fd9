"""Moderation of pupil free text (comments, statements, proposals): screening on entry,
one queue for all kinds, and the decisions that go with it. Also comments and flags.

Each domain that stores pupil text registers a ModeratedKind, so the council works through
one queue, urgent first, then oldest first. The queue (`decide`) writes the audit entry for
every decision, whatever the kind: a registered `decide` callable must not record one itself.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from app.i18n import _
from app.models import Comment, ContentFlag, School, ScreeningName, Staff
from app.models.moderation import COMMENT_MAX
from app.services import anonymity, audit, screening
from app.services.errors import Conflict, DomainError, NotFound, TooMany

URGENT_VERDICTS = ("crisis", "abuse")


def N_(message: str) -> str:
    """Mark for translation; translated when shown."""
    return message


# Why a text was not published: stored key -> label the author and the council read.
REJECT_REASONS: dict[str, str] = {
    "person": N_("noemt of herkent een persoon"),
    "bullying": N_("kwetsend of pesten"),
    "language": N_("ongepaste taal"),
    "private": N_("te persoonlijk om hier te tonen"),
    "offtopic": N_("spam of niet over dit onderwerp"),
}
FLAG_REASONS: dict[str, str] = {
    "bullying": N_("pesten"),
    "personal": N_("persoonlijke info"),
    "inappropriate": N_("ongepast"),
    "spam": N_("spam of reclame"),
}
VERDICT_LABELS: dict[str, str] = {
    "crisis": N_("crisis"),
    "abuse": N_("geweld of misbruik"),
    "check": N_("nakijken"),
    "person": N_("naam of persoon"),
    "profanity": N_("scheldwoord"),
    "ok": N_("niets gevonden"),
}
# What the author of a comment reads about its state.
STATUS_LABELS: dict[str, str] = {
    "pending": N_("wacht op goedkeuring"),
    "published": N_("gepubliceerd"),
    "rejected": N_("niet gepubliceerd"),
    "hidden": N_("tijdelijk verborgen: de leerlingenraad kijkt ernaar"),
}
# The reject reason a moderator most likely wants, by verdict or by flag reason.
LIKELY_REASON = {"crisis": "private", "abuse": "private", "person": "person", "profanity": "language",
                 "bullying": "bullying", "personal": "person", "inappropriate": "language", "spam": "offtopic"}
MODES = ("pre", "post")
MAX_THRESHOLD = 50
MAX_NAMES = 500
MAX_TEXT = 5000  # edited text of any kind; each kind checks its own, smaller limit


def reason_label(key: str) -> str:
    """The translated label of a reject reason key (for every kind's pages)."""
    return _(REJECT_REASONS[key]) if key in REJECT_REASONS else ""


@dataclass(frozen=True)
class Screened:
    """What happens to a new text: its first state, whether it is urgent, and why."""

    status: str  # "pending" or "published"
    urgent: bool
    verdict: str  # crisis | abuse | person | profanity | ok
    matched: list[str] = field(default_factory=list)

    @property
    def needs_help(self) -> bool:
        """Show the pupil the help lines at once, kindly (never a rejection)."""
        return self.verdict in URGENT_VERDICTS


def school_names(session: Session, school_id: int) -> list[str]:
    """The school-maintained list of names that hold a text for review."""
    return list(session.exec(
        select(ScreeningName.name).where(ScreeningName.school_id == school_id).order_by(ScreeningName.name)))


def screen_new_text(session: Session, school: School, *texts: str) -> Screened:
    """Screen a pupil's new text. Anything not 'ok' waits for a moderator; so does
    everything under pre-moderation (the default)."""
    verdict = screening.screen("\n".join(t for t in texts if t), names=school_names(session, school.id))
    held = verdict.verdict != "ok" or school.moderation_mode == "pre"
    return Screened(status="pending" if held else "published", urgent=verdict.verdict in URGENT_VERDICTS,
                    verdict=verdict.verdict, matched=list(verdict.matched))


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


KINDS: dict[str, ModeratedKind] = {}


def register(kind: ModeratedKind) -> None:
    KINDS[kind.kind] = kind


# Items pupils can comment on: kind -> (session, school_id, item_id) -> the item's title,
# or None when it does not exist (or is not public). Registered by the voting and proposal domains.
COMMENT_TARGETS: dict[str, Callable[[Session, int, int], str | None]] = {}
# Optional: kind -> URL of the item's own page, with "{id}", for a link back from the comments.
COMMENT_TARGET_URLS: dict[str, str] = {}

# One budget for all free text a participant writes (comments, statements, proposals).
POST_LIMIT, POST_WINDOW = 5, 600


def allow_post(limiter, participant) -> bool:
    """Count one text against the participant's budget; False when it is used up.

    The counter is keyed by a pseudonym, lives in memory or Redis for ten minutes, never in the database.
    """
    return limiter.hit("post", participant.pseudonym("post-budget", 0), POST_LIMIT, POST_WINDOW)


class PostingLimit(TooMany):
    """The posting budget is used up. Carries the screening of the refused text, so a pupil
    in distress still sees the help lines even when nothing could be stored."""

    def __init__(self, screened: Screened) -> None:
        super().__init__(_("Je hebt veel na elkaar geschreven. Wacht tien minuten en probeer dan opnieuw."))
        self.screened = screened


def clean_text(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


# --- the queue ---------------------------------------------------------------------

def queue(session: Session, school_id: int) -> list[QueueItem]:
    """Everything waiting for the council, of every registered kind: urgent first, then
    "check" (the screener is unsure), then the rest; oldest first within each."""
    items = [item for kind in KINDS.values() for item in kind.pending(session, school_id)]
    return sorted(items, key=lambda i: (screening.queue_rank(i.verdict, i.urgent), i.created_at, i.kind, i.id))


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


# --- school settings and the name list ---------------------------------------------

def update_settings(session: Session, staff: Staff, mode: str, threshold: int) -> School:
    school = session.get(School, staff.school_id)
    if mode not in MODES:
        raise DomainError(_("Kies vooraf of achteraf modereren."))
    if not 1 <= threshold <= MAX_THRESHOLD:
        raise DomainError(_("Kies een aantal meldingen tussen 1 en {max}.").format(max=MAX_THRESHOLD))
    school.moderation_mode = mode
    school.flag_hide_threshold = threshold
    session.add(school)
    # A lower threshold applies at once to comments that already have that many flags.
    session.exec(update(Comment).where(Comment.school_id == school.id, Comment.status == "published",
                                       Comment.flag_count >= threshold).values(status="hidden"))
    audit.record(session, staff, "moderation.settings", "school", school.id, f"mode={mode}, drempel={threshold}")
    return school


def set_school_names(session: Session, staff: Staff, text: str) -> list[str]:
    """Replace the name list with one name per line. The audit log keeps only the count."""
    names: dict[str, str] = {}
    for line in (text or "").splitlines():
        name = " ".join(line.split())
        if not name:
            continue
        if len(name) < 2 or len(name) > 80:
            raise DomainError(_("Een naam heeft 2 tot 80 tekens: '{name}'.").format(name=name[:80]))
        names.setdefault(name.casefold(), name)
    if len(names) > MAX_NAMES:
        raise DomainError(_("Hoogstens {max} namen.").format(max=MAX_NAMES))
    session.exec(delete(ScreeningName).where(ScreeningName.school_id == staff.school_id))
    session.flush()
    for name in names.values():
        session.add(ScreeningName(school_id=staff.school_id, name=name))
    session.flush()
    audit.record(session, staff, "moderation.names", "school", staff.school_id, f"{len(names)} namen")
    return school_names(session, staff.school_id)


# --- comments ----------------------------------------------------------------------

def target_title(session: Session, school_id: int, kind: str, target_id: int) -> str:
    lookup = COMMENT_TARGETS.get(kind)
    if lookup is None:
        raise NotFound(_("Hier kan je niet reageren."))
    title = lookup(session, school_id, target_id)
    if title is None:
        raise NotFound(_("Dit onderwerp bestaat niet (meer)."))
    return title


def is_author(participant, comment: Comment) -> bool:
    """Only the holder of the participant secret can recompute the author tag."""
    return participant is not None and participant.pseudonym("comment-author", comment.author_nonce) == comment.author_tag


@dataclass
class CommentView:
    comment: Comment
    mine: bool
    replies: list["CommentView"] = field(default_factory=list)

    @property
    def state(self) -> str:
        return _(STATUS_LABELS.get(self.comment.status, ""))

    @property
    def reason(self) -> str:
        return reason_label(self.comment.reject_reason)


@dataclass(frozen=True)
class Thread:
    kind: str
    target_id: int
    title: str
    comments: list[CommentView]  # visible top-level comments, each with its visible replies
    orphans: list[CommentView]  # the reader's own replies to a comment that is no longer shown
    url: str = ""  # the item's own page, when its domain registered one

    @property
    def count(self) -> int:
        """Published comments and replies: what every reader sees."""
        views = [v for c in self.comments for v in (c, *c.replies)]
        return sum(v.comment.status == "published" for v in views)


def thread(session: Session, school_id: int, kind: str, target_id: int, participant=None) -> Thread:
    """The comments a reader may see: published ones, plus the reader's own in any state."""
    title = target_title(session, school_id, kind, target_id)
    rows = session.exec(select(Comment).where(
        Comment.school_id == school_id, Comment.target_kind == kind, Comment.target_id == target_id
    ).order_by(Comment.id)).all()
    views = {c.id: CommentView(c, is_author(participant, c)) for c in rows}
    shown = {i: v for i, v in views.items() if v.mine or v.comment.status == "published"}
    top, orphans = [], []
    for view in shown.values():
        parent_id = view.comment.parent_id
        if parent_id is None:
            top.append(view)
        elif parent_id in shown:
            shown[parent_id].replies.append(view)
        elif view.mine:
            orphans.append(view)
    url = COMMENT_TARGET_URLS.get(kind, "").format(id=target_id)
    return Thread(kind, target_id, title, top, orphans, url)


def published_count(session: Session, school_id: int, kind: str, target_id: int) -> int:
    """For other domains' item pages: how many comments anyone can read."""
    return session.exec(select(func.count()).select_from(Comment).where(
        Comment.school_id == school_id, Comment.target_kind == kind, Comment.target_id == target_id,
        Comment.status == "published")).one()


def _reply_parent(session: Session, school_id: int, kind: str, target_id: int, parent_id: int) -> int:
    """Replies are one level deep: a reply to a reply is attached to the top-level comment."""
    gone = NotFound(_("De reactie waarop je antwoordt, bestaat niet (meer)."))
    for _depth in range(2):
        parent = session.get(Comment, parent_id)
        if (parent is None or parent.school_id != school_id or parent.target_kind != kind
                or parent.target_id != target_id or parent.status != "published"):
            raise gone
        if parent.parent_id is None:
            return parent.id
        parent_id = parent.parent_id
    raise gone


def post_comment(session: Session, limiter, participant, kind: str, target_id: int, body: str,
                 parent_id: int | None = None) -> tuple[Comment, Screened]:
    """A pupil's new comment or reply, screened and counted against the posting budget."""
    school = session.get(School, participant.school_id)
    target_title(session, school.id, kind, target_id)
    body = clean_text(body)
    if not body:
        raise DomainError(_("Schrijf eerst je reactie."))
    if len(body) > COMMENT_MAX:
        raise DomainError(_("Je reactie is te lang: hoogstens {max} tekens, nu {n}.").format(
            max=COMMENT_MAX, n=len(body)))
    if parent_id is not None:
        parent_id = _reply_parent(session, school.id, kind, target_id, parent_id)
    screened = screen_new_text(session, school, body)
    if not allow_post(limiter, participant):
        raise PostingLimit(screened)
    nonce = secrets.token_hex(16)
    comment = Comment(school_id=school.id, target_kind=kind, target_id=target_id, parent_id=parent_id, body=body,
                      status=screened.status, urgent=screened.urgent, verdict=screened.verdict,
                      author_nonce=nonce, author_tag=participant.pseudonym("comment-author", nonce))
    session.add(comment)
    session.flush()
    return comment, screened


def get_comment(session: Session, school_id: int, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.school_id != school_id:
        raise NotFound(_("Deze reactie bestaat niet (meer)."))
    return comment


# --- flags (generic: any kind of item could be flagged the same way) ---------------

def add_flag(session: Session, school_id: int, participant, kind: str, item_id: int, reason: str) -> None:
    """One flag per participant per item, by a pseudonym that holds only for this item."""
    if reason not in FLAG_REASONS:
        raise DomainError(_("Kies waarom je dit meldt."))
    pseudonym = participant.pseudonym("flag", f"{kind}:{item_id}")
    already = Conflict(_("Je hebt dit al gemeld. Bedankt!"))
    if session.exec(select(ContentFlag.id).where(ContentFlag.target_kind == kind, ContentFlag.target_id == item_id,
                                                 ContentFlag.pseudonym == pseudonym)).first():
        raise already
    try:
        with session.begin_nested():  # a double click racing itself: the unique constraint decides
            session.add(ContentFlag(school_id=school_id, target_kind=kind, target_id=item_id, pseudonym=pseudonym,
                                    reason=reason))
    except IntegrityError:
        raise already from None


def flag_comment(session: Session, participant, comment_id: int, reason: str) -> Comment:
    """Flag a published comment; at the school's threshold it is hidden until a moderator looks."""
    school = session.get(School, participant.school_id)
    comment = get_comment(session, school.id, comment_id)
    if comment.status != "published":
        raise NotFound(_("Deze reactie bestaat niet (meer)."))
    if is_author(participant, comment):
        raise DomainError(_("Je kan je eigen reactie niet melden."))
    add_flag(session, school.id, participant, "comment", comment.id, reason)
    # Counted and hidden in single statements, so simultaneous flags cannot miss the threshold.
    session.exec(update(Comment).where(Comment.id == comment.id).values(flag_count=Comment.flag_count + 1))
    session.exec(update(Comment).where(Comment.id == comment.id, Comment.status == "published",
                                       Comment.flag_count >= school.flag_hide_threshold).values(status="hidden"))
    session.refresh(comment)
    return comment


# --- comments in the queue -----------------------------------------------------------

def _pending_comments(session: Session, school_id: int) -> list[QueueItem]:
    rows = session.exec(select(Comment).where(Comment.school_id == school_id,
                                              Comment.status.in_(("pending", "hidden")))).all()
    hidden_ids = [c.id for c in rows if c.status == "hidden"]
    reasons: dict[int, list[str]] = {}
    if hidden_ids:
        for target_id, reason in session.exec(select(ContentFlag.target_id, ContentFlag.reason).where(
                ContentFlag.target_kind == "comment", ContentFlag.target_id.in_(hidden_ids),
                ContentFlag.cleared == False)):  # noqa: E712 (SQL expression)
            reasons.setdefault(target_id, []).append(reason)
    titles: dict[tuple[str, int], str] = {}
    items = []
    for c in rows:
        key = (c.target_kind, c.target_id)
        if key not in titles:
            lookup = COMMENT_TARGETS.get(c.target_kind)
            titles[key] = (lookup(session, school_id, c.target_id) if lookup else None) or ""
        items.append(QueueItem(
            kind="comment", id=c.id, text=c.body, urgent=c.urgent, verdict=c.verdict, created_at=c.created_at,
            url=f"/reacties/{c.target_kind}/{c.target_id}", context=titles[key],
            flag_reasons=tuple(sorted(reasons.get(c.id, ()))), hidden=c.status == "hidden"))
    return items


def _decide_comment(session: Session, staff: Staff, item_id: int, decision: str, reason: str,
                    edited_text: str | None) -> None:
    if edited_text is not None and len(edited_text) > COMMENT_MAX:
        raise DomainError(_("Een reactie heeft hoogstens {max} tekens.").format(max=COMMENT_MAX))
    if decision == "approve":
        values = {"status": "published", "reject_reason": "", "flag_count": 0}
    else:
        values = {"status": "rejected", "reject_reason": reason}
    if edited_text is not None:
        values |= {"body": edited_text, "edited": True}
    # Only from a waiting state, in one statement: two moderators cannot both decide.
    result = session.exec(update(Comment).where(
        Comment.id == item_id, Comment.school_id == staff.school_id, Comment.status.in_(("pending", "hidden"))
    ).values(**values))
    if result.rowcount != 1:
        raise Conflict(_("Deze tekst wacht niet meer op een beslissing. Misschien besliste iemand anders al."))
    # Seen and decided: old flags stop counting, but still stop the same pupil flagging twice.
    session.exec(update(ContentFlag).where(ContentFlag.target_kind == "comment", ContentFlag.target_id == item_id)
                 .values(cleared=True))


register(ModeratedKind("comment", N_("Reactie"), _pending_comments, _decide_comment))


# --- demo content --------------------------------------------------------------------

DEMO_NAMES = ("Janssens", "Peeters")
DEMO_COMMENTS = (
    ("published", "ok", "Goed idee! Dan moeten we niet meer in de regen wachten."),
    ("published", "ok", "Ik ben akkoord, maar wie gaat dat betalen?"),
    ("pending", "crisis", "Ik zie het allemaal niet meer zitten. Soms wil ik gewoon niet meer leven."),
)


def load_demo(session: Session, school: School, server_key: bytes) -> None:
    """Demo: a few staff surnames in the name list; comments on the first public proposal."""
    for name in DEMO_NAMES:
        session.add(ScreeningName(school_id=school.id, name=name))
    session.flush()
    lookup = COMMENT_TARGETS.get("proposal")
    target = next((i for i in range(1, 50) if lookup and lookup(session, school.id, i)), None)
    if target is None:
        return
    from app.services.demo import demo_codes  # only here: demo imports every domain's loader

    # Written by demo pupils whose slips are not among the five printed at start-up.
    for n, (status, verdict, body) in enumerate(DEMO_COMMENTS):
        secret = anonymity.participant_secret(server_key, demo_codes(server_key)[-1 - n])
        nonce = secrets.token_hex(16)
        session.add(Comment(school_id=school.id, target_kind="proposal", target_id=target, body=body,
                            status=status, verdict=verdict, urgent=verdict in URGENT_VERDICTS, author_nonce=nonce,
                            author_tag=anonymity.pseudonym(secret, "comment-author", nonce)))
    session.flush()
