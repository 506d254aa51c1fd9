"""Participation codes. Only HMAC(K, "lookup" || code) is stored, never the code."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.timeutil import now_hour


class CodeSheet(SQLModel, table=True):
    """One printed batch of slips for one group; revoking it revokes all its codes."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    group_id: int = Field(foreign_key="group.id", index=True)
    # Shown on the screen and the printed sheet, so two sheets of one class and day differ.
    number: int = Field(default=0)  # 1, 2, 3 … per school
    label: str = Field(default="", max_length=60)  # what the admin calls it ("eerste lesuur")
    count: int
    created_at: datetime = Field(default_factory=now_hour)
    revoked_at: datetime | None = Field(default=None)


class ParticipationCode(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    group_id: int = Field(foreign_key="group.id", index=True)
    sheet_id: int = Field(foreign_key="codesheet.id", index=True)
    lookup: str = Field(max_length=64, unique=True)
