"""Flags: one per participant per comment; at the school's threshold the comment hides."""

from sqlmodel import select

from app.models import ContentFlag
from support.moderation import OK, URL, approve, comments, post_mode, reject, say, set_school, target  # noqa: F401


def flag(client, comment_id: int, reason: str = "bullying"):
    return client.form(f"/reacties/{comment_id}/melden", {"reason": reason})


def _published(pupil, session) -> int:
    say(pupil, OK)
    return comments(session)[0].id


def test_three_flags_hide_a_comment_until_a_moderator_looks(target, post_mode, pupil, make_pupil, council, session):
    cid = _published(pupil, session)
    flaggers = [make_pupil(g) for g in ("3A", "3B", "4A")]
    for n, flagger in enumerate(flaggers[:2], 1):
        r = flag(flagger, cid, "spam")
        assert r.status_code == 200 and "Bedankt voor je melding" in r.text
        assert comments(session)[0].flag_count == n and OK in make_pupil("3A").get(URL).text
    flag(flaggers[2], cid, "personal")
    assert comments(session)[0].status == "hidden"
    assert OK not in make_pupil("3B").get(URL).text
    assert "tijdelijk verborgen" in pupil.get(URL).text  # the author is told

    queue = council.get("/council/moderation").text
    assert OK in queue and "verborgen na meldingen" in queue
    assert "persoonlijke info, spam of reclame, spam of reclame" in queue

    assert approve(council, cid).status_code == 303
    [comment] = comments(session)
    assert (comment.status, comment.flag_count) == ("published", 0)
    assert OK in make_pupil("4A").get(URL).text
    # the same pupils cannot hide it again; a new flag starts counting from zero
    assert flag(flaggers[0], cid).status_code == 409
    assert flag(make_pupil("3B"), cid).status_code == 200
    assert comments(session)[0].flag_count == 1


def test_one_flag_per_participant(target, post_mode, pupil, make_pupil, session):
    cid = _published(pupil, session)
    flagger = make_pupil("3B")
    assert flag(flagger, cid).status_code == 200
    r = flag(flagger, cid, "spam")
    assert r.status_code == 409 and "al gemeld" in r.text
    # the same slip on another phone is the same participant
    again = make_pupil("3B", code=flagger.code)
    assert flag(again, cid).status_code == 409
    assert comments(session)[0].flag_count == 1
    assert len(session.exec(select(ContentFlag)).all()) == 1


def test_flags_are_checked(target, post_mode, pupil, make_pupil, session):
    cid = _published(pupil, session)
    r = flag(pupil, cid)
    assert r.status_code == 400 and "eigen reactie" in r.text
    flagger = make_pupil("3B")
    r = flag(flagger, cid, "saai")
    assert r.status_code == 400 and "Kies waarom" in r.text
    assert flag(flagger, 99999).status_code == 404
    set_school(session, post_mode.id, moderation_mode="pre")
    say(pupil, "Wacht nog")
    pending = comments(session)[1]
    assert flag(flagger, pending.id).status_code == 404  # nobody else can see it, so nobody can flag it
    assert session.exec(select(ContentFlag)).all() == []


def test_flag_pseudonyms_do_not_link_a_pupils_flags(target, post_mode, pupil, make_pupil, session):
    say(pupil, "een")
    say(pupil, "twee")
    flagger = make_pupil("3B")
    for c in comments(session):
        flag(flagger, c.id)
    pseudonyms = {f.pseudonym for f in session.exec(select(ContentFlag))}
    assert len(pseudonyms) == 2


def test_the_threshold_is_a_school_setting(target, post_mode, pupil, make_pupil, admin, session):
    cid = _published(pupil, session)
    flag(make_pupil("3B"), cid)
    assert comments(session)[0].status == "published"
    # lowering the threshold applies to comments that already have that many flags
    assert admin.form("/admin/moderation", {"mode": "post", "threshold": "1"}, follow_redirects=False).status_code == 303
    assert comments(session)[0].status == "hidden"


