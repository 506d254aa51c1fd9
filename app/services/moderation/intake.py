"""New pupil text coming in: screening it (held for a moderator, urgent, or published at once)
against the school's name list, and the one posting budget for all free text."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from app.i18n import _
from app.models import School, ScreeningName
from app.services import screening
from app.services.errors import TooMany
from app.services.shared import N_


URGENT_VERDICTS = ("crisis", "abuse")


VERDICT_LABELS: dict[str, str] = {
    "crisis": N_("crisis"),
    "abuse": N_("geweld of misbruik"),
    "check": N_("nakijken"),
    "person": N_("naam of persoon"),
    "profanity": N_("scheldwoord"),
    "ok": N_("niets gevonden"),
}


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
