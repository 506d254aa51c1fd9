"""Similar proposals: before a pupil sends a new proposal, the public ones that look like it
(a second "te laat komen" proposal while one is already answered helps nobody).

The comparison is plain text similarity, computed here on the server: words without accents,
case or very common Dutch words, compared by their first letters (so "laatkomers" meets
"te laat komen") and by the share of words two texts have in common (Jaccard). `score` is pure.
"""

import re
import unicodedata

from sqlmodel import Session, select

from app.models.proposals import Proposal
from app.services.proposals.rules import PUBLIC_STATES

# Words that say nothing about what a proposal is about.
STOPWORDS = frozenset("""
de het een en of maar dat die dit deze er is zijn was waren wordt worden kan kunnen mag mogen moet moeten
wil willen we wij je jij jullie ze zij hij ik mij me ons onze mijn jouw hun van voor met op in aan bij uit
over naar om te tot door als dan ook nog niet geen wel meer minder veel heel zo al alle iets wat wie waar
hoe waarom omdat zodat graag school leerlingen leerling the a an and or to of for in on is are we please
""".split())
PREFIX = 4  # "laatkomers", "laattijdig" and "laat" share their first letters
SIMILAR_AT = 0.34  # from here on two texts are shown as "lijkt op" (checked in the tests)
CANDIDATES = 500
SHOWN = 3


def words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return {w[:PREFIX] for w in re.findall(r"[^\W\d_]+", plain) if len(w) > 2 and w not in STOPWORDS}


def score(title: str, body: str, other_title: str, other_body: str) -> float:
    """0 (nothing in common) to 1. The titles weigh most: they say what a proposal wants."""
    mine_title, theirs_title = words(title), words(other_title)
    mine_all, theirs_all = mine_title | words(body), theirs_title | words(other_body)

    def jaccard(a: set[str], b: set[str]) -> float:
        return len(a & b) / len(a | b) if a and b else 0.0

    return max(jaccard(mine_title, theirs_title) * 0.8 + jaccard(mine_all, theirs_all) * 0.2,
               jaccard(mine_all, theirs_all) * 1.5 if len(mine_all) >= 4 else 0.0)


def similar(session: Session, school_id: int, title: str, body: str = "") -> list[Proposal]:
    """Public proposals of the school that look like this new text, the closest first."""
    if not words(title) and not words(body):
        return []
    rows = session.exec(select(Proposal).where(Proposal.school_id == school_id, Proposal.state.in_(PUBLIC_STATES))
                        .order_by(Proposal.id.desc()).limit(CANDIDATES))
    scored = [(score(title, body, p.title, p.body), p) for p in rows]
    return [p for s, p in sorted(scored, key=lambda sp: -sp[0]) if s >= SIMILAR_AT][:SHOWN]
