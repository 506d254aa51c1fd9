"""Comments and replies on the items other domains declare as comment targets: writing one,
the thread a reader may see, and comments in the moderation queue."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, select

from app.i18n import _
from app.models import Comment, ContentFlag, School, Staff
from app.models.moderation import COMMENT_MAX
from app.services import shared
from app.services.errors import Conflict, DomainError, NotFound
from app.services.moderation.intake import PostingLimit, Screened, allow_post, clean_text, screen_new_text
from app.services.moderation.queue import URGENT_FLAGS, QueueItem, reason_label
from app.services.shared import N_


# What the author of a comment reads about its state.
STATUS_LABELS: dict[str, str] = {
    "pending": N_("wacht op goedkeuring"),
    "published": N_("gepubliceerd"),
    "rejected": N_("niet gepubliceerd"),
    "hidden": N_("tijdelijk verborgen: de leerlingenraad kijkt ernaar"),
}


# Items pupils can comment on: kind -> (session, school_id, item_id, reader) -> the item's title,
# or None when it does not exist, is not public, or is not for this reader (a pupil: the
# item's own audience and opening time apply to its comments). Staff read with reader None.
# Filled by app.domains.wire().
COMMENT_TARGETS: dict[str, Callable[..., str | None]] = {}
# Optional: kind -> URL of the item's own page, with "{id}", for a link back from the comments.
COMMENT_TARGET_URLS: dict[str, str] = {}


@dataclass(frozen=True)
class CommentTarget:
    """A kind of item pupils can comment on, as a domain declares it."""

    kind: str
    title: Callable[..., str | None]
    url: str = ""  # the item's own page, with "{id}"


def register_target(target: CommentTarget) -> None:
    COMMENT_TARGETS[target.kind] = target.title
    if target.url:
        COMMENT_TARGET_URLS[target.kind] = target.url


def target_title(session: Session, school_id: int, kind: str, target_id: int, reader=None) -> str:
    lookup = COMMENT_TARGETS.get(kind)
    if lookup is None:
        raise NotFound(_("Hier kan je niet reageren."))
    title = lookup(session, school_id, target_id, reader)
    if title is None:
        raise NotFound(_("Dit onderwerp bestaat niet (meer)."))
    return title


def is_author(participant, comment: Comment) -> bool:
    """Only the holder of the participant secret can recompute the author tag."""
    return shared.is_author(participant, "comment-author", comment.author_nonce, comment.author_tag)


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
    title = target_title(session, school_id, kind, target_id, participant)
    rows = session.exec(select(Comment).where(
        Comment.school_id == school_id, Comment.target_kind == kind, Comment.target_id == target_id
    ).order_by(Comment.position, Comment.id)).all()
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
    target_title(session, school.id, kind, target_id, participant)
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
    nonce, tag = shared.new_author_tag(participant, "comment-author")
    position = session.exec(select(func.coalesce(func.max(Comment.position), 0)).where(
        Comment.target_kind == kind, Comment.target_id == target_id)).one() + 1
    comment = Comment(school_id=school.id, target_kind=kind, target_id=target_id, parent_id=parent_id, body=body,
                      position=position,
                      status=screened.status, urgent=screened.urgent, verdict=screened.verdict,
                      author_nonce=nonce, author_tag=tag)
    session.add(comment)
    session.flush()
    return comment, screened


def get_comment(session: Session, school_id: int, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.school_id != school_id:
        raise NotFound(_("Deze reactie bestaat niet (meer)."))
    return comment


def _urgently_flagged(school_id: int):
    """Ids of comments with a flag for bullying or danger no moderator has looked at yet."""
    return select(ContentFlag.target_id).where(
        ContentFlag.school_id == school_id, ContentFlag.target_kind == "comment",
        ContentFlag.reason.in_(URGENT_FLAGS), ContentFlag.cleared == False)  # noqa: E712 (SQL expression)


def pending_comments(session: Session, school_id: int) -> list[QueueItem]:
    urgent_flags = set(session.exec(_urgently_flagged(school_id)))
    rows = session.exec(select(Comment).where(Comment.school_id == school_id, or_(
        Comment.status.in_(("pending", "hidden")),
        and_(Comment.status == "published", Comment.id.in_(_urgently_flagged(school_id)))))).all()
    flagged_ids = [c.id for c in rows if c.status != "pending"]
    reasons: dict[int, list[str]] = {}
    if flagged_ids:
        for target_id, reason in session.exec(select(ContentFlag.target_id, ContentFlag.reason).where(
                ContentFlag.target_kind == "comment", ContentFlag.target_id.in_(flagged_ids),
                ContentFlag.cleared == False)):  # noqa: E712 (SQL expression)
            reasons.setdefault(target_id, []).append(reason)
    titles: dict[tuple[str, int], str] = {}
    items = []
    for c in rows:
        key = (c.target_kind, c.target_id)
        if key not in titles:
            lookup = COMMENT_TARGETS.get(c.target_kind)
            titles[key] = (lookup(session, school_id, c.target_id, None) if lookup else None) or ""
        items.append(QueueItem(
            kind="comment", id=c.id, text=c.body, urgent=c.urgent or c.id in urgent_flags, verdict=c.verdict,
            created_at=c.created_at,
            url=f"/reacties/{c.target_kind}/{c.target_id}", context=titles[key],
            flag_reasons=tuple(sorted(reasons.get(c.id, ()))), hidden=c.status == "hidden",
            order=c.position))
    return items


def decide_comment(session: Session, staff: Staff, item_id: int, decision: str, reason: str,
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
        Comment.id == item_id, Comment.school_id == staff.school_id, or_(
            Comment.status.in_(("pending", "hidden")),
            and_(Comment.status == "published", Comment.id.in_(_urgently_flagged(staff.school_id))))
    ).values(**values))
    if result.rowcount != 1:
        raise Conflict(_("Deze tekst wacht niet meer op een beslissing. Misschien besliste iemand anders al."))
    # Seen and decided: old flags stop counting, but still stop the same pupil flagging twice.
    session.exec(update(ContentFlag).where(ContentFlag.target_kind == "comment", ContentFlag.target_id == item_id)
                 .values(cleared=True))

