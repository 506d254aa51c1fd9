"""Safe staff actions: no reason chosen in advance, a confirmation page before acts pupils feel at
once (revoking a code sheet, closing, not publishing, answering), and code sheets that can be
told apart. Each act posts and redirects: a reload never repeats it."""

import re
from urllib.parse import urlencode

from sqlmodel import select

from app.models import AuditEntry, CodeSheet
from app.services import access, proposals
from conftest import group_named
from support.proposals import author, counts, make_proposal, reload  # noqa: F401
from support.voting import make_poll, new_staff

TAG = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    return " ".join(TAG.sub(" ", html).split())


def sheets(session) -> list[CodeSheet]:
    session.expire_all()
    return list(session.exec(select(CodeSheet).order_by(CodeSheet.id)))


def test_no_reason_is_chosen_for_the_moderator(council, session, school, author):
    make_proposal(session, school, author, "submitted", title="Een naam erin")
    page = council.get("/council/proposals").text
    form = page[page.index('value="reject"'):]
    form = form[:form.index("</form>")]
    assert '<option value="">Kies een reden</option>' in form and " selected" not in form
    # choosing nothing changes nothing and says why
    p = proposals.by_state(session, school.id)["submitted"][0]
    before = counts(session, p.id)
    r = council.get(f"/staff/proposals/{p.id}/bevestig", params={"action": "reject", "reason": ""})
    assert r.status_code == 400 and "Kies een reden waarom het voorstel niet online komt." in r.text
    assert counts(session, p.id) == before and reload(session, p.id).state == "submitted"


