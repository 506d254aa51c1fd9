"""Pages that moved to their consistent address (pupils Dutch, staff English, both plural): the old
address answers 308, so old links and bookmarks work and a form posted there still goes through."""

import pytest

from app.models import School


@pytest.mark.parametrize("old,new", [
    ("/home", "/overzicht"), ("/help", "/hulp"), ("/moderatie", "/council/moderation"),
    ("/admin/moderatie", "/admin/moderation"), ("/reactie/7/melden", "/reacties/7/melden"),
    ("/moderatie/comment/3?klaar=approve", "/council/moderation/comment/3?klaar=approve"),
    ("/proposals/12/move", "/staff/proposals/12/move"),
])
def test_an_old_address_moves_for_good(client, old, new):
    answer = client.get(old, follow_redirects=False)
    assert answer.status_code == 308 and answer.headers["location"] == new


def test_a_code_posted_to_the_old_address_still_lets_the_pupil_in(client, new_codes):
    answer = client.form("/join", {"code": new_codes("3A")[0]})
    assert answer.url.path == "/overzicht" and "Hallo!" in answer.text


def test_settings_posted_to_the_old_address_are_saved(admin, session, school):
    admin.form("/admin/moderatie", {"mode": "post", "threshold": "4"})
    session.expire_all()
    saved = session.get(School, school.id)
    assert (saved.moderation_mode, saved.flag_hide_threshold) == ("post", 4)
