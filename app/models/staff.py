"""Staff accounts (named, unlike pupils) and the audit log of their acts."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.timeutil import utcnow

ROLES = ("council", "management", "admin")


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    username: str = Field(max_length=60, unique=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    # Bumped on logout-everywhere or password change: old session cookies stop working.
    session_epoch: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    action: str = Field(max_length=60)
    target_kind: str = Field(default="", max_length=40)
    target_id: int | None = Field(default=None)
    detail: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)
