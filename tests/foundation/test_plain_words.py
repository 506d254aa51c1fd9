"""Plain words: a jaar is one school year and a graad two; no jargon for pupils; role names in words."""

import re


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_year_group_is_not_called_a_graad(admin, seeded):
    page = " ".join(_text(admin.get("/admin/groups").text).split())
    assert "3de jaar jaar of graad" in page and "3de jaar graad" not in page


def test_the_proposals_board_has_no_jargon(pupil, seeded):
    page = _text(pupil.get("/voorstellen").text).lower()
    assert "mediaan" not in page and "atom" not in page
    assert "de helft van de voorstellen kreeg sneller antwoord" in page


def test_staff_see_role_names_in_their_language(admin, make_staff):
    make_staff("council", "raadslid")
    rows = " ".join(_text(admin.get("/admin/staff").text).split())
    assert "raadslid leerlingenraad" in rows
    assert ">council<" not in admin.get("/admin/staff").text
    assert '<option value="management">directie</option>' in admin.get("/admin/staff").text
    admin.get("/lang/en")
    assert "raadslid student council" in " ".join(_text(admin.get("/admin/staff").text).split())
