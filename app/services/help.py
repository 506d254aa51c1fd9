"""Help lines: seeded from the report's annex, editable by admins, with today's opening hours.

Machine-readable hours (HelpResource.hours_json) look like
{"phone": {"mon": [["16:00", "22:00"]], "wed": [["14:00", "22:00"]]}, "chat": {"months": [1, 6], ...}}:
spans in Brussels local time per weekday, "24:00" closes the day, a span past midnight is written
as two spans, and "months" (optional) limits a channel to those months. Public holidays are not
modelled; Sundays are simply days without hours.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.i18n import _
from app.models import HelpResource, Staff
from app.services import audit
from app.services.errors import DomainError, NotFound

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "help_resources.nl.json"
EDITABLE = ("name", "description", "phone", "phone_hours", "chat_hours", "email", "url")
TZ = ZoneInfo("Europe/Brussels")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNELS = ("phone", "chat")


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
    hours = _parse(resource.hours_json)
    for key in EDITABLE:
        value = (fields.get(key) or "").strip()
        if len(value) > (1000 if key == "description" else 300):
            raise DomainError(_("Een van de velden is te lang."))
        if key.endswith("_hours") and value != getattr(resource, key):
            # The written hours changed: better no "nu bereikbaar" than a wrong one.
            hours.pop(key.removesuffix("_hours"), None)
        setattr(resource, key, value)
    resource.hours_json = json.dumps(hours) if hours else ""
    session.add(resource)
    audit.record(session, by, "help.update", "help_resource", resource.id, name)
    return resource


# --- opening hours ---------------------------------------------------------------------

def _parse(hours_json: str | dict | None) -> dict:
    if isinstance(hours_json, dict):
        return hours_json
    try:
        data = json.loads(hours_json or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def today_hours(hours_json: str | dict | None, channel: str, now: datetime) -> list[tuple[str, str]]:
    """The channel's spans on the day of `now` in Brussels; [] when closed all day or unknown."""
    local = now.astimezone(TZ)
    spec = _parse(hours_json).get(channel)
    if not isinstance(spec, dict):
        return []
    if "months" in spec and local.month not in spec["months"]:
        return []
    return [(start, end) for start, end in spec.get(DAYS[local.weekday()], [])]


def open_now(hours_json: str | dict | None, channel: str, now: datetime) -> bool:
    """Is the channel open at `now` (any aware datetime; compared in Brussels time)?"""
    local = now.astimezone(TZ)
    minute = local.hour * 60 + local.minute
    return any(_minutes(start) <= minute < _minutes(end) for start, end in today_hours(hours_json, channel, now))


@dataclass(frozen=True)
class Today:
    spans: list[tuple[str, str]]
    open: bool

    @property
    def text(self) -> str:
        if self.spans == [("00:00", "24:00")]:
            return _("de hele dag")
        return ", ".join(f"{start}–{end}" for start, end in self.spans)


def hours_today(resources: list[HelpResource], now: datetime) -> dict[int, dict[str, Today]]:
    """Per resource id and channel (only those with machine-readable hours): today's hours."""
    result: dict[int, dict[str, Today]] = {}
    for resource in resources:
        hours = _parse(resource.hours_json)
        result[resource.id] = {channel: Today(today_hours(hours, channel, now), open_now(hours, channel, now))
                               for channel in CHANNELS if channel in hours}
    return result


# --- open right now first --------------------------------------------------------------

def is_open(resource: HelpResource, now: datetime) -> bool:
    """Can a pupil reach this line at `now`, by phone or by chat (machine-readable hours only)?"""
    hours = _parse(resource.hours_json)
    return any(open_now(hours, channel, now) for channel in CHANNELS)


def open_first(resources: list[HelpResource], now: datetime) -> list[HelpResource]:
    """The lines that are open at `now` first; otherwise the school's order."""
    return sorted(resources, key=lambda r: not is_open(r, now))


@dataclass(frozen=True)
class BoxLine:
    """One help line in the box a pupil sees after writing a worrying text."""

    resource: HelpResource
    phone_open: bool
    chat_open: bool
    today: dict[str, Today]  # channel -> today's hours (channels with machine-readable hours)

    @property
    def open(self) -> bool:
        return self.phone_open or self.chat_open


def _box_names() -> dict[str, tuple[str, ...]]:
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return {item["name"]: tuple(item.get("box", ())) for item in data["resources"]}


def box_lines(resources: list[HelpResource], verdict: str, now: datetime) -> list[BoxLine]:
    """The lines for a crisis or abuse box: the urgent ones and those seeded for this verdict,
    open ones first. A line whose hours are unknown counts as reachable by phone."""
    names = _box_names()
    chosen = [r for r in resources if r.urgent or verdict in names.get(r.name, ())]
    today = hours_today(chosen, now)
    lines = []
    for r in chosen:
        hours = today.get(r.id, {})
        known = "phone" in _parse(r.hours_json)
        phone_open = bool(r.phone) and (hours["phone"].open if "phone" in hours else not known)
        chat_open = bool(r.url) and "chat" in hours and hours["chat"].open
        lines.append(BoxLine(r, phone_open, chat_open, hours))
    return sorted(lines, key=lambda line: not line.open)
