"""Every text a pupil can read has French, Turkish and Arabic; the language choice sticks.

Pupil texts are the messages in the pupil templates and in the modules that word what pupils
are told (errors, states, privacy, help). Staff-only pages may stay Dutch and English."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from app import i18n

APP = Path(i18n.__file__).resolve().parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PUPIL_LANGUAGES = ("fr", "tr", "ar")
PUPIL_TEMPLATES = [
    "base.html", "_macros.html", "error.html", "_error_partial.html",
    "access/start.html", "access/confirm.html", "access/home.html", "access/privacy.html",
    "help/help.html", "help/_lines.html",
    "moderation/_comment.html", "moderation/_comments.html", "moderation/_comments_link.html",
    "moderation/comments.html", "moderation/rules.html",
    "proposals/_follow.html", "proposals/_home.html", "proposals/_list.html", "proposals/_moves.html",
    "proposals/_support.html", "proposals/board.html", "proposals/detail.html", "proposals/mine.html",
    "proposals/new.html", "proposals/_home_top.html", "proposals/_similar.html",
    "voting/_bars.html", "voting/_home.html", "voting/_poll.html", "voting/_statement.html",
    "voting/poll.html", "voting/statement.html", "voting/new_statement.html", "voting/submitted.html",
    "voting/live_join.html", "voting/live_pupil.html", "voting/_live_pupil.html", "voting/closed.html",
]
PUPIL_MODULES = [
    "routers/access.py", "routers/voting.py", "routers/proposals.py", "routers/moderation.py", "routers/help.py",
    "services/privacy.py", "services/help.py", "services/access.py", "services/errors.py",
    "services/proposals/rules.py", "services/proposals/supports.py", "services/proposals/board.py",
    "services/proposals/moderated.py", "services/voting/views.py", "services/voting/votes.py",
    "services/voting/common.py", "services/voting/pupil_statements.py", "services/voting/results.py",
    "services/voting/audience.py", "services/voting/live.py", "services/moderation/comments.py",
    "services/moderation/flags.py", "services/moderation/intake.py",
]
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)d")


def _pupil_msgids() -> dict[str, str]:
    found = {}
    sources = [("jinja2", APP / "templates" / t) for t in PUPIL_TEMPLATES]
    sources += [("python", APP / m) for m in PUPIL_MODULES if (APP / m).exists()]
    for method, path in sources:
        options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
        for _lineno, message, _comments, _context in extract_from_file(method, path, keywords=KEYWORDS,
                                                                       options=options):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, str(path.relative_to(APP)))
    return found


def _catalog(locale: str) -> dict[str, tuple[str, ...]]:
    found = {}
    for po in (i18n.LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as f:
            for message in read_po(f, locale=locale):
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if msgid and all(strings) and not message.fuzzy:
                    found[msgid] = strings
    return found


def test_the_pupil_texts_are_found():
    msgids = _pupil_msgids()
    assert len(msgids) > 300 and "Hulp nodig?" in msgids and "Jouw code" in msgids


@pytest.mark.parametrize("locale", PUPIL_LANGUAGES)
def test_every_pupil_text_is_translated(locale):
    catalog = _catalog(locale)
    missing = [f"{where}: {msgid!r}" for msgid, where in _pupil_msgids().items() if msgid not in catalog]
    assert not missing, f"{len(missing)} pupil texts without {locale}:\n" + "\n".join(sorted(missing)[:60])


@pytest.mark.parametrize("locale", PUPIL_LANGUAGES)
def test_translations_keep_their_placeholders(locale):
    for msgid, strings in _catalog(locale).items():
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(msgid)) | {"%(num)d"}, (msgid, text)


def test_a_pupil_picks_a_language_once(client, seeded):
    r = client.get("/lang/ar?next=/hulp", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"] == "/hulp"
    assert "max-age=34560000" in r.headers["set-cookie"].lower()
    page = client.get("/hulp").text
    assert '<html lang="ar" dir="rtl">' in page and "تحتاج مساعدة؟" in page
    page = client.get("/").text  # remembered on the next page, without asking again
    assert "اكتب الرمز الموجود على ورقتك" in page
    client.get("/lang/tr?next=/")
    assert '<html lang="tr" dir="ltr">' in client.get("/").text and "Kodun" in client.get("/").text


def test_the_footer_names_each_language_in_itself(client, seeded):
    page = client.get("/").text
    for code, name in (("nl-BE", "Nederlands"), ("en", "English"), ("fr", "Français"), ("tr", "Türkçe"),
                       ("ar", "العربية")):
        assert f'lang="{code}"' in page and f">{name}</a>" in page


def test_an_unknown_language_changes_nothing(client, seeded):
    client.get("/lang/xx?next=/")
    assert '<html lang="nl-BE" dir="ltr">' in client.get("/").text
