"""Help lines shown on every pupil page; seeded from the report's annex, editable by admins."""

from sqlmodel import Field, SQLModel


class HelpResource(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    position: int = Field(default=0)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=1000)
    phone: str = Field(default="", max_length=40)
    phone_hours: str = Field(default="", max_length=300)
    chat_hours: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=200)
    url: str = Field(default="", max_length=300)
    urgent: bool = Field(default=False)
    # Machine-readable opening hours, JSON: {"phone": {"mon": [["16:00","22:00"]], ...}, "chat": {...}}
    hours_json: str = Field(default="", max_length=2000)
