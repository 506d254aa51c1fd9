"""The school (tenant) and its groups: grades and classes."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class School(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Any count below k is shown as "te weinig antwoorden" (never below 3).
    k_anonymity: int = Field(default=5)
    # "pre": pupil text is shown only after approval; "post": shown at once, removable.
    moderation_mode: str = Field(default="pre", max_length=10)
    flag_hide_threshold: int = Field(default=3)
    # Proposal support threshold: a fixed number, or a percentage of the audience if set.
    support_threshold: int = Field(default=25)
    support_threshold_percent: int | None = Field(default=None)
    response_days: int = Field(default=15)
    created_at: datetime = Field(default_factory=utcnow)


class Group(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    name: str = Field(max_length=60)
    kind: str = Field(default="class", max_length=10)  # "grade" or "class"
    parent_id: int | None = Field(default=None, foreign_key="group.id")
