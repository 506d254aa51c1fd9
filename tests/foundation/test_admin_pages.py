"""Admin pages: code sheets and help lines."""

import re

from sqlmodel import select

from app.models import AuditEntry, HelpResource
from app.services import help as help_service


def test_admin_prints_a_sheet_that_works(admin, client, school):
    r = admin.form("/admin/codes", {"group": "3A", "count": "5"})
    assert r.status_code == 200 and r.text.count('class="slip"') == 5
    codes = re.findall(r'class="slip-code">([2-9A-Z]{5}-[2-9A-Z]{4}-[2-9A-Z]{4})<', r.text)
    assert len(codes) == 5
    assert client.form("/aanmelden", {"code": codes[0]}, follow_redirects=False).status_code == 303
    assert "3A" in admin.get("/admin/codes").text


def test_sheet_input_is_checked(admin, school, session):
    assert admin.form("/admin/codes", {"group": "3A", "count": "0"}).status_code == 400
    assert admin.form("/admin/codes", {"group": "3A", "count": "veel"}).status_code == 400
    assert admin.form("/admin/codes", {"group": "9Z", "count": "3"}).status_code == 404
    assert session.exec(select(AuditEntry)).all() == []


def test_help_page_lists_the_seeded_lines(client, session, school):
    help_service.seed(session, school.id)
    session.commit()
    page = client.get("/hulp").text
    for name in ("Awel", "Zelfmoordlijn 1813", "1712", "Nu Praat Ik Erover"):
        assert name in page
    assert "112" in page and "geen hulplijn" in page
    assert 'href="tel:102"' in page


def test_admin_edits_a_help_line(admin, client, session, school):
    help_service.seed(session, school.id)
    session.commit()
    awel = session.exec(select(HelpResource).where(HelpResource.name == "Awel")).one()
    r = admin.form(f"/admin/help/{awel.id}", {"name": "Awel", "description": "Nieuwe uitleg", "phone": "102",
                                               "url": "https://www.awel.be"}, follow_redirects=False)
    assert r.status_code == 303
    assert "Nieuwe uitleg" in client.get("/hulp").text
    bad = admin.form(f"/admin/help/{awel.id}", {"name": "", "url": "x"})
    assert bad.status_code == 400
    assert admin.form("/admin/help/99999", {"name": "X"}).status_code == 404
