"""Who sees a comment, in pre- and post-moderation, for each screening verdict."""

import pytest

from app.models import ScreeningName
from support.moderation import (ABUSE, CRISIS, OK, PERSON, PROFANITY, URL, approve, comments, post_mode, reject,
                                say, set_school, target)  # noqa: F401

PUPIL_STATE = "wacht op goedkeuring"


@pytest.fixture
def names(session, school):
    session.add(ScreeningName(school_id=school.id, name="Janssens"))
    session.commit()


def test_pre_moderation_shows_a_comment_to_others_only_after_approval(target, pupil, make_pupil, council, session):
    other = make_pupil("3B")
    r = say(pupil, OK)
    assert r.status_code == 200
    assert "leest je tekst eerst na" in r.text
    mine = pupil.get(URL).text
    assert OK in mine and PUPIL_STATE in mine and "<strong>jij</strong>" in mine
    assert OK not in other.get(URL).text

    [comment] = comments(session)
    assert comment.status == "pending" and not comment.urgent and comment.verdict == "ok"
    assert approve(council, comment.id).status_code == 303

    theirs = other.get(URL).text
    assert OK in theirs and "<strong>leerling</strong>" in theirs
    assert PUPIL_STATE not in theirs and "gepubliceerd" not in theirs and "<strong>jij</strong>" not in theirs
    assert "gepubliceerd" in pupil.get(URL).text


def test_post_moderation_publishes_ok_text_at_once(target, post_mode, pupil, make_pupil, session):
    r = say(pupil, OK)
    assert "Je tekst staat online" in r.text
    assert comments(session)[0].status == "published"
    assert OK in make_pupil("4A").get(URL).text


@pytest.mark.parametrize("mode", ["pre", "post"])
@pytest.mark.parametrize("text,verdict,urgent", [
    (CRISIS, "crisis", True), (ABUSE, "abuse", True), (PERSON, "person", False), (PROFANITY, "profanity", False),
    ("Vraag het aan @tom, die weet het", "person", False)])
def test_every_verdict_but_ok_is_held_in_both_modes(target, names, session, school, pupil, make_pupil, mode, text,
                                                    verdict, urgent):
    set_school(session, school.id, moderation_mode=mode)
    say(pupil, text)
    [comment] = comments(session)
    assert (comment.status, comment.verdict, comment.urgent) == ("pending", verdict, urgent)
    assert text not in make_pupil("3B").get(URL).text
    assert text in pupil.get(URL).text


def test_crisis_text_gets_help_lines_not_a_rejection(target, pupil):
    page = say(pupil, CRISIS).text
    assert 'href="tel:102"' in page and 'href="tel:1813"' in page
    assert "Bedankt dat je dit schrijft" in page
    assert "tel:1712" not in page
    assert "niet gepubliceerd" not in page and "afgewezen" not in page.lower()
    # and later, next to the waiting comment itself, the way to help
    assert 'href="/hulp"' in pupil.get(URL).text


def test_abuse_text_also_gets_1712_and_nu_praat_ik_erover(target, pupil):
    page = say(pupil, ABUSE).text
    for line in ('href="tel:102"', 'href="tel:1813"', 'href="tel:1712"', "nupraatikerover.be", "nooit jouw schuld"):
        assert line in page


def test_author_sees_rejection_with_its_reason_others_see_nothing(target, pupil, make_pupil, council, session):
    say(pupil, PROFANITY)
    [comment] = comments(session)
    assert reject(council, comment.id, "language").status_code == 303
    assert comments(session)[0].reject_reason == "language"
    page = pupil.get(URL).text
    assert "niet gepubliceerd" in page and "Reden: ongepaste taal." in page
    other = make_pupil("3A").get(URL).text
    assert PROFANITY not in other and "ongepaste taal" not in other


def test_replies_are_one_level_deep(target, post_mode, pupil, make_pupil, session):
    say(pupil, "Eerste reactie")
    top = comments(session)[0]
    other = make_pupil("3B")
    say(other, "Een antwoord", parent_id=top.id)
    reply = comments(session)[1]
    assert reply.parent_id == top.id
    # a reply to a reply is attached to the top-level comment
    say(pupil, "Antwoord op het antwoord", parent_id=reply.id)
    assert comments(session)[2].parent_id == top.id
    page = make_pupil("4A").get(URL).text
    assert page.index("Eerste reactie") < page.index("Een antwoord") < page.index("Antwoord op het antwoord")
    assert page.count('class="plain replies"') == 1


