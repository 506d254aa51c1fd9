"""Every Dutch text a user can read has an English translation in the catalogs."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app import i18n

APP = Path(i18n.__file__).resolve().parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _msgids() -> dict[str, str]:
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(APP), METHODS, keywords=KEYWORDS, options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}):
        for msgid in (message if isinstance(message, tuple) else (message,)):
            if msgid:
                found.setdefault(msgid, filename)
    return found


def _english() -> dict[str, str]:
    """msgid -> English from every catalog (a translation may equal its msgid, e.g. 'Status')."""
    found = {}
    for po in (i18n.LOCALE_DIR / "en" / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as f:
            for message in read_po(f, locale="en"):
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                text = message.string[0] if isinstance(message.string, tuple) else message.string
                if msgid and text and not message.fuzzy:
                    found[msgid] = text
    return found


def test_every_message_has_an_english_translation():
    english = _english()
    missing = [f"{where}: {msgid!r}" for msgid, where in _msgids().items() if msgid not in english]
    assert not missing, f"{len(missing)} messages without English:\n" + "\n".join(sorted(missing)[:60])


def test_dutch_is_the_source_and_needs_no_catalog():
    token = i18n.current_locale.set("nl")
    try:
        assert i18n.gettext("Hulp nodig?") == "Hulp nodig?"
    finally:
        i18n.current_locale.reset(token)
    token = i18n.current_locale.set("en")
    try:
        assert i18n.gettext("Hulp nodig?") == "Need help?"
    finally:
        i18n.current_locale.reset(token)
