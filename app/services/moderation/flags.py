"""Flags: a pupil reports a published comment, once per item by a per-item pseudonym. A flag
for bullying or danger puts the comment in the moderation queue at once, marked urgent; at the
school's threshold of flags the comment is hidden until a moderator looks. (The comment's own
`urgent` stays the screener's: its author must not learn from it that someone flagged it.)"""

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import _
from app.models import Comment, ContentFlag, School
from app.services.errors import Conflict, DomainError, NotFound
from app.services.moderation.comments import get_comment, is_author, target_title
from app.services.moderation.queue import URGENT_FLAGS
from app.services.shared import N_


FLAG_REASONS: dict[str, str] = {
    "bullying": N_("pesten"),
    "personal": N_("persoonlijke info"),
    "inappropriate": N_("ongepast"),
    "spam": N_("spam of reclame"),
    "danger": N_("iemand is in gevaar"),
}


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
    target_title(session, school.id, comment.target_kind, comment.target_id, participant)  # its item's audience
    if is_author(participant, comment):
        raise DomainError(_("Je kan je eigen reactie niet melden."))
    add_flag(session, school.id, participant, "comment", comment.id, reason)
    # Counted and hidden in single statements, so simultaneous flags cannot miss the threshold.
    session.exec(update(Comment).where(Comment.id == comment.id).values(flag_count=Comment.flag_count + 1))
    session.exec(update(Comment).where(Comment.id == comment.id, Comment.status == "published",
                                       Comment.flag_count >= school.flag_hide_threshold).values(status="hidden"))
    session.refresh(comment)
    return comment


def flag_notice(school: School, comment: Comment, reason: str) -> str:
    """What the pupil who flagged is told: what really happens now."""
    if reason in URGENT_FLAGS:
        text = _("Bedankt voor je melding. Ze staat nu meteen bovenaan bij de leerlingenraad, die ze zo snel "
                 "mogelijk bekijkt.")
        if reason == "danger":
            text += " " + _("Is iemand nu in gevaar? Bel 112. Hulplijnen vind je bij Hulp nodig?")
        return text
    if comment.status == "hidden":
        return _("Bedankt voor je melding. De reactie is nu verborgen tot de leerlingenraad ernaar kijkt.")
    return _("Bedankt voor je melding. Na {n} meldingen verbergen we de reactie tot de leerlingenraad ernaar "
             "kijkt.").format(n=school.flag_hide_threshold)

