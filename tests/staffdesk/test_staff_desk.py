"""The staff desk: counters on each staff start page; management sees why the council forwarded a
proposal and the days left or late, may ask for more time once with a new public date, and may
correct a published answer (the old one stays on the timeline, marked corrected)."""

import re
from datetime import timedelta

from app.services import proposals
from app.timeutil import today
from support.moderation import CRISIS, OK, say, target  # noqa: F401
from support.proposals import author, counts, make_proposal, new_participant, reload  # noqa: F401

TAG = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    return " ".join(TAG.sub(" ", html).split())


def counter(page: str, label: str) -> int:
    found = re.search(rf"<strong>(\d+)</strong> <span>{re.escape(label)}</span>", page)
    assert found, f"no counter {label!r}"
    return int(found.group(1))


def set_deadline(session, proposal, deadline):
    proposal = reload(session, proposal.id)
    proposal.deadline = deadline
    session.add(proposal)
    session.commit()
    return proposal


def test_counters_on_each_staff_start_page(app, session, school, author, target, make_pupil, make_staff):
    council, management, admin = make_staff("council"), make_staff("management"), make_staff("admin")
    say(make_pupil(), OK)
    say(make_pupil(), CRISIS)
    make_proposal(session, school, author, "published", title="Eén")
    make_proposal(session, school, author, "published", title="Twee")
    late = make_proposal(session, school, author, "with_management", title="Laat")
    set_deadline(session, late, today() - timedelta(days=3))
    make_proposal(session, school, author, "with_management", title="Op tijd")
    page = council.get("/staff").text
    assert counter(page, "teksten wachten op nalezen") == 2 and counter(page, "daarvan dringend") == 1
    assert counter(page, "voorstellen zoeken steun: doorsturen kan") == 2
    assert 'class="counter alert" href="/council/moderation"><strong>1</strong>' in page
    page = management.get("/staff").text
    assert counter(page, "voorstellen wachten op je antwoord") == 2 and counter(page, "daarvan te laat") == 1
    page = admin.get("/staff").text
    assert counter(page, "codebladen die werken") == 3  # one sheet for each pupil made above
    assert counter(page, "personeelsaccounts die aan staan") == 3
    assert f'href="/admin/audit?dag={today().isoformat()}"' in page
    admin.get("/lang/en")
    assert counter(admin.get("/staff").text, "code sheets that work") == 3


def test_management_sees_the_councils_reason_and_the_days_left_or_late(management, session, school, author):
    forwarded = make_proposal(session, school, author, "with_management", title="Doorgestuurd")
    late = make_proposal(session, school, author, "with_management", title="Te laat")
    set_deadline(session, late, today() - timedelta(days=4))
    page = text(management.get("/management/proposals").text)
    assert "De leerlingenraad stuurde het door op" in page and "Belangrijk voor veel leerlingen." in page
    assert "4 dagen te laat" in page
    days = proposals.school_days_between(today(), reload(session, forwarded.id).deadline)
    assert f"Nog {days} schooldagen na vandaag" in page
    assert page.index("Te laat") < page.index("Doorgestuurd")  # the late one first
    set_deadline(session, forwarded, today())
    assert "Vandaag is de laatste dag om te antwoorden." in text(management.get("/management/proposals").text)


def test_more_time_once_with_a_new_public_date(management, client, session, school, author):
    p = make_proposal(session, school, author, "with_management")
    old = reload(session, p.id).deadline
    new = proposals.add_school_days(old, 5)
    move = {"action": "extend", "new_deadline": new.isoformat(), "text": "We vragen eerst de ouderraad."}
    assert "Meer tijd vragen voor “Meer bankjes”?" in management.get(f"/staff/proposals/{p.id}/bevestig",
                                                                     params=move).text
    assert reload(session, p.id).deadline == old
    r = management.form(f"/staff/proposals/{p.id}/move", move, follow_redirects=False)
    assert r.status_code == 303 and reload(session, p.id).deadline == new
    public = text(client.get(f"/voorstellen/{p.id}").text)
    assert "De directie vraagt meer tijd" in public and "We vragen eerst de ouderraad." in public
    assert re.search(r"Nieuwe datum voor het antwoord: \d+ \w+ \d{4}\.", public)
    assert "meer tijd gevraagd" in management.get("/management/proposals").text
    # a second time is refused, on the page, and changes nothing
    before = counts(session, p.id)
    again = dict(move, new_deadline=proposals.add_school_days(new, 2).isoformat())
    r = management.form(f"/staff/proposals/{p.id}/move", again)
    assert r.status_code == 400 and "Dat kan maar één keer." in r.text
    assert counts(session, p.id) == before and reload(session, p.id).deadline == new


def test_more_time_needs_a_later_school_day_and_a_reason(management, session, school, author):
    p = make_proposal(session, school, author, "with_management")
    deadline = reload(session, p.id).deadline
    saturday = deadline + timedelta(days=(5 - deadline.weekday()) % 7 or 7)
    cases = {
        deadline.isoformat(): "De nieuwe datum moet later zijn dan",
        saturday.isoformat(): "weekend of een vakantie",
        proposals.add_school_days(deadline, 31).isoformat(): "Kies een datum tot 30 schooldagen verder",
        "morgen": "Deze datum klopt niet",
    }
    for value, message in cases.items():
        r = management.get(f"/staff/proposals/{p.id}/bevestig",
                           params={"action": "extend", "new_deadline": value, "text": "Omdat."})
        assert r.status_code == 400 and message in r.text, value
    r = management.get(f"/staff/proposals/{p.id}/bevestig", params={
        "action": "extend", "new_deadline": proposals.add_school_days(deadline, 3).isoformat()})
    assert r.status_code == 400 and "Schrijf waarom je meer tijd nodig hebt." in r.text
    assert reload(session, p.id).deadline == deadline


def test_a_corrected_answer_keeps_the_old_one_visible(management, client, session, school, author):
    p = make_proposal(session, school, author, "answered")  # answered "partly": "Deels: zo en zo."
    page = management.get("/management/proposals/beantwoord").text
    assert "Meer bankjes" in page and ">Deels: zo en zo.</textarea>" in page
    move = {"action": "correct", "decision": "accepted", "text": "Ja: de bankjes komen er in mei."}
    confirm = management.get(f"/staff/proposals/{p.id}/bevestig", params=move).text
    assert "Het oude antwoord blijft zichtbaar, gemarkeerd als verbeterd." in confirm
    r = management.form(f"/staff/proposals/{p.id}/move", move, follow_redirects=False)
    assert r.headers["location"] == f"/management/proposals/beantwoord?klaar=correct#p{p.id}"
    assert reload(session, p.id).decision == "accepted" and reload(session, p.id).state == "answered"
    public = client.get(f"/voorstellen/{p.id}").text
    old = public[public.index("Antwoord van de directie"):public.index("Verbeterd antwoord van de directie")]
    assert 'class="corrected"' in public and "verbeterd op" in old and "Deels: zo en zo." in old
    assert "Ja: de bankjes komen er in mei." in public[public.index("Verbeterd antwoord van de directie"):]
    # the council may not correct management's answer
    council_try = proposals.actions_for("answered", "council")
    assert "correct" not in council_try
