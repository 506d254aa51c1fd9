"""The helpers every domain shares (app/services/shared.py)."""

from datetime import UTC, date, datetime

import pytest

from app.services import anonymity, shared
from app.services.access import Participant
from app.services.errors import DomainError


def test_one_line_collapses_whitespace():
    assert shared.one_line("  Meer \t bankjes\n op de  speelplaats ") == "Meer bankjes op de speelplaats"
    assert shared.one_line(None) == ""


@pytest.mark.parametrize("typed,number", [("", None), (" 12 ", 12), ("-3", -3), ("abc", None), ("1e3", None),
                                          ("12345678901", None)])
def test_int_or_none(typed, number):
    assert shared.int_or_none(typed) == number


def test_dates_typed_in_forms():
    assert shared.parse_date("2026-05-31") == date(2026, 5, 31)
    assert shared.parse_date(" ") is None
    with pytest.raises(DomainError, match="Deze datum klopt niet"):
        shared.parse_date("31/05/2026")
    # Belgian summer time is UTC+2.
    assert shared.parse_local("2026-06-01T10:00") == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert shared.local_input(datetime(2026, 6, 1, 8, 0, tzinfo=UTC)) == "2026-06-01T10:00"


def test_only_the_writer_recognises_their_author_tag():
    def pupil(code: str) -> Participant:
        return Participant(secret=anonymity.participant_secret(b"k" * 32, code), code_id=0, group_id=1, school_id=1)

    writer, other = pupil("AAAAAAAAAA"), pupil("BBBBBBBBBB")
    nonce, tag = shared.new_author_tag(writer, "comment-author")
    assert shared.is_author(writer, "comment-author", nonce, tag)
    assert not shared.is_author(other, "comment-author", nonce, tag)
    assert not shared.is_author(writer, "proposal-author", nonce, tag)  # tags of one kind only
    assert not shared.is_author(None, "comment-author", nonce, tag)
