"""Comments follow their item: a pupil outside an item's audience, or before it opens, can
neither read nor write nor flag its comments, and learns nothing of its text."""

from datetime import timedelta

import sqlalchemy as sa

from app.models import Comment, Statement
from app.timeutil import utcnow
from support.voting import group_ids, make_statement, new_staff


def test_comments_on_a_class_only_statement_stay_in_that_class(make_pupil, session, school):
    council = new_staff(session, school)
    st = make_statement(session, council, "Alleen voor 3A: de klasuitstap", audience=group_ids(session, school, "3A"))
    inside, outside = make_pupil("3A"), make_pupil("4A")
    assert inside.form(f"/reacties/statement/{st.id}", {"body": "Goed idee, die uitstap"}).status_code == 200
    comment = session.exec(sa.select(Comment)).scalars().one()
    session.exec(sa.update(Comment).values(status="published"))
    session.commit()
    page = outside.get(f"/reacties/statement/{st.id}")
    assert page.status_code == 404 and "klasuitstap" not in page.text and "Goed idee" not in page.text
    r = outside.form(f"/reacties/statement/{st.id}", {"body": "Ik wil ook mee"})
    assert r.status_code == 404
    r = outside.form(f"/reacties/{comment.id}/melden", {"reason": "spam"})
    assert r.status_code == 404
    assert session.exec(sa.select(sa.func.count()).select_from(Comment)).scalar() == 1
    assert "Goed idee" in inside.get(f"/reacties/statement/{st.id}").text


def test_comments_of_an_item_that_has_not_opened_are_closed_too(make_pupil, session, school):
    council = new_staff(session, school)
    st = make_statement(session, council, "Stelling voor volgende week")
    session.exec(sa.update(Statement).where(Statement.id == st.id).values(opens_at=utcnow() + timedelta(days=2)))
    session.commit()
    pupil = make_pupil("3A")
    page = pupil.get(f"/reacties/statement/{st.id}")
    assert page.status_code == 404 and "volgende week" not in page.text
    assert pupil.form(f"/reacties/statement/{st.id}", {"body": "Te vroeg"}).status_code == 404
