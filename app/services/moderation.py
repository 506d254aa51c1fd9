"""Moderation of pupil free text (comments, statements, proposals): screening on entry,
one queue for all kinds, and the decisions that go with it.

Each domain that stores pupil text registers a ModeratedKind, so the council works through
one queue, urgent first, then oldest first.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from app.models import School, Staff
from app.services import screening

URGENT_VERDICTS = ("crisis", "abuse")


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
    return []


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


@dataclass(frozen=True)
class ModeratedKind:
    kind: str  # "comment", "statement", "proposal"
    label: str  # Dutch, for the queue
    # (session, school_id) -> items waiting for a decision
    pending: Callable[[Session, int], list[QueueItem]]
    # (session, staff, item_id, decision "approve"|"reject", reason, edited_text or None) -> None
    decide: Callable[[Session, Staff, int, str, str, str | None], None]


KINDS: dict[str, ModeratedKind] = {}


def register(kind: ModeratedKind) -> None:
    KINDS[kind.kind] = kind


# Items pupils can comment on: kind -> (session, school_id, item_id) -> the item's title,
# or None when it does not exist (or is not public). Registered by the voting and proposal domains.
COMMENT_TARGETS: dict[str, Callable[[Session, int, int], str | None]] = {}

# One budget for all free text a participant writes (comments, statements, proposals).
POST_LIMIT, POST_WINDOW = 5, 600


def allow_post(limiter, participant) -> bool:
    """Count one text against the participant's budget; False when it is used up.

    The counter is keyed by a pseudonym, lives in memory or Redis for ten minutes, never in the database.
    """
    return limiter.hit("post", participant.pseudonym("post-budget", 0), POST_LIMIT, POST_WINDOW)
