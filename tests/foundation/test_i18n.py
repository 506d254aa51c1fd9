"""Every Dutch text a user can read has an English translation in the catalogs."""

from pathlib import Path

from babel.messages.extract import extract_from_dir

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


def test_every_message_has_an_english_translation():
    english = i18n.translations("en")
    missing = [f"{where}: {msgid!r}" for msgid, where in _msgids().items() if english.gettext(msgid) == msgid]
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
