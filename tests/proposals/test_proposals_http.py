"""Proposal pages over HTTP: the board, submitting, the author's own list, staff moves, admin settings."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from app.models import AuditEntry
from app.models.proposals import Proposal, ProposalCategory, SchoolHoliday
from app.services import moderation, proposals
from app.timeutil import today
from support.proposals import author, category_id, counts, make_proposal, new_participant, reload  # noqa: F401
from support import set_school

CRISIS = "Ik wil dood, ik zie het niet meer zitten"


def submit(client, session, school, title="Fietsenstalling met een dak", body="Als het regent, worden onze fietsen nat.",
           category="Lokalen en speelplaats", **kwargs):
    return client.form("/voorstellen", {"title": title, "body": body,
                                        "category": str(category_id(session, school, category))}, **kwargs)


def stored(session) -> list[Proposal]:
    session.expire_all()
    return list(session.exec(select(Proposal).order_by(Proposal.id)))


# --- the board ------------------------------------------------------------------------------------

def test_board_is_public_and_shows_only_public_proposals(client, session, school, author):
    for state in proposals.STATES:
        make_proposal(session, school, author, state, title=f"Voorstel {state}")
    page = client.get("/voorstellen")
    assert page.status_code == 200
    assert "Wat deden we ermee?" in page.text
    for state in proposals.STATES:
        shown = f"Voorstel {state}" in page.text
        assert shown == (state in proposals.PUBLIC_STATES), state
    assert "Antwoord van de directie uiterlijk op" in page.text


def test_board_filters_by_state_and_category(client, session, school, author):
    make_proposal(session, school, author, "done", title="Klaar voorstel", category="Welzijn")
    make_proposal(session, school, author, "published", title="Open voorstel", category="Uitstappen")
    done = client.get("/voorstellen?state=done").text
    assert "Klaar voorstel" in done and "Open voorstel" not in done
    trips = client.get(f"/voorstellen?category={category_id(session, school, 'Uitstappen')}").text
    assert "Open voorstel" in trips and "Klaar voorstel" not in trips
    assert "Klaar voorstel" in client.get("/voorstellen?state=nonsense&category=abc").text  # odd input: all


def test_board_filter_over_htmx_returns_the_list_only(client, session, school, author):
    make_proposal(session, school, author, "published", title="Open voorstel")
    part = client.get("/voorstellen?state=published", headers={"HX-Request": "true"}).text
    assert part.lstrip().startswith('<section id="board-list"') and "Open voorstel" in part
    assert "<html" not in part


def test_overdue_proposals_are_marked_on_board_and_page(client, session, school, author):
    proposal = make_proposal(session, school, author, "with_management", title="Te laat")
    p = reload(session, proposal.id)
    p.deadline = today() - timedelta(days=1)
    session.add(p)
    session.commit()
    assert "te laat: nog geen antwoord" in client.get("/voorstellen").text
    page = client.get(f"/voorstellen/{p.id}").text
    assert "te laat: nog geen antwoord" in page and "Dat is nog niet gebeurd" in page
    p.deadline = today()
    session.add(p)
    session.commit()
    assert "te laat" not in client.get(f"/voorstellen/{p.id}").text


def test_proposal_page_shows_the_dated_timeline(client, session, school, author):
    proposal = make_proposal(session, school, author, "done")
    page = client.get(f"/voorstellen/{proposal.id}").text
    for label in ("Ingediend door een leerling", "Nagelezen en gepubliceerd", "Doorgestuurd naar de directie",
                  "Antwoord van de directie", "Deels aanvaard", "De uitvoering is gestart", "Afgesloten: gedaan"):
        assert label in page
    assert re.search(r"<strong>\d{1,2} \w{3} \d{4}</strong>", page)  # a day, never a time
    assert not re.search(r"\d{1,2}:\d{2}", page)


def test_unknown_and_hidden_proposals_are_404(client, session, school, author):
    hidden = make_proposal(session, school, author, "submitted")
    assert client.get("/voorstellen/999999").status_code == 404
    assert client.get(f"/voorstellen/{hidden.id}").status_code == 404
    assert client.get("/voorstellen/abc").status_code == 404


# --- submitting -----------------------------------------------------------------------------------

def test_pupil_submits_and_only_the_author_and_staff_see_it(pupil, make_pupil, council, client, session, school):
    assert pupil.get("/voorstellen/nieuw").status_code == 200
    page = submit(pupil, session, school)
    assert page.status_code == 200
    assert "De leerlingenraad leest je tekst eerst na" in page.text
    [p] = stored(session)
    assert (p.state, p.title) == ("submitted", "Fietsenstalling met een dak")
    assert "Fietsenstalling met een dak" in pupil.get("/voorstellen/mijn").text
    assert pupil.get(f"/voorstellen/{p.id}").status_code == 200
    assert make_pupil("3B").get(f"/voorstellen/{p.id}").status_code == 404
    assert client.get(f"/voorstellen/{p.id}").status_code == 404
    assert council.get(f"/voorstellen/{p.id}").status_code == 200
    assert "Fietsenstalling" not in client.get("/voorstellen").text


def test_my_list_is_checked_against_the_author_tag(pupil, make_pupil, session, school):
    submit(pupil, session, school)
    other = make_pupil("3A")
    other.cookies.set("inspraak_mine", pupil.cookies.get("inspraak_mine"))  # a copied cookie proves nothing
    assert "Fietsenstalling" not in other.get("/voorstellen/mijn").text
    pupil.cookies.set("inspraak_mine", "tampered")
    assert pupil.get("/voorstellen/mijn").status_code == 200


def test_submitting_needs_a_code(client, session, school):
    assert client.get("/voorstellen/nieuw", follow_redirects=False).status_code == 303
    assert submit(client, session, school, follow_redirects=False).status_code == 303
    assert stored(session) == []


@pytest.mark.parametrize("field,value,message", [
    ("title", "", "Geef je voorstel een titel"),
    ("title", "x" * 121, "Geef je voorstel een titel"),
    ("body", "kort", "Leg je voorstel uit"),
    ("body", "x" * 2001, "Leg je voorstel uit"),
])
def test_bad_input_is_refused_with_a_message(pupil, session, school, field, value, message):
    page = submit(pupil, session, school, **{field: value})
    assert page.status_code == 400 and message in page.text
    assert stored(session) == []


def test_unknown_category_is_refused(pupil, session, school):
    page = pupil.form("/voorstellen", {"title": "Een titel", "body": "Een uitleg van genoeg tekens.", "category": "999"})
    assert page.status_code == 400 and "Kies een categorie" in page.text
    assert stored(session) == []


def test_crisis_text_shows_help_and_is_urgent(pupil, session, school):
    page = submit(pupil, session, school, body=CRISIS)
    assert "Awel" in page.text and "1813" in page.text
    [p] = stored(session)
    assert p.urgent and p.state == "submitted"


def test_posting_budget(pupil, session, school):
    for i in range(moderation.POST_LIMIT):
        assert submit(pupil, session, school, title=f"Voorstel nummer {i}").status_code == 200
    refused = submit(pupil, session, school, title="Eén te veel")
    assert refused.status_code == 429 and "Wacht tien minuten" in refused.text
    assert len(stored(session)) == moderation.POST_LIMIT


def test_over_the_budget_no_thanks_for_a_proposal_never_stored(pupil, session, school):
    for i in range(moderation.POST_LIMIT):
        submit(pupil, session, school, title=f"Voorstel nummer {i}")
    refused = submit(pupil, session, school, title="Eén te veel")
    assert "Je hebt veel na elkaar geschreven" in refused.text
    assert "Bedankt!" not in refused.text and "leest je tekst eerst na" not in refused.text
    assert "Eén te veel" not in [p.title for p in stored(session)]


def test_over_the_budget_a_text_in_distress_still_shows_the_help_lines(pupil, session, school):
    for i in range(moderation.POST_LIMIT):
        submit(pupil, session, school, title=f"Voorstel nummer {i}")
    refused = submit(pupil, session, school, title="Het gaat niet", body=CRISIS)
    assert refused.status_code == 429 and "Wacht tien minuten" in refused.text
    assert "Awel" in refused.text and "Bedankt!" not in refused.text


# --- the author's own moves -----------------------------------------------------------------------

def test_author_sees_why_it_was_rejected(pupil, council, session, school):
    submit(pupil, session, school)
    [p] = stored(session)
    r = council.form(f"/staff/proposals/{p.id}/move", {"action": "reject", "reason": "person"}, follow_redirects=False)
    assert r.status_code == 303
    mine = pupil.get("/voorstellen/mijn").text
    assert "Niet gepubliceerd" in mine and "noemt of herkent een persoon" in mine
    assert "noemt of herkent een persoon" in pupil.get(f"/voorstellen/{p.id}").text


def test_author_withdraws_and_others_may_not(pupil, make_pupil, council, session, school):
    submit(pupil, session, school)
    [p] = stored(session)
    council.form(f"/staff/proposals/{p.id}/move", {"action": "approve"})
    refused = make_pupil("3B").form(f"/voorstellen/{p.id}/intrekken")
    assert refused.status_code == 403 and "Alleen de indiener" in refused.text
    assert reload(session, p.id).state == "published"
    r = pupil.form(f"/voorstellen/{p.id}/intrekken", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/voorstellen/mijn"
    assert reload(session, p.id).state == "withdrawn"
    again = pupil.form(f"/voorstellen/{p.id}/intrekken")
    assert again.status_code == 403 and "kan je niet intrekken" in again.text


# --- staff moves over HTTP ------------------------------------------------------------------------

MOVES = [  # (who, state, form, expected status, state afterwards)
    ("council", "submitted", {"action": "approve"}, 303, "published"),
    ("council", "published", {"action": "forward", "text": "Belangrijk."}, 303, "with_management"),
    ("council", "with_management", {"action": "answer", "decision": "accepted", "text": "Ja."}, 403, "with_management"),
    ("management", "with_management", {"action": "answer", "decision": "accepted", "text": "Ja."}, 303, "answered"),
    ("management", "submitted", {"action": "approve"}, 403, "submitted"),
    ("management", "answered", {"action": "close", "outcome": "done", "text": "Klaar."}, 403, "answered"),
    ("council", "answered", {"action": "start"}, 303, "in_progress"),
    ("council", "in_progress", {"action": "update", "text": "Nieuws."}, 303, "in_progress"),
    ("council", "in_progress", {"action": "close", "outcome": "not_done", "text": "Lukte niet.",
                                "review_date": "2099-06-01"}, 303, "not_done"),
    ("council", "published", {"action": "close", "outcome": "done", "text": "Klaar."}, 403, "published"),
    ("council", "done", {"action": "update", "text": "Nog iets."}, 403, "done"),
    ("council", "published", {"action": "withdraw"}, 403, "published"),
    ("admin", "submitted", {"action": "approve"}, 403, "submitted"),
    ("council", "published", {"action": "forward", "text": ""}, 400, "published"),
    ("council", "in_progress", {"action": "close", "outcome": "done", "text": "x", "review_date": "morgen"}, 400,
     "in_progress"),
    ("council", "published", {"action": "fly"}, 400, "published"),
]


@pytest.mark.parametrize("who,state,form,status,after", MOVES,
                         ids=[f"{m[0]}-{m[1]}-{m[2]['action']}-{m[3]}" for m in MOVES])
def test_staff_moves_over_http(make_staff, session, school, author, who, state, form, status, after):
    proposal = make_proposal(session, school, author, state)
    before = counts(session, proposal.id)
    r = make_staff(who).form(f"/staff/proposals/{proposal.id}/move", form, follow_redirects=False)
    assert r.status_code == status, r.text
    assert reload(session, proposal.id).state == after
    if status != 303:
        assert counts(session, proposal.id) == before
        assert "<p class=\"msg error\"" in r.text or "Dat " in r.text


def test_staff_move_records_audit_and_timeline(council, session, school, author):
    proposal = make_proposal(session, school, author, "published")
    council.form(f"/staff/proposals/{proposal.id}/move", {"action": "forward", "text": "Dit is dringend."})
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "proposal.forward")).one()
    assert (entry.staff_id, entry.target_kind, entry.target_id) == (council.staff.id, "proposal", proposal.id)
    assert proposals.timeline(session, proposal.id)[-1].text == "Dit is dringend."


def test_pupils_and_strangers_cannot_use_the_staff_route(pupil, client, session, school, author):
    proposal = make_proposal(session, school, author, "submitted")
    r = pupil.form(f"/staff/proposals/{proposal.id}/move", {"action": "approve"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")
    assert reload(session, proposal.id).state == "submitted"


def test_council_page_offers_the_allowed_moves(council, session, school, author):
    for state in ("submitted", "published", "answered", "in_progress", "done"):
        make_proposal(session, school, author, state, title=f"Voorstel {state}")
    page = council.get("/council/proposals").text
    for button in ("Publiceren", "Niet publiceren", "Doorsturen naar de directie", "Uitvoering starten",
                   "Nieuws plaatsen", "Afsluiten"):
        assert button in page
    assert "Antwoord publiceren" not in page


def test_management_answers_in_deadline_order(management, session, school, author):
    later = make_proposal(session, school, author, "with_management", title="Later")
    sooner = make_proposal(session, school, author, "with_management", title="Eerder")
    p = reload(session, sooner.id)
    p.deadline = p.deadline - timedelta(days=3)
    session.add(p)
    session.commit()
    page = management.get("/management/proposals").text
    assert page.index("Eerder") < page.index("Later")
    r = management.form(f"/staff/proposals/{later.id}/move", {"action": "answer", "decision": "declined", "text": ""})
    assert r.status_code == 400 and "Leg je beslissing uit" in r.text
    assert reload(session, later.id).state == "with_management"


def test_staff_pages_need_the_right_role(council, management, admin):
    assert council.get("/management/proposals").status_code == 403
    assert management.get("/council/proposals").status_code == 403
    assert council.get("/admin/proposals").status_code == 403
    assert admin.get("/admin/proposals").status_code == 200


def test_staff_links(council, management, admin):
    assert "/council/proposals" in council.get("/staff").text
    assert "/management/proposals" in management.get("/staff").text
    assert "/admin/proposals" in admin.get("/staff").text


# --- shared moderation queue ----------------------------------------------------------------------

def test_submitted_proposals_are_in_the_moderation_queue(pupil, session, school):
    from app.services import staff as staff_service

    submit(pupil, session, school, body=CRISIS)
    submit(pupil, session, school, title="Tweede voorstel")
    [first, second] = stored(session)
    queue = [i for i in moderation.queue(session, school.id) if i.kind == "proposal"]
    assert [i.id for i in queue] == [first.id, second.id] and queue[0].urgent
    staff = staff_service.create_staff(session, school.id, "raad9", "council", "correct horse battery")
    moderation.decide(session, staff, "proposal", second.id, "approve", "",
                      "Tweede voorstel zonder naam\n\nAls het regent, worden de fietsen nat.")
    moderation.decide(session, staff, "proposal", first.id, "reject", "private")
    session.commit()
    approved, rejected = reload(session, second.id), reload(session, first.id)
    assert (approved.state, approved.title) == ("published", "Tweede voorstel zonder naam")
    assert approved.body == "Als het regent, worden de fietsen nat."
    assert (rejected.state, rejected.rejection_reason) == ("rejected_by_moderation", "private")
    assert proposals.timeline(session, second.id)[-1].action == "approve"
    actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.target_kind == "proposal"))]
    assert sorted(actions) == ["moderation.approve", "moderation.edit", "moderation.reject"]  # no double entries


def test_comment_target_is_only_for_public_proposals(session, school, author):
    public = make_proposal(session, school, author, "published", title="Open")
    hidden = make_proposal(session, school, author, "submitted", title="Verborgen")
    target = moderation.COMMENT_TARGETS["proposal"]
    assert target(session, school.id, public.id) == "Open"
    assert target(session, school.id, hidden.id) is None
    assert target(session, school.id + 1, public.id) is None
    assert target(session, school.id, 999999) is None


# --- admin: threshold, categories, holidays -------------------------------------------------------

def test_admin_sets_threshold_and_days(admin, session, school, new_codes):
    new_codes("3A", 40)
    r = admin.form("/admin/proposals/settings", {"kind": "percent", "percent": "10", "response_days": "10"},
                   follow_redirects=False)
    assert r.status_code == 303
    session.expire_all()
    s = session.get(type(school), school.id)
    assert (s.support_threshold_percent, s.response_days) == (10, 10)
    assert proposals.support_threshold(session, s) == 4  # 10 % of 40 codes
    new_codes("4A", 1)
    assert proposals.support_threshold(session, s) == 5  # rounded up: 4.1 → 5
    assert "Nu nodig: 5 steunen" in admin.get("/admin/proposals").text
    admin.form("/admin/proposals/settings", {"kind": "number", "number": "12", "response_days": "15"})
    session.expire_all()
    s = session.get(type(school), school.id)
    assert (s.support_threshold, s.support_threshold_percent, s.response_days) == (12, None, 15)
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "proposal.settings")).all()


@pytest.mark.parametrize("form,message", [
    ({"kind": "number", "number": "0", "response_days": "15"}, "tussen 1 en 10000"),
    ({"kind": "percent", "percent": "101", "response_days": "15"}, "tussen 1 en 100"),
    ({"kind": "number", "number": "10", "response_days": "0"}, "tussen 1 en 60"),
    ({"kind": "wat", "number": "10", "response_days": "5"}, "Kies een aantal of een percentage"),
])
def test_admin_settings_are_validated(admin, session, school, form, message):
    r = admin.form("/admin/proposals/settings", form)
    assert r.status_code == 400 and message in r.text
    session.expire_all()
    assert session.get(type(school), school.id).support_threshold == 25


def test_lowering_the_threshold_moves_proposals_that_have_enough(admin, app, session, school, author):
    set_school(session, school.id, k_anonymity=3)
    proposal = make_proposal(session, school, author, "published")
    for _ in range(3):
        proposals.support(session, new_participant(app, session, school), proposal.id)
    session.commit()
    admin.form("/admin/proposals/settings", {"kind": "number", "number": "3", "response_days": "15"})
    p = reload(session, proposal.id)
    assert p.state == "with_management" and p.deadline is not None
    assert proposals.timeline(session, p.id)[-1].action == "threshold"


def test_admin_manages_categories(admin, session, school):
    page = admin.get("/admin/proposals").text
    for name in proposals.DEFAULT_CATEGORIES:
        assert name in page
    assert admin.form("/admin/proposals/categories", {"name": "  Sport  "}, follow_redirects=False).status_code == 303
    dup = admin.form("/admin/proposals/categories", {"name": "sport"})
    assert dup.status_code == 409 and "bestaat al" in dup.text
    sport = session.exec(select(ProposalCategory).where(ProposalCategory.name == "Sport")).one()
    admin.form(f"/admin/proposals/categories/{sport.id}", {"name": "Sport en spel"})
    session.expire_all()
    assert session.get(ProposalCategory, sport.id).name == "Sport en spel"
    assert admin.form("/admin/proposals/categories/999999", {"name": "X"}).status_code == 404
    assert admin.form("/admin/proposals/categories", {"name": ""}).status_code == 400


def test_admin_manages_holidays(admin, session, school):
    r = admin.form("/admin/proposals/holidays", {"first_day": "2026-12-21", "last_day": "2027-01-03",
                                                 "label": "Kerstvakantie"}, follow_redirects=False)
    assert r.status_code == 303
    assert "Kerstvakantie" in admin.get("/admin/proposals").text
    assert admin.form("/admin/proposals/holidays", {"first_day": "2026-12-21", "last_day": "2026-12-01"}).status_code == 400
    assert admin.form("/admin/proposals/holidays", {"first_day": "kerst"}).status_code == 400
    assert admin.form("/admin/proposals/holidays", {"first_day": ""}).status_code == 400
    [holiday_id] = session.exec(select(SchoolHoliday.id)).all()
    admin.form(f"/admin/proposals/holidays/{holiday_id}/delete")
    session.expire_all()
    assert session.exec(select(SchoolHoliday)).all() == []
    assert admin.form(f"/admin/proposals/holidays/{holiday_id}/delete").status_code == 404
