"""Proposals (voorstellen), their public timeline, supports, and the school's categories and holidays.

A proposal has no author column: the author proves authorship with a per-item secret
(author_nonce + author_tag, see app.services.proposals). Supports are keyed by a per-item
pseudonym and are deleted when the proposal leaves the support phase; only the count stays.
"""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timeutil import now_hour, utcnow


class ProposalCategory(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    name: str = Field(max_length=60)
    position: int = Field(default=0)


class SchoolHoliday(SQLModel, table=True):
    """A day or a range of days without school: skipped when counting a response deadline."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    first_day: date
    last_day: date
    label: str = Field(default="", max_length=100)


class Proposal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    category_id: int = Field(foreign_key="proposalcategory.id", index=True)
    title: str = Field(max_length=120)
    body: str = Field(max_length=2000)
    state: str = Field(default="submitted", max_length=30, index=True)
    # From screening on entry: urgent texts go to the top of the moderation queue.
    urgent: bool = Field(default=False)
    verdict: str = Field(default="ok", max_length=20)
    # Authorship proof: author_tag = pseudonym(participant, "proposal-author", author_nonce).
    author_nonce: str = Field(max_length=32)
    author_tag: str = Field(max_length=64)
    support_count: int = Field(default=0)
    decision: str | None = Field(default=None, max_length=20)  # accepted | partly | declined
    rejection_reason: str | None = Field(default=None, max_length=30)
    review_date: date | None = Field(default=None)
    created_at: datetime = Field(default_factory=now_hour)
    changed_at: datetime = Field(default_factory=now_hour)
    with_management_at: datetime | None = Field(default=None)
    deadline: date | None = Field(default=None)
    # While it looks for support: the last day a pupil can add one (set when it is published).
    support_until: date | None = Field(default=None)
    answered_at: datetime | None = Field(default=None)
    closed_at: datetime | None = Field(default=None)


class ProposalEvent(SQLModel, table=True):
    """One dated step on a proposal's public timeline. Who on the staff did it is in the audit log."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    actor: str = Field(max_length=20)  # pupil | council | management | system
    action: str = Field(max_length=20)
    from_state: str = Field(default="", max_length=30)
    to_state: str = Field(max_length=30)
    text: str = Field(default="", max_length=2000)
    decision: str | None = Field(default=None, max_length=20)
    review_date: date | None = Field(default=None)
    new_deadline: date | None = Field(default=None)  # "extend": the new public date for an answer
    created_at: datetime = Field(default_factory=utcnow)


class ProposalSupport(SQLModel, table=True):
    """'This participant supports this proposal', keyed by a per-item pseudonym: no time, and no
    row number either (the key is the pair), so rows say nothing about who supported in which order."""

    # SQLite would otherwise add a hidden, increasing rowid: stored by key, the order is gone.
    __table_args__ = {"sqlite_with_rowid": False}

    school_id: int = Field(foreign_key="school.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True)
    pseudonym: str = Field(max_length=64, primary_key=True)
