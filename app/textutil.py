"""Small text helpers every domain uses: marking text for translation, collapsing whitespace."""


def N_(message: str) -> str:
    """Mark for translation; translated when shown (gettext's usual name for this)."""
    return message


def one_line(text: str | None) -> str:
    """Whitespace collapsed to single spaces, ends trimmed: for titles, names and short lines."""
    return " ".join((text or "").split())
