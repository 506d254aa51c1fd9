"""The admin form for one help line."""

from pydantic import BaseModel


class HelpForm(BaseModel):
    name: str = ""
    description: str = ""
    phone: str = ""
    phone_hours: str = ""
    chat_hours: str = ""
    email: str = ""
    url: str = ""
