"""Statements, polls and the ballot box of DESIGN.md.

What was chosen (VoteTally: counts per answer and group) is kept apart from who chose
(HasVoted: a per-item pseudonym and the choice sealed with the pupil's own key). Neither
table has a surrogate id or a time, so nothing records the order of votes; tally rows are
made when the item is made, so even their physical order says nothing.
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.keys import random_key
from app.timeutil import now_hour


class VoteItemBase(SQLModel):
    """What statements and polls share: audience, opening and closing, results visibility."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id")
    whole_school: bool = Field(default=True)
    opens_at: datetime
    closes_at: datetime
    results: str = Field(default="after_vote", max_length=12)  # after_vote | after_close
    # True once its has-voted rows are deleted at closing: its votes can never be linked again.
    erased: bool = Field(default=False)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=now_hour)


class Statement(VoteItemBase, table=True):
    __table_args__ = (Index("ix_statement_due", "school_id", "erased", "closes_at"),)

    text: str = Field(max_length=280)
    # Lower case, letters and digits only: finds duplicates whatever the spacing or punctuation.
    text_key: str = Field(max_length=280, index=True)
    status: str = Field(default="published", max_length=10)  # pending | published | rejected
    by_pupil: bool = Field(default=False)
    urgent: bool = Field(default=False)
    verdict: str = Field(default="ok", max_length=12)
    reject_reason: str = Field(default="", max_length=500)
    # A pupil finds their own statements with HMAC(their secret, nonce) = tag; nobody else can.
    author_nonce: str = Field(default="", max_length=32)
    author_tag: str = Field(default="", max_length=64)


class Poll(VoteItemBase, table=True):
    __table_args__ = (Index("ix_poll_due", "school_id", "erased", "closes_at"),)

    question: str = Field(max_length=280)
    kind: str = Field(max_length=10)  # single | multiple | scale
    max_choices: int = Field(default=1)
    scale_low: str = Field(default="", max_length=60)
    scale_high: str = Field(default="", max_length=60)


class PollOption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id")
    poll_id: int = Field(foreign_key="poll.id", index=True)
    position: int = Field(default=0)
    label: str = Field(max_length=120)


class VoteAudience(SQLModel, table=True):
    """The groups an item is for, when it is not for the whole school."""

    __table_args__ = (UniqueConstraint("item_kind", "item_id", "group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    item_kind: str = Field(max_length=10)
    item_id: int
    group_id: int = Field(foreign_key="group.id")


class VoteTally(SQLModel, table=True):
    """How many participants of one group gave one answer. No pseudonym, no time, no order.

    `answer` is an option id, a scale value 1–5, agree/disagree/pass, or "*" for the number
    of participants (a multiple-choice vote counts once in "*" and once per option).
    """

    school_id: int = Field(foreign_key="school.id", index=True)
    item_kind: str = Field(max_length=10, primary_key=True)
    item_id: int = Field(primary_key=True)
    answer: str = Field(max_length=12, primary_key=True)
    group_id: int = Field(foreign_key="group.id", primary_key=True)
    count: int = Field(default=0)


class HasVoted(SQLModel, table=True):
    """One row per participant per open item: the pseudonym and the sealed choice.

    Deleted when the item closes. The primary key is the unique (item, pseudonym) pair, so
    concurrent first votes of one participant cannot both be stored. No rowid: SQLite would
    otherwise number the rows in the order pupils voted.
    """

    __table_args__ = {"sqlite_with_rowid": False}

    school_id: int = Field(foreign_key="school.id", index=True)
    item_kind: str = Field(max_length=10, primary_key=True)
    item_id: int = Field(primary_key=True)
    pseudonym: str = Field(max_length=64, primary_key=True, index=True)
    sealed: str = Field(max_length=1000)


class LiveSession(SQLModel, table=True):
    """A statement or poll shown live in class; in the database so every worker sees it."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    item_kind: str = Field(max_length=10)
    item_id: int
    join_code: str = Field(max_length=8, unique=True)
    started_at: datetime
    ended_at: datetime | None = Field(default=None)
    started_by: int = Field(foreign_key="staff.id")


class PendingBallot(SQLModel, table=True):
    """A vote's change to the tallies, sealed under a key derived from K, until it is counted.

    Pending ballots are added to the tallies together, once at least k of one group have
    gathered, and all at closing: no tally ever moves by fewer than k. A random key and no
    rowid, so the rows keep no order.
    """

    __table_args__ = (Index("ix_pendingballot_item", "item_kind", "item_id"), {"sqlite_with_rowid": False})

    id: str = Field(default_factory=random_key, max_length=32, primary_key=True)
    school_id: int = Field(foreign_key="school.id")
    item_kind: str = Field(max_length=10)
    item_id: int
    sealed: str = Field(max_length=1000)
