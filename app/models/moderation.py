"""Comments, flags and the school's name list.

No table here links anything to a participant: a comment's author is recognised only by a tag
that the author's own participant secret can recompute, and a flag by a per-item pseudonym.
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.keys import random_id
from app.timeutil import now_hour

COMMENT_MAX = 1000


class Comment(SQLModel, table=True):
    __table_args__ = (Index("ix_comment_target", "school_id", "target_kind", "target_id"),)

    # Random, not counting up: an id in order would line up with its writer's other actions.
    id: int | None = Field(default_factory=random_id, primary_key=True)
    # Order within its own thread only, which the thread's page shows anyway.
    position: int = Field(default=0)
    school_id: int = Field(foreign_key="school.id", index=True)
    target_kind: str = Field(max_length=20)  # "proposal" | "poll" | "statement"
    target_id: int
    # Replies are one level deep: parent_id always points at a top-level comment.
    parent_id: int | None = Field(default=None, foreign_key="comment.id", index=True)
    body: str = Field(max_length=COMMENT_MAX)
    status: str = Field(default="pending", max_length=10, index=True)  # pending|published|rejected|hidden
    urgent: bool = Field(default=False)
    verdict: str = Field(default="ok", max_length=12)
    reject_reason: str = Field(default="", max_length=20)
    flag_count: int = Field(default=0)
    edited: bool = Field(default=False)
    # The author's tag is HMAC(participant secret, "comment-author:" + nonce): a fresh random
    # nonce per comment, so two comments of one pupil cannot be linked to each other.
    author_nonce: str = Field(max_length=32)
    author_tag: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=now_hour)


class ContentFlag(SQLModel, table=True):
    """One pupil's report of an item. One per participant per item, enforced by the database."""

    __table_args__ = (UniqueConstraint("target_kind", "target_id", "pseudonym"),)

    id: int | None = Field(default_factory=random_id, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    target_kind: str = Field(max_length=20)  # "comment" for now
    target_id: int
    pseudonym: str = Field(max_length=64)
    reason: str = Field(max_length=20)
    # A moderator looked after this flag: it no longer counts, but still blocks a second flag.
    cleared: bool = Field(default=False)


class ScreeningName(SQLModel, table=True):
    """A name the school wants held for review (staff names, optionally pupils' first names)."""

    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    name: str = Field(max_length=80)
