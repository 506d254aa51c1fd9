"""Participation codes: make, print, revoke and redeem. Only lookup values are stored."""

import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from app.i18n import N_, _, day
from app.models import CodeSheet, Group, ParticipationCode
from app.services import anonymity
from app.services.errors import DomainError, NotFound
from app.timeutil import now_hour

MAX_CODES_PER_SHEET = 1000
LABEL_MAX = 60


@dataclass(frozen=True)
class Participant:
    """A redeemed code as seen by the server during one request. Never stored."""

    secret: bytes
    code_id: int
    group_id: int
    school_id: int

    def pseudonym(self, kind: str, item_id: int | str) -> str:
        return anonymity.pseudonym(self.secret, kind, item_id)


def create_codes(session: Session, server_key: bytes, group: Group, count: int,
                 label: str = "", seed: bytes | None = None) -> tuple[CodeSheet, list[str]]:
    """New codes for a group on a new numbered sheet, drawn from `seed` (random when not
    given). The plain codes are returned once, for printing, and then forgotten: only their
    lookups are stored."""
    if not 1 <= count <= MAX_CODES_PER_SHEET:
        raise DomainError(_("Kies een aantal tussen 1 en {max}.").format(max=MAX_CODES_PER_SHEET))
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX:
        raise DomainError(_("Geef het blad een naam van hoogstens {max} tekens.").format(max=LABEL_MAX))
    last = session.exec(select(func.max(CodeSheet.number)).where(CodeSheet.school_id == group.school_id)).one()
    sheet = CodeSheet(school_id=group.school_id, group_id=group.id, count=count, number=(last or 0) + 1,
                      label=label)
    session.add(sheet)
    session.flush()
    codes = anonymity.codes_from_seed(seed or secrets.token_bytes(32), count)
    for code in codes:
        session.add(ParticipationCode(school_id=group.school_id, group_id=group.id, sheet_id=sheet.id,
                                      lookup=anonymity.lookup_value(server_key, code)))
    session.flush()
    return sheet, codes


def list_sheets(session: Session, school_id: int) -> list[tuple[CodeSheet, Group]]:
    rows = session.exec(
        select(CodeSheet, Group)
        .join(Group, Group.id == CodeSheet.group_id)
        .where(CodeSheet.school_id == school_id)
        .order_by(CodeSheet.id.desc())
    )
    return list(rows)


def get_sheet(session: Session, school_id: int, sheet_id: int) -> tuple[CodeSheet, Group]:
    row = session.exec(select(CodeSheet, Group).join(Group, Group.id == CodeSheet.group_id)
                       .where(CodeSheet.id == sheet_id, CodeSheet.school_id == school_id)).first()
    if row is None:
        raise NotFound(_("Dit codeblad bestaat niet."))
    return row


def revoke_sheet(session: Session, school_id: int, sheet_id: int) -> CodeSheet:
    sheet, _group = get_sheet(session, school_id, sheet_id)
    if sheet.revoked_at is None:
        sheet.revoked_at = now_hour()
        session.add(sheet)
    return sheet


def sheet_name(sheet: CodeSheet, group_name: str) -> str:
    """How a code sheet is named everywhere (list, printed sheet, confirmation, log): its number
    first, so two sheets of one class made on one day can be told apart."""
    parts = [_("Blad {number}").format(number=sheet.number), group_name, sheet.label, day(sheet.created_at)]
    return " · ".join(p for p in parts if p)


WRONG_CODE = N_("Deze code klopt niet. Kijk je strookje nog eens na en probeer opnieuw.")


# Columns, not ORM objects: these run on every pupil request.
_BY_LOOKUP = (select(ParticipationCode.id, ParticipationCode.group_id, ParticipationCode.school_id, CodeSheet.revoked_at)
              .join(CodeSheet, CodeSheet.id == ParticipationCode.sheet_id))
_BY_LOOKUP_VALUE = _BY_LOOKUP.where(ParticipationCode.lookup == bindparam("lookup"))
_BY_CODE_ID = _BY_LOOKUP.where(ParticipationCode.id == bindparam("code_id"))


def code_keys(server_key: bytes, raw_code: str) -> anonymity.CodeKeys:
    """The keys of a typed or scanned code (one argon2id derivation, no database)."""
    code = anonymity.normalise_code(raw_code or "")
    if code is None:
        raise DomainError(_(WRONG_CODE))
    return anonymity.derive(server_key, code)


def redeem_keys(session: Session, keys: anonymity.CodeKeys) -> Participant:
    """The participant of a derived code. The same code always gives the same participant."""
    row = session.exec(_BY_LOOKUP_VALUE, params={"lookup": keys.lookup}).first()
    if row is None:
        raise DomainError(_(WRONG_CODE))
    code_id, group_id, school_id, revoked_at = row
    if revoked_at is not None:
        raise DomainError(_("Deze code werkt niet meer. Vraag een nieuw strookje aan je leerlingenraad."))
    return Participant(secret=keys.secret, code_id=code_id, group_id=group_id, school_id=school_id)


def redeem(session: Session, server_key: bytes, raw_code: str) -> Participant:
    """Check a typed or scanned code."""
    return redeem_keys(session, code_keys(server_key, raw_code))


def participant_from_cookie(session: Session, secret: bytes, code_id: int) -> Participant | None:
    """Rebuild the participant from its cookie; None when the code was revoked meanwhile."""
    row = session.exec(_BY_CODE_ID, params={"code_id": code_id}).first()
    if row is None or row[3] is not None:
        return None
    return Participant(secret=secret, code_id=row[0], group_id=row[1], school_id=row[2])


def qr_svg(url: str) -> str:
    """Inline SVG QR code for a slip or the projector page."""
    import segno  # staff pages only: pupils' workers need not load it

    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


def slips(public_url: str, codes: list[str]) -> list[dict]:
    """What each printed slip shows: the QR code to /c/{code} and the readable code."""
    base = public_url.rstrip("/")
    return [{"code": anonymity.format_code(c), "qr": qr_svg(f"{base}/c/{c}"), "url": f"{base}/c/{c}"} for c in codes]
