"""Plain words on staff pages: agreement between the years in sentences, not scores; the log in
sentences with role names in the reader's language, never action codes."""

import re

from app.services import voting
from support.proposals import author, make_proposal  # noqa: F401
from support.voting import make_statement, participant, set_k

TAG = re.compile(r"<[^>]+>")
JARGON = ("Eensgezindheid", "eensgezindheid", "Verdeeldheid", "punten", "mediaan", "Atom")


def text(html: str) -> str:
    return " ".join(TAG.sub(" ", html).split())


def test_agreement_between_the_years_in_sentences(app, council, session, school, new_codes):
    set_k(session, school, 3)
    st = make_statement(session, council.staff, "Er moeten meer bankjes komen")
    for group, answer, n in (("3A", "agree", 8), ("3A", "disagree", 3), ("3A", "pass", 3),
                             ("4A", "agree", 3), ("4A", "disagree", 8), ("4A", "pass", 3)):
        for _i in range(n):
            voting.vote_statement(session, participant(app, session, new_codes, group), school, st.id, answer)
    voting.close_now(session, council.staff, "statement", st.id)
    session.commit()
    for page in (text(council.get("/council/voting").text), text(council.get(f"/council/voting/statements/{st.id}").text)):
        assert not [word for word in JARGON if word in page], page
        # 3de jaar: 8 of 14 agree, 4de jaar: 3 of 14: the years think differently, 36 in 100 apart
        assert "De jaren zijn het hier samen niet mee eens." in page, page
        assert "in het ene jaar is 36 op de 100 leerlingen vaker ‘eens’ dan in het andere" in page


def test_the_log_speaks_in_sentences_with_role_names(admin, make_staff, session, school, author):
    management = make_staff("management", "directeur")
    p = make_proposal(session, school, author, "with_management", title="Meer bankjes")
    management.form(f"/staff/proposals/{p.id}/move", {"action": "answer", "decision": "accepted", "text": "Ja."})
    admin.form("/admin/groups", {"name": "5C", "parent": ""})
    page = text(admin.get("/admin/audit").text)
    assert f"directeur beantwoordde voorstel {p.id}. directie" in page
    assert f"{admin.staff.username} maakte de groep 5C. beheerder" in page
    assert not re.search(r"\b(proposal|group|codes)\.[a-z_]+\b", page)  # no action codes
    assert "Meer bankjes" not in page  # a pupil's words are not repeated in the log
    admin.get("/lang/en")
    page = text(admin.get("/admin/audit").text)
    assert f"directeur answered proposal {p.id}. management" in page
