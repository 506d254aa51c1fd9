"""Staff accounts (named, unlike pupils), their sessions and the audit log of their acts."""

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
    # Set by an admin's reset: the one-time password must be replaced at the first login.
    must_change_password: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class StaffSession(SQLModel, table=True):
    """One signed-in browser of a staff member. Deleting the row ends the session at once."""

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    # SHA-256 of the random token in the cookie: a copy of the database opens no session.
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    action: str = Field(max_length=60)
    target_kind: str = Field(default="", max_length=40)
    target_id: int | None = Field(default=None)
    detail: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)
