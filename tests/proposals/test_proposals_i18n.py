"""Every Dutch text of the proposals domain has an English translation, and English pages use it."""

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from app.services import privacy

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def _msgids() -> set:
    found = set()
    for path in [*(ROOT / "app/services/proposals").glob("*.py"), ROOT / "app/routers/proposals.py"]:
        found |= {m for _l, m, _c, _x in extract_from_file("python", path, keywords=KEYWORDS)}
    for template in (ROOT / "app/templates/proposals").glob("*"):
        with template.open("rb") as f:
            for _l, _f, message, _c in babel_extract(f, KEYWORDS.keys(), [], {}):
                if isinstance(message, tuple):
                    message = tuple(m for m in message if m)
                found.add(message)
    found |= {text for k in privacy.WHAT_WE_STORE if k.table.startswith("proposal") for text in (k.title, k.explanation)}
    return {m if not (isinstance(m, tuple) and len(m) == 1) else m[0] for m in found if m}


def test_every_dutch_text_has_an_english_translation():
    with (ROOT / "app/locale/en/LC_MESSAGES/proposals.po").open("rb") as f:
        catalog = read_po(f, locale="en")
    translated = {m.id: m.string for m in catalog if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])}
    missing = sorted(str(m) for m in _msgids() if (m[0] if isinstance(m, tuple) else m) not in
                     {k[0] if isinstance(k, tuple) else k for k in translated})
    assert not missing, f"no English for: {missing}"


def test_the_board_in_english(client, school):
    client.get("/lang/en")
    page = client.get("/voorstellen").text
    assert "What did we do with it?" in page and "Done this school year" in page