def test_rejecting_a_flagged_comment(target, post_mode, pupil, make_pupil, council, session):
    set_school(session, post_mode.id, flag_hide_threshold=1)
    cid = _published(pupil, session)
    flag(make_pupil("3B"), cid)
    assert reject(council, cid, "bullying").status_code == 303
    assert comments(session)[0].status == "rejected"
    assert "Reden: kwetsend of pesten." in pupil.get(URL).text


def test_htmx_flag_and_api_flag(target, post_mode, pupil, make_pupil, session):
    cid = _published(pupil, session)
    r = make_pupil("3B").htmx(f"/reacties/{cid}/melden", {"reason": "spam"})
    assert r.status_code == 200 and "<html" not in r.text and "Bedankt voor je melding" in r.text
    api_pupil = make_pupil("4A")
    r = api_pupil.post(f"/api/v1/comments/{cid}/flags", json={"reason": "ongepast"})
    assert r.status_code == 400
    r = api_pupil.post(f"/api/v1/comments/{cid}/flags", json={"reason": "inappropriate"})
    assert r.status_code == 200 and r.json() == {"flagged": True, "hidden": False}
    assert api_pupil.post(f"/api/v1/comments/{cid}/flags", json={"reason": "spam"}).status_code == 409


def test_the_database_refuses_a_second_flag_of_one_pseudonym(target, post_mode, pupil, session):
    import pytest
    from sqlalchemy.exc import IntegrityError

    cid = _published(pupil, session)
    row = dict(school_id=post_mode.id, target_kind="comment", target_id=cid, pseudonym="p" * 64, reason="spam")
    session.add(ContentFlag(**row))
    session.commit()
    session.add(ContentFlag(**row))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_simultaneous_flags_all_count(target, post_mode, pupil, session, engine):
    """Flags racing each other (separate transactions at once) still reach the threshold."""
    import secrets
    import threading

    from sqlmodel import Session

    from app.services import moderation
    from app.services.access import Participant

    set_school(session, post_mode.id, flag_hide_threshold=6)
    cid = _published(pupil, session)
    barrier, errors = threading.Barrier(6), []

    def flag_once():
        flagger = Participant(secret=secrets.token_bytes(32), code_id=0, group_id=0, school_id=post_mode.id)
        try:
            barrier.wait()
            with Session(engine) as s:
                moderation.flag_comment(s, flagger, cid, "spam")
                s.commit()
        except Exception as exc:  # collected and shown below
            errors.append(exc)

    threads = [threading.Thread(target=flag_once) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    comment = comments(session)[0]
    assert (comment.flag_count, comment.status) == (6, "hidden")


def test_a_flag_for_bullying_or_danger_reaches_the_queue_at_once(target, post_mode, pupil, make_pupil, council,
                                                                 session):
    cid = _published(pupil, session)
    r = flag(make_pupil("3B"), cid, "spam")
    assert "Na 3 meldingen verbergen we de reactie" in r.text  # what really happens to an ordinary flag
    assert OK not in council.get("/council/moderation").text
    r = flag(make_pupil("4A"), cid, "danger")
    assert "meteen bovenaan bij de leerlingenraad" in r.text and "Bel 112" in r.text
    [comment] = comments(session)
    assert (comment.status, comment.urgent) == ("published", False)  # still shown; its author is not told
    assert "Hulp nodig? Hier vind je hulplijnen." not in pupil.get(URL).text
    queue = council.get("/council/moderation").text
    assert OK in queue and "iemand is in gevaar" in queue and "verborgen na meldingen" not in queue
    assert "dringend" in queue
    assert approve(council, cid).status_code == 303
    assert OK not in council.get("/council/moderation").text
    assert comments(session)[0].status == "published"
    r = flag(make_pupil("3A"), cid, "bullying")
    assert "meteen bovenaan" in r.text and "Bel 112" not in r.text
    assert reject(council, cid, "bullying").status_code == 303
    assert comments(session)[0].status == "rejected"
