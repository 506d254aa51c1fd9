"""The one audit helper every staff act goes through, in the act's own transaction; and the log
as admins read it: each entry a sentence ("Jan trok blad 7 (3A, 3 dec 2026) in"), times in
Belgian time, filtered by a Belgian day."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from app.i18n import N_, _, day_and_time
from app.models import AuditEntry, CodeSheet, Group, Poll, Staff, Statement
from app.security import csv
from app.services.access import sheet_name
from app.timeutil import local, start_of_day


def record(session: Session, staff: Staff, action: str, target_kind: str = "", target_id: int | None = None, detail: str = "") -> AuditEntry:
    entry = AuditEntry(
        school_id=staff.school_id,
        staff_id=staff.id,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        detail=detail[:2000],
    )
    session.add(entry)
    return entry


# What each act says, with {who} (the staff member) and {what} (the target, with its article).
SENTENCES = {
    "codes.create": N_("{who} maakte {what}"),
    "codes.revoke": N_("{who} trok {what} in"),
    "group.create": N_("{who} maakte {what}"),
    "help.update": N_("{who} paste {what} aan"),
    "moderation.approve": N_("{who} keurde {what} goed"),
    "moderation.reject": N_("{who} wees {what} af"),
    "moderation.edit": N_("{who} paste de tekst van {what} aan"),
    "moderation.names": N_("{who} paste de lijst met namen aan"),
    "moderation.settings": N_("{who} veranderde de instellingen van de moderatie"),
    "proposal.approve": N_("{who} publiceerde {what}"),
    "proposal.reject": N_("{who} publiceerde {what} niet"),
    "proposal.forward": N_("{who} stuurde {what} door naar de directie"),
    "proposal.answer": N_("{who} beantwoordde {what}"),
    "proposal.extend": N_("{who} vroeg meer tijd voor {what}"),
    "proposal.correct": N_("{who} verbeterde het antwoord op {what}"),
    "proposal.start": N_("{who} startte de uitvoering van {what}"),
    "proposal.update": N_("{who} gaf nieuws over {what}"),
    "proposal.close": N_("{who} sloot {what} af"),
    "proposal.category.add": N_("{who} voegde {what} toe"),
    "proposal.category.rename": N_("{who} gaf een categorie een nieuwe naam: {what}"),
    "proposal.holiday.add": N_("{who} voegde een vakantie toe: {what}"),
    "proposal.holiday.remove": N_("{who} haalde een vakantie weg: {what}"),
    "proposal.settings": N_("{who} veranderde de instellingen voor voorstellen"),
    "staff.create": N_("{who} maakte {what}"),
    "staff.activate": N_("{who} zette {what} aan"),
    "staff.deactivate": N_("{who} zette {what} uit"),
    "staff.password_reset": N_("{who} gaf {what} een nieuw eenmalig wachtwoord"),
    "staff.password": N_("{who} veranderde het eigen wachtwoord"),
    "poll.create": N_("{who} maakte {what}"),
    "statement.create": N_("{who} maakte {what}"),
    "poll.close": N_("{who} sloot {what}"),
    "statement.close": N_("{who} sloot {what}"),
    "live.start": N_("{who} toonde {what} live in de klas"),
    "live.end": N_("{who} stopte het live tonen van {what}"),
}
# How a target is named in a sentence, by kind; {name} is the target's title or name. What a
# pupil wrote is named by its number only: the log never repeats a pupil's words.
TARGETS = {
    "code_sheet": N_("codeblad {name}"), "proposal": N_("voorstel {name}"), "pupil_statement": N_("stelling {name}"),
    "statement": N_("de stelling “{name}”"), "poll": N_("de peiling “{name}”"), "comment": N_("een reactie"),
    "group": N_("de groep {name}"), "help_resource": N_("de hulplijn {name}"), "staff": N_("het account {name}"),
    "proposal_category": N_("de categorie {name}"),
}


@dataclass(frozen=True)
class Line:
    entry: AuditEntry
    staff: Staff | None
    sentence: str


def _targets(session: Session, rows: list[tuple[AuditEntry, Staff | None]]) -> dict[tuple[str, int], str]:
    """How each target the entries point at is named now, looked up once per kind."""
    ids: dict[str, set[int]] = {}
    for entry, _staff in rows:
        if entry.target_id is not None:
            ids.setdefault(entry.target_kind, set()).add(entry.target_id)
    found: dict[tuple[str, int], tuple[str, str]] = {}  # (kind, id) -> (how to name it, name)
    if ids.get("code_sheet"):
        for sheet, group in session.exec(select(CodeSheet, Group).join(Group, Group.id == CodeSheet.group_id)
                                         .where(CodeSheet.id.in_(ids["code_sheet"]))):
            _number, _sep, rest = sheet_name(sheet, group.name).partition(" · ")
            found["code_sheet", sheet.id] = ("code_sheet", f"{sheet.number} ({rest.replace(' · ', ', ')})")
    if ids.get("statement"):
        for i, text, by_pupil in session.exec(select(Statement.id, Statement.text, Statement.by_pupil)
                                              .where(Statement.id.in_(ids["statement"]))):
            found["statement", i] = ("pupil_statement", str(i)) if by_pupil else ("statement", text)
    for kind, model, column in (("poll", Poll, Poll.question), ("staff", Staff, Staff.username)):
        if ids.get(kind):
            found.update({(kind, i): (kind, n) for i, n in session.exec(
                select(model.id, column).where(model.id.in_(ids[kind])))})
    return {key: _(TARGETS[how]).format(name=name) for key, (how, name) in found.items()}


def _sentence(entry: AuditEntry, staff: Staff | None, targets: dict[tuple[str, int], str]) -> str:
    who = (staff.display_name or staff.username) if staff else _("Iemand")
    what = targets.get((entry.target_kind, entry.target_id))
    if what is None:
        # Not looked up (proposals are named by number; groups, lines and categories by the name
        # kept in the entry), or gone since.
        name = str(entry.target_id) if entry.target_kind in ("proposal", "comment") else entry.detail
        what = _(TARGETS[entry.target_kind]).format(name=name) if entry.target_kind in TARGETS else name
    if entry.action not in SENTENCES:
        return f"{who}: {entry.action} {what}".strip()
    return _(SENTENCES[entry.action]).format(who=who, what=what)


def entries(session: Session, school_id: int, limit: int = 500, on: date | None = None) -> list[tuple[AuditEntry, Staff | None]]:
    """The newest entries, or those of one Belgian day."""
    query = (select(AuditEntry, Staff).join(Staff, Staff.id == AuditEntry.staff_id, isouter=True)
             .where(AuditEntry.school_id == school_id))
    if on is not None:
        query = query.where(AuditEntry.created_at >= start_of_day(on),
                            AuditEntry.created_at < start_of_day(on + timedelta(days=1)))
    return list(session.exec(query.order_by(AuditEntry.id.desc()).limit(limit)))


def lines(session: Session, school_id: int, on: date | None = None, limit: int = 500) -> list[Line]:
    rows = entries(session, school_id, limit, on)
    targets = _targets(session, rows)
    return [Line(entry, staff, _sentence(entry, staff, targets)) for entry, staff in rows]


def count_on(session: Session, school_id: int, on: date) -> int:
    """How many staff acts happened on this Belgian day."""
    return session.exec(select(func.count(AuditEntry.id)).where(
        AuditEntry.school_id == school_id, AuditEntry.created_at >= start_of_day(on),
        AuditEntry.created_at < start_of_day(on + timedelta(days=1)))).one()


def _csv_rows(lines_: Iterable[Line]):
    for line in lines_:
        entry, staff = line.entry, line.staff
        yield [entry.id, local(entry.created_at).isoformat(timespec="seconds"), day_and_time(entry.created_at),
               staff.username if staff else "", line.sentence, entry.action, entry.target_kind,
               entry.target_id or "", entry.detail]


def export_csv(session: Session, school_id: int) -> str:
    header = ["id", "time_brussels", "when", "staff", "sentence", "action", "target_kind", "target_id", "detail"]
    return csv.write([header, *_csv_rows(lines(session, school_id, limit=100_000))])
