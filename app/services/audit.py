"""The one audit helper every staff act goes through, in the act's own transaction."""

from sqlmodel import Session, select

from app.models import AuditEntry, Staff
from app.security import csv


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


def entries(session: Session, school_id: int, limit: int = 500) -> list[tuple[AuditEntry, Staff | None]]:
    rows = session.exec(
        select(AuditEntry, Staff)
        .join(Staff, Staff.id == AuditEntry.staff_id, isouter=True)
        .where(AuditEntry.school_id == school_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(rows)


def export_csv(session: Session, school_id: int) -> str:
    header = ["id", "time_utc", "staff", "action", "target_kind", "target_id", "detail"]
    return csv.write([header, *(
        [entry.id, entry.created_at.isoformat(timespec="seconds"), staff.username if staff else "",
         entry.action, entry.target_kind, entry.target_id or "", entry.detail]
        for entry, staff in entries(session, school_id, limit=100_000))])
