"""Admin settings and the name list; the audit log of every moderation act; the posting budget; demo."""

import csv
import io

from sqlmodel import select

from app.demo import moderation as moderation_demo
from app.models import Comment, School, ScreeningName
from app.services import moderation
from support.moderation import (CRISIS, OK, approve, audit_actions, comments, reject, say,
                                target)  # noqa: F401


def test_posting_budget_per_participant(target, pupil, make_pupil, session):
    for n in range(moderation.POST_LIMIT):
        assert say(pupil, f"Reactie {n}").status_code == 200
    r = say(pupil, "Nog eentje")
    assert r.status_code == 429 and "Je hebt veel na elkaar geschreven. Wacht tien minuten" in r.text
    assert "Nog eentje" in r.text  # kept in the form
    assert len(comments(session)) == moderation.POST_LIMIT
    # a pupil in distress still sees the help lines, even when nothing could be stored
    r = say(pupil, CRISIS)
    assert r.status_code == 429 and 'href="tel:1813"' in r.text
    # the budget is per participant, and the API shares it
    assert say(make_pupil("3B"), "Ik mag nog").status_code == 200
    assert pupil.post("/api/v1/comments/testitem/1", json={"body": "via de API"}).status_code == 429
    assert len(comments(session)) == moderation.POST_LIMIT + 1


def test_invalid_posts_do_not_use_the_budget(target, pupil, session):
    for _ in range(moderation.POST_LIMIT + 2):
        say(pupil, "")
    assert say(pupil, OK).status_code == 200


def test_admin_settings_page(admin, council, session, school):
    page = admin.get("/admin/moderation").text
    assert 'value="pre" selected' in page and 'value="3"' in page
    assert council.get("/admin/moderation").status_code == 403
    assert council.form("/admin/moderation", {"mode": "post", "threshold": "2"}).status_code == 403
    r = admin.form("/admin/moderation", {"mode": "post", "threshold": "2"}, follow_redirects=False)
    assert r.status_code == 303
    assert "Bewaard." in admin.get(r.headers["location"]).text
    session.expire_all()
    saved = session.get(School, school.id)
    assert (saved.moderation_mode, saved.flag_hide_threshold) == ("post", 2)
    for bad, message in (({"mode": "soms", "threshold": "2"}, "vooraf of achteraf"),
                         ({"mode": "pre", "threshold": "0"}, "tussen 1 en 50"),
                         ({"mode": "pre", "threshold": "99"}, "tussen 1 en 50")):
        r = admin.form("/admin/moderation", bad)
        assert r.status_code == 400 and message in r.text
    assert admin.form("/admin/moderation", {"mode": "pre", "threshold": "veel"}).status_code == 400
    session.expire_all()
    assert session.get(School, school.id).moderation_mode == "post"


def test_name_list_holds_texts_that_name_someone(target, admin, pupil, make_pupil, session, school):
    school_row = session.get(School, school.id)
    school_row.moderation_mode = "post"
    session.add(school_row)
    session.commit()
    r = admin.form("/admin/moderation/names", {"names": "Janssens\n  De  Smet \n\njanssens\nPeeters"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert moderation.school_names(session, school.id) == ["De Smet", "Janssens", "Peeters"]
    assert "De Smet" in admin.get("/admin/moderation").text
    say(pupil, "Mevrouw de smet is de beste")
    assert comments(session)[0].status == "pending" and comments(session)[0].verdict == "person"
    r = admin.form("/admin/moderation/names", {"names": "X"})
    assert r.status_code == 400 and "2 tot 80 tekens" in r.text
    assert len(session.exec(select(ScreeningName)).all()) == 3


def test_every_moderation_act_is_in_the_audit_log(target, make_pupil, council, admin, session):
    for text in ("Eerste", "Tweede met Janssens erin", CRISIS):
        say(make_pupil("3A"), text)
    first, second, crisis = comments(session)
    approve(council, first.id)
    approve(council, second.id, text="Tweede met ... erin")
    reject(council, crisis.id, "private")
    admin.form("/admin/moderation", {"mode": "post", "threshold": "4"})
    admin.form("/admin/moderation/names", {"names": "Janssens\nPeeters"})
    assert audit_actions(session) == [
        ("moderation.approve", "comment", first.id, "verdict=ok"),
        ("moderation.approve", "comment", second.id, "verdict=ok"),
        ("moderation.edit", "comment", second.id, "tekst aangepast: 24 -> 19 tekens"),
        ("moderation.reject", "comment", crisis.id, "verdict=crisis, dringend, reden=private"),
        ("moderation.settings", "school", first.school_id, "mode=post, drempel=4"),
        ("moderation.names", "school", first.school_id, "2 namen"),
    ]
    page = admin.get("/admin/audit").text
    assert page.count(council.staff.username) == 4 and f"{council.staff.username} wees een reactie af." in page
    rows = list(csv.reader(io.StringIO(admin.get("/admin/audit.csv").text)))
    action = rows[0].index("action")
    assert {r[action] for r in rows[1:]} == {"moderation.approve", "moderation.edit", "moderation.reject",
                                             "moderation.settings", "moderation.names"}
    # who, what and when; never the pupil's text, a name taken out, or anything about the pupil
    log = "\n".join(",".join(r) for r in rows)
    for secret in ("Eerste", "Janssens", "Peeters", "dood", first.author_tag, first.author_nonce):
        assert secret not in log


def test_a_failed_decision_writes_nothing(target, pupil, council, session):
    say(pupil, OK)
    cid = comments(session)[0].id
    council.form(f"/council/moderation/comment/{cid}", {"decision": "reject", "reason": ""})
    approve(council, cid)
    approve(council, cid)  # already decided
    assert [a for a, *_ in audit_actions(session)] == ["moderation.approve"]


def test_demo_without_proposals_seeds_only_the_name_list(session, school):
    saved = moderation.COMMENT_TARGETS.pop("proposal", None)
    try:
        moderation_demo.load(session, school, b"k" * 32)
    finally:
        if saved:
            moderation.COMMENT_TARGETS["proposal"] = saved
    assert moderation.school_names(session, school.id) == ["Janssens", "Peeters"]
    assert session.exec(select(Comment)).all() == []


def test_demo_comments_on_the_first_public_proposal(session, school):
    saved = moderation.COMMENT_TARGETS.get("proposal")
    moderation.COMMENT_TARGETS["proposal"] = lambda s, sid, iid, reader=None: "Demo-voorstel" if iid == 2 else None
    try:
        moderation_demo.load(session, school, b"k" * 32)
    finally:
        if saved:
            moderation.COMMENT_TARGETS["proposal"] = saved
        else:
            moderation.COMMENT_TARGETS.pop("proposal", None)
    rows = session.exec(select(Comment).order_by(Comment.position)).all()
    assert [(c.target_id, c.status, c.urgent) for c in rows] == [
        (2, "published", False), (2, "published", False), (2, "pending", True)]
    assert [(i.kind, i.verdict) for i in moderation.queue(session, school.id)] == [("comment", "crisis")]
