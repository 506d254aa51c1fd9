"""One verdict per text, from the word lists and the learned model together.

Order: crisis > abuse > check > person > profanity > ok. The word lists' crisis and abuse
phrases always count (the must-catch lines and the school's own); the model adds what they miss.
Its thresholds were chosen for recall on out-of-fold scores (train.py): a person reads every
hit, and a missed crisis costs far more than a false alarm. "check" is the band below them:
the text waits high in the moderation queue, but the pupil is not shown the crisis box.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.services.screening import lexicon
from app.services.screening.model import Scores, load

URGENT = ("crisis", "abuse")
VERDICTS = ("crisis", "abuse", "check", "person", "profanity", "ok")


@dataclass(frozen=True)
class Verdict:
    verdict: str  # one of VERDICTS
    matched: list[str] = field(default_factory=list)  # what the word lists found
    score: Scores | None = None  # the model's probabilities, when it ran

    def to_dict(self) -> dict:
        out = {"verdict": self.verdict, "matched": list(self.matched)}
        if self.score is not None:
            out["score"] = self.score.to_dict()
        return out


def decide(p: dict[str, float], thresholds: dict[str, float]) -> str:
    """The model's own verdict: crisis, abuse, check or ok. The alarm head says how sure the
    model is that the text is worrying; the crisis and abuse heads say which it is."""
    if p["alarm"] >= thresholds["urgent"]:
        return "crisis" if p["crisis"] >= p["abuse"] else "abuse"
    return "check" if p["alarm"] >= thresholds["check"] else "ok"


def combine(listed: str, learned: str) -> str:
    """The word lists' crisis and abuse always count; then the model; then names, profanity."""
    return listed if listed in URGENT or learned == "ok" else learned


def screen(text: str, names: Iterable[str] = ()) -> Verdict:
    """The verdict for one pupil text (names: the school's list that holds a text for review)."""
    hit = lexicon.match(text, names)
    if not (text or "").strip():
        return Verdict(hit.verdict, hit.matched)
    learned = load()
    score = learned.score(text)
    said = decide(score.to_dict(precise=True), learned.thresholds)
    return Verdict(combine(hit.verdict, said), hit.matched, score)


def queue_rank(verdict: str, urgent: bool) -> int:
    """Where a held text goes in the moderation queue: urgent first, then check, then the rest."""
    return 0 if urgent or verdict in URGENT else 1 if verdict == "check" else 2
