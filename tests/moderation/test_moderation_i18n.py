"""The moderation pages in English (catalog completeness is checked for the whole app in tests/foundation)."""

from support.moderation import URL, target  # noqa: F401


def test_pages_in_english(target, pupil):
    pupil.cookies.set("inspraak_lang", "en")
    assert "Rules for comments" in pupil.get("/regels").text
    page = pupil.get(URL).text
    assert "Your comment" in page and "Read the rules" in page
