"""gettext for users: Dutch (nl-BE) is the source language, English comes from catalogs.

Message ids are the Dutch text itself, so Dutch needs no catalog. Other languages are the
.po files under app/locale/<locale>/LC_MESSAGES/ (one per domain), merged at start-up.
English covers every page; French, Turkish and Arabic cover what pupils see (staff pages
fall back to Dutch there).
"""

import gettext as _gettext
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from app.timeutil import local, local_date

LOCALES = ("nl", "en", "fr", "tr", "ar")
# Each language named in itself, for the language switch.
NAMES = {"nl": "Nederlands", "en": "English", "fr": "Français", "tr": "Türkçe", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})
DEFAULT = "nl"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT)


@lru_cache
def translations(locale: str) -> _gettext.NullTranslations:
    # Babel only when a language other than Dutch is first asked for: a worker that serves
    # Dutch pupils never needs its 1 MB.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged = _gettext.NullTranslations()
    for po in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=locale)
        buf = BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        part = _gettext.GNUTranslations(buf)
        part.add_fallback(merged)
        merged = part
    return merged


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


_ = gettext


def day(value) -> str:
    """A date as people read it, "3 dec 2026": dates are days, and a stored time's day is its
    Belgian calendar day."""
    if value is None:
        return ""
    value = local_date(value)
    months = gettext("jan feb mrt apr mei jun jul aug sep okt nov dec").split()
    return f"{value.day} {months[value.month - 1]} {value.year}"


def day_and_time(value) -> str:
    """A staff-facing moment (the audit log), in Belgian time: "3 dec 2026 14:05"."""
    if value is None:
        return ""
    return f"{day(value)} {local(value):%H:%M}"


def N_(message: str) -> str:
    """Marks a text for translation where it is defined; it is translated where it is shown."""
    return message


def pick_locale(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LOCALES else DEFAULT


def html_lang(locale: str) -> str:
    return "nl-BE" if locale == "nl" else locale


def text_direction(locale: str) -> str:
    return "rtl" if locale in RIGHT_TO_LEFT else "ltr"
