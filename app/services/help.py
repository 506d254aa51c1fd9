"""Help lines: seeded from the report's annex, editable by admins."""

import json
from pathlib import Path

from sqlmodel import Session, select

from app.i18n import _
from app.models import HelpResource, Staff
from app.services import audit
from app.services.errors import DomainError, NotFound

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "help_resources.nl.json"
EDITABLE = ("name", "description", "phone", "phone_hours", "chat_hours", "email", "url")


def seed(session: Session, school_id: int) -> int:
    """Load the annex's help lines once; returns how many were added."""
    if session.exec(select(HelpResource).where(HelpResource.school_id == school_id)).first():
        return 0
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    for position, item in enumerate(data["resources"]):
        session.add(HelpResource(
            school_id=school_id, position=position, name=item["name"], description=item.get("for_nl", ""),
            phone=item.get("phone", ""), phone_hours=item.get("phone_hours_nl", ""),
            chat_hours=item.get("chat_hours_nl", ""), email=item.get("email", ""), url=item.get("url", ""),
            urgent=bool(item.get("urgent")), hours_json=json.dumps(item.get("hours", {})) if item.get("hours") else "",
        ))
    session.flush()
    return len(data["resources"])


def list_resources(session: Session, school_id: int) -> list[HelpResource]:
    return list(session.exec(
        select(HelpResource).where(HelpResource.school_id == school_id).order_by(HelpResource.position, HelpResource.id)))


def update_resource(session: Session, by: Staff, resource_id: int, fields: dict[str, str]) -> HelpResource:
    resource = session.get(HelpResource, resource_id)
    if resource is None or resource.school_id != by.school_id:
        raise NotFound(_("Deze hulplijn bestaat niet."))
    name = (fields.get("name") or "").strip()
    if not name:
        raise DomainError(_("Een hulplijn heeft een naam nodig."))
    url = (fields.get("url") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise DomainError(_("Een website begint met https://"))
    for key in EDITABLE:
        value = (fields.get(key) or "").strip()
        if len(value) > (1000 if key == "description" else 300):
            raise DomainError(_("Een van de velden is te lang."))
        setattr(resource, key, value)
    session.add(resource)
    audit.record(session, by, "help.update", "help_resource", resource.id, name)
    return resource