def test_not_publishing_a_proposal_is_confirmed_first(council, session, school, author):
    p = make_proposal(session, school, author, "submitted", title="Meer bankjes")
    before = counts(session, p.id)
    page = council.get(f"/staff/proposals/{p.id}/bevestig", params={"action": "reject", "reason": "person"})
    assert page.status_code == 200
    assert "“Meer bankjes” niet publiceren?" in page.text
    assert "De indiener ziet deze reden: noemt of herkent een persoon." in text(page.text)
    assert counts(session, p.id) == before and reload(session, p.id).state == "submitted"  # only a page
    r = council.form(f"/staff/proposals/{p.id}/move", {"action": "reject", "reason": "person"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/council/proposals?klaar=reject#p{p.id}"
    assert reload(session, p.id).state == "rejected_by_moderation"
    assert "Het voorstel is niet gepubliceerd." in council.get(r.headers["location"]).text


def test_publishing_an_answer_shows_it_first_and_a_bad_answer_is_refused_there(management, session, school, author):
    p = make_proposal(session, school, author, "with_management")
    before = counts(session, p.id)
    r = management.get(f"/staff/proposals/{p.id}/bevestig", params={"action": "answer", "text": "Ja."})
    assert r.status_code == 400 and "Kies een beslissing" in r.text and counts(session, p.id) == before
    assert ">Ja.</textarea>" in r.text  # what was typed stays
    query = {"action": "answer", "decision": "partly", "text": "Deels: de bankjes komen in mei."}
    page = management.get(f"/staff/proposals/{p.id}/bevestig?{urlencode(query)}").text
    assert "Antwoord op “Meer bankjes” publiceren?" in page and "Deels aanvaard" in page
    assert "Deels: de bankjes komen in mei." in page and counts(session, p.id) == before
    r = management.form(f"/staff/proposals/{p.id}/move", query, follow_redirects=False)
    assert r.status_code == 303 and reload(session, p.id).state == "answered"
    assert "Je antwoord staat op de openbare tijdlijn." in management.get(r.headers["location"]).text
    # a reload of the page it went to repeats nothing
    management.get(r.headers["location"])
    assert counts(session, p.id)[0] == before[0] + 1


def test_closing_a_proposal_is_confirmed_first(council, session, school, author):
    p = make_proposal(session, school, author, "in_progress")
    page = council.get("/council/proposals").text
    assert f'method="get" action="/staff/proposals/{p.id}/bevestig"' in page
    query = {"action": "close", "outcome": "done", "text": "De bankjes staan er."}
    confirm = council.get(f"/staff/proposals/{p.id}/bevestig", params=query).text
    assert "“Meer bankjes” afsluiten?" in confirm and "De bankjes staan er." in confirm
    assert reload(session, p.id).state == "in_progress"
    council.form(f"/staff/proposals/{p.id}/move", query)
    assert reload(session, p.id).state == "done"


def test_closing_a_poll_is_confirmed_first(council, session, school):
    poll = make_poll(session, council.staff)
    item = council.get(f"/council/voting/polls/{poll.id}").text
    assert f'href="/council/voting/polls/{poll.id}/sluiten"' in item and f"/polls/{poll.id}/close\"" not in item
    confirm = council.get(f"/council/voting/polls/{poll.id}/sluiten").text
    assert "nu sluiten?" in confirm and "Wie wat stemde, wordt gewist" in confirm
    assert f'action="/council/voting/polls/{poll.id}/close"' in confirm
    r = council.form(f"/council/voting/polls/{poll.id}/close", follow_redirects=False)
    assert r.status_code == 303
    assert "gesloten" in council.get(f"/council/voting/polls/{poll.id}").text
    # once closed, the confirmation page sends back to the item
    assert council.get(f"/council/voting/polls/{poll.id}/sluiten", follow_redirects=False).status_code == 303


def test_two_sheets_of_one_class_and_day_can_be_told_apart(app, admin, session, school):
    admin.form("/admin/codes", {"group": "3A", "count": "3"})
    admin.form("/admin/codes", {"group": "3A", "count": "2", "label": "  eerste   lesuur "})
    first, second = sheets(session)
    assert (first.number, second.number) == (1, 2) and second.label == "eerste lesuur"
    page = text(admin.get("/admin/codes").text)
    assert re.search(r"Blad 1 · 3A · \d+ \w+ \d{4} 3 strookjes", page)
    assert re.search(r"Blad 2 · 3A · eerste lesuur · \d+ \w+ \d{4} 2 strookjes", page)
    # the printed sheet carries the number too
    sheet_page = text(admin.form("/admin/codes", {"group": "3B", "count": "1"}).text)
    assert "Blad 3 · 3B" in sheet_page
    r = admin.form("/admin/codes", {"group": "3A", "count": "1", "label": "x" * 61})
    assert r.status_code == 400 and "hoogstens 60 tekens" in r.text and len(sheets(session)) == 3


def test_revoking_a_sheet_is_confirmed_first_and_said_in_the_log(app, admin, session, school, new_codes):
    code = new_codes("3A", 2)[0]
    sheet = sheets(session)[0]
    page = admin.get("/admin/codes").text
    assert f'href="/admin/codes/{sheet.id}/intrekken"' in page and "/revoke" not in page
    confirm = admin.get(f"/admin/codes/{sheet.id}/intrekken").text
    assert f"Blad {sheet.number} · 3A" in confirm and "De 2 codes van dit blad werken daarna niet meer." in confirm
    assert f'<button class="danger">Ja, blad {sheet.number} intrekken</button>' in confirm
    assert sheets(session)[0].revoked_at is None
    r = admin.form(f"/admin/codes/{sheet.id}/revoke", follow_redirects=False)
    assert r.status_code == 303 and sheets(session)[0].revoked_at is not None
    done = text(admin.get(r.headers["location"]).text)
    assert f"Blad {sheet.number} · 3A" in done and "is ingetrokken" in done
    assert admin.form("/aanmelden", {"code": code}).status_code == 400  # the code no longer works
    log = text(admin.get("/admin/audit").text)
    username = admin.staff.username
    assert re.search(rf"{username} trok codeblad {sheet.number} \(3A, \d+ \w+ \d{{4}}\) in\. beheerder", log)
    assert "codes.revoke" not in log


def test_not_publishing_a_proposal_from_the_queue_is_confirmed_and_goes_back_there(council, session, school, author):
    p = make_proposal(session, school, author, "submitted", title="Meer bankjes")
    queue = council.get("/council/moderation").text
    item = queue[queue.index(f'id="q-proposal-{p.id}"'):]
    item = item[:item.index("</li>")]
    assert f'method="get" action="/staff/proposals/{p.id}/bevestig"' in item and "Afwijzen…" in item
    query = {"action": "reject", "reason": "offtopic", "queue": "1"}
    confirm = council.get(f"/staff/proposals/{p.id}/bevestig", params=query).text
    assert 'href="/council/moderation"' in confirm and 'name="queue" value="1"' in confirm
    assert reload(session, p.id).state == "submitted"
    r = council.form(f"/staff/proposals/{p.id}/move", query, follow_redirects=False)
    assert r.headers["location"] == "/council/moderation?klaar=reject"
    assert reload(session, p.id).state == "rejected_by_moderation" and reload(session, p.id).rejection_reason == "offtopic"
