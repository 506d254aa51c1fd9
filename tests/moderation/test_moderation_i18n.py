"""Every Dutch text of the moderation and help pages has an English translation."""

from pathlib import Path

from babel.messages.extract import extract_from_file

from app import i18n
from moderation_support import URL, target  # noqa: F401

APP = Path(__file__).resolve().parents[2] / "app"
FILES = [*sorted((APP / "templates" / "moderation").glob("*.html")), APP / "templates" / "help" / "_lines.html",
         APP / "templates" / "help" / "help.html", APP / "services" / "moderation.py",
         APP / "routers" / "moderation.py", APP / "services" / "help.py"]


def _msgids(path: Path) -> set[str]:
    method = "jinja2.ext:babel_extract" if path.suffix == ".html" else "python"
    options = {"extensions": "jinja2.ext.i18n"} if path.suffix == ".html" else {}
    return {m[1] for m in extract_from_file(method, str(path), keywords={"_": None, "N_": None}, options=options)
            if isinstance(m[1], str)}


def test_every_msgid_has_an_english_translation():
    english = i18n.translations("en")
    ids = set().union(*(_msgids(p) for p in FILES))
    assert len(ids) > 100
    missing = sorted(m for m in ids if english.gettext(m) == m)
    assert missing == []


def test_pages_in_english(target, pupil):
    pupil.cookies.set("inspraak_lang", "en")
    assert "Rules for comments" in pupil.get("/regels").text
    page = pupil.get(URL).text
    assert "Your comment" in page and "Read the rules" in page
