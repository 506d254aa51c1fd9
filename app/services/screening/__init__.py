"""Screening of pupil free text before anyone sees it: crisis, abuse, check, person, profanity or ok.

Pure functions: no database, no HTTP. Two parts work together (verdict.py): the word lists
(lexicon.py; a school extends them in $INSPRAAK_SCREENING_DIR) and a small learned model
(features.py, model.py), trained by train.py on the corpus that corpus.py builds from
hand-written seeds. evaluate.py scores a labelled file, so a school can test its own texts.
"""

from app.services.screening.lexicon import DATA_DIR, ENV_DIR, _rules
from app.services.screening.model import Scores
from app.services.screening.verdict import URGENT, VERDICTS, Verdict, queue_rank, screen

__all__ = ["DATA_DIR", "ENV_DIR", "URGENT", "VERDICTS", "Scores", "Verdict", "_rules", "queue_rank", "screen"]