def test_a_reply_needs_a_published_comment(target, pupil, make_pupil, session):
    say(pupil, "Nog niet goedgekeurd")
    pending = comments(session)[0]
    r = say(make_pupil("3B"), "Antwoord", parent_id=pending.id)
    assert r.status_code == 404 and "bestaat niet (meer)" in r.text
    assert say(pupil, "Antwoord", parent_id=99999).status_code == 404
    assert len(comments(session)) == 1


def test_bad_input_gets_a_clear_message_and_stores_nothing(target, pupil, session):
    r = say(pupil, "   ")
    assert r.status_code == 400 and "Schrijf eerst je reactie" in r.text
    r = say(pupil, "x" * 1001)
    assert r.status_code == 400 and "hoogstens 1000 tekens, nu 1001" in r.text
    assert 'x' * 1001 in r.text  # the text is kept in the form, not lost
    assert say(pupil, "a" * 1000).status_code == 200
    r = say(pupil, "Hallo", url="/reacties/onbekend/1")
    assert r.status_code == 404 and "Hier kan je niet reageren" in r.text
    r = say(pupil, "Hallo", url="/reacties/testitem/2")
    assert r.status_code == 404 and "bestaat niet (meer)" in r.text
    assert pupil.get("/reacties/testitem/2").status_code == 404
    assert pupil.get("/reacties/testitem/abc").status_code in (400, 404, 422)
    assert [len(c.body) for c in comments(session)] == [1000]


def test_comments_need_a_code(target, client, school):
    r = client.get(URL, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert client.form(URL, {"body": "hoi"}, follow_redirects=False).status_code == 303


def test_staff_read_published_comments_without_a_form(target, post_mode, pupil, management, session):
    say(pupil, OK)
    page = management.get(URL).text
    assert OK in page and "<textarea" not in page and "Melden" not in page


def test_what_is_stored_about_the_author(target, pupil, session):
    say(pupil, "Eerste")
    say(pupil, "Tweede")
    first, second = comments(session)
    assert first.created_at.minute == 0 and first.created_at.second == 0
    assert first.author_tag != second.author_tag and first.author_nonce != second.author_nonce
    # the page shows only the day
    page = pupil.get(URL).text
    assert f"{first.created_at.hour:02d}:00" not in page


def test_the_comments_link_partial_for_other_domains(target, pupil):
    from app.web import templates

    html = templates.get_template("moderation/_comments_link.html").render(target_kind="testitem", target_id=1)
    assert 'href="/reacties/testitem/1"' in html and 'hx-get="/reacties/testitem/1"' in html
    assert 'id="comments-testitem-1"' in html and 'hx-target="#comments-testitem-1"' in html
    # what the hx-get receives: only the comments section, with the same id
    part = pupil.get(URL, headers={"HX-Request": "true"}).text
    assert part.lstrip().startswith('<section class="comments" id="comments-testitem-1"') and "<html" not in part


def test_htmx_post_returns_the_comments_section(target, pupil, session):
    r = pupil.htmx(URL, {"body": CRISIS})
    assert r.status_code == 200 and "<html" not in r.text
    assert 'id="comments-testitem-1"' in r.text and 'href="tel:1813"' in r.text
    # an HTMX error is answered with 200 so htmx shows it in place
    r = pupil.htmx(URL, {"body": ""})
    assert r.status_code == 200 and 'role="alert"' in r.text


def test_rules_page_is_linked_from_the_form(target, pupil, client, school):
    assert 'href="/regels"' in pupil.get(URL).text
    page = client.get("/regels").text
    for words in ("Geen namen", "Niet pesten", "leerlingenraad", "geen hulplijn", 'href="/hulp"', "Na 3 meldingen"):
        assert words in page


def test_json_api_for_comments(target, pupil, make_pupil, council, session):
    r = pupil.post(URL.replace("/reacties", "/api/v1/comments"), json={"body": CRISIS})
    assert r.status_code == 201 and r.json()["needs_help"] is True and r.json()["status"] == "pending"
    r = pupil.post("/api/v1/comments/testitem/1", json={"body": OK})
    ok_id = r.json()["id"]
    mine = pupil.get("/api/v1/comments/testitem/1").json()
    assert {c["status"] for c in mine["comments"]} == {"pending"} and all(c["mine"] for c in mine["comments"])
    approve(council, ok_id)
    theirs = make_pupil("3B").get("/api/v1/comments/testitem/1").json()
    assert [c["body"] for c in theirs["comments"]] == [OK] and "status" not in theirs["comments"][0]
    assert pupil.post("/api/v1/comments/testitem/1", json={"body": ""}).status_code == 400
    assert pupil.post("/api/v1/comments/testitem/9", json={"body": "x"}).status_code == 404
    assert make_pupil("3A").post("/api/v1/comments/testitem/1", data={"body": "x"}).status_code == 415
