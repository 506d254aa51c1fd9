"""A school's proposal settings: its categories, its holidays (for deadlines in school days) and
the support threshold it asks for."""

import math
from datetime import date

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import _
from app.models import CodeSheet, ParticipationCode, School, Staff
from app.models.proposals import ProposalCategory, SchoolHoliday
from app.services import audit
from app.services.errors import Conflict, DomainError, NotFound
from app.services.shared import one_line
from app.services.proposals.rules import CATEGORY_MAX, DEFAULT_CATEGORIES, HOLIDAY_LABEL_MAX


def categories(session: Session, school_id: int) -> list[ProposalCategory]:
    """The school's categories; the default list is added the first time it is needed."""
    rows = list(session.exec(select(ProposalCategory).where(ProposalCategory.school_id == school_id)
                             .order_by(ProposalCategory.position, ProposalCategory.id)))
    if rows:
        return rows
    try:
        with session.begin_nested():  # another request may seed at the same moment
            for position, name in enumerate(DEFAULT_CATEGORIES):
                session.add(ProposalCategory(school_id=school_id, name=name, position=position))
    except IntegrityError:
        pass
    return list(session.exec(select(ProposalCategory).where(ProposalCategory.school_id == school_id)
                             .order_by(ProposalCategory.position, ProposalCategory.id)))


def _category_name(name: str) -> str:
    name = one_line(name)
    if not 1 <= len(name) <= CATEGORY_MAX:
        raise DomainError(_("Geef de categorie een naam van 1 tot {max} tekens.").format(max=CATEGORY_MAX))
    return name


def _name_taken(session: Session, school_id: int, name: str, except_id: int | None = None) -> bool:
    row = session.exec(select(ProposalCategory).where(
        ProposalCategory.school_id == school_id, func.lower(ProposalCategory.name) == name.lower())).first()
    return row is not None and row.id != except_id


def add_category(session: Session, staff: Staff, name: str) -> ProposalCategory:
    name = _category_name(name)
    existing = categories(session, staff.school_id)
    if _name_taken(session, staff.school_id, name):
        raise Conflict(_("De categorie '{name}' bestaat al.").format(name=name))
    category = ProposalCategory(school_id=staff.school_id, name=name,
                                position=max((c.position for c in existing), default=-1) + 1)
    session.add(category)
    session.flush()
    audit.record(session, staff, "proposal.category.add", "proposal_category", category.id, name)
    return category


def rename_category(session: Session, staff: Staff, category_id: int, name: str) -> ProposalCategory:
    category = session.get(ProposalCategory, category_id)
    if category is None or category.school_id != staff.school_id:
        raise NotFound(_("Deze categorie bestaat niet."))
    name = _category_name(name)
    if _name_taken(session, staff.school_id, name, except_id=category.id):
        raise Conflict(_("De categorie '{name}' bestaat al.").format(name=name))
    audit.record(session, staff, "proposal.category.rename", "proposal_category", category.id,
                 f"{category.name} -> {name}")
    category.name = name
    session.add(category)
    return category


def holidays(session: Session, school_id: int) -> list[SchoolHoliday]:
    return list(session.exec(select(SchoolHoliday).where(SchoolHoliday.school_id == school_id)
                             .order_by(SchoolHoliday.first_day)))


def holiday_ranges(session: Session, school_id: int) -> list[tuple[date, date]]:
    return [(h.first_day, h.last_day) for h in holidays(session, school_id)]


def add_holiday(session: Session, staff: Staff, first_day: date | None, last_day: date | None,
                label: str = "") -> SchoolHoliday:
    if first_day is None:
        raise DomainError(_("Kies de eerste vrije dag."))
    last_day = last_day or first_day
    if last_day < first_day:
        raise DomainError(_("De laatste dag mag niet vóór de eerste dag liggen."))
    if (last_day - first_day).days > 120:
        raise DomainError(_("Een vakantie duurt hoogstens 120 dagen. Voeg langere periodes in delen toe."))
    label = one_line(label)
    if len(label) > HOLIDAY_LABEL_MAX:
        raise DomainError(_("De naam is te lang (hoogstens {max} tekens).").format(max=HOLIDAY_LABEL_MAX))
    holiday = SchoolHoliday(school_id=staff.school_id, first_day=first_day, last_day=last_day, label=label)
    session.add(holiday)
    session.flush()
    audit.record(session, staff, "proposal.holiday.add", "school_holiday", holiday.id,
                 f"{first_day.isoformat()}..{last_day.isoformat()} {label}")
    return holiday


def remove_holiday(session: Session, staff: Staff, holiday_id: int) -> None:
    holiday = session.get(SchoolHoliday, holiday_id)
    if holiday is None or holiday.school_id != staff.school_id:
        raise NotFound(_("Deze vakantie bestaat niet."))
    audit.record(session, staff, "proposal.holiday.remove", "school_holiday", holiday.id,
                 f"{holiday.first_day.isoformat()}..{holiday.last_day.isoformat()} {holiday.label}")
    session.delete(holiday)


def audience_size(session: Session, school_id: int) -> int:
    """Participants of a proposal's audience (the whole school): codes that still work.

    The number of codes is the best anonymous proxy we have: we never know who redeemed one."""
    return session.exec(
        select(func.count(ParticipationCode.id))
        .join(CodeSheet, CodeSheet.id == ParticipationCode.sheet_id)
        .where(ParticipationCode.school_id == school_id, CodeSheet.revoked_at.is_(None))
    ).one()


def support_threshold(session: Session, school: School) -> int:
    if school.support_threshold_percent:
        return max(1, math.ceil(school.support_threshold_percent * audience_size(session, school.id) / 100))
    return max(1, school.support_threshold)

