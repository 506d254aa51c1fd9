"""The pupil vote pages and every bad input over HTTP, the council's pages and who may use them,
pupil statements, live mode and CSV."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from app.models import AuditEntry, Poll, Statement
from app.services import voting
from app.timeutil import utcnow
from support.voting import (closed_tallies, closes_in, group_ids, has_voted_rows, make_poll, make_statement,
                            new_staff, option_ids, participant, set_k, tallies)


@pytest.fixture
def raad(session, school):
    return new_staff(session, school)


def votes(session, kind, item_id) -> int:
    """Votes stored (counted now or waiting to be counted with k others): the has-voted rows."""
    session.expire_all()
    return len(has_voted_rows(session, kind, item_id))


# --- the pupil's one tap -----------------------------------------------------------------

def test_home_lists_open_items_newest_first_with_answered_marked(pupil, session, raad, school):
    old = make_statement(session, raad, "Oudere stelling")
    new = make_statement(session, raad, "Nieuwere stelling")
    poll = make_poll(session, raad)
    make_statement(session, raad, "Alleen voor 4A", audience=group_ids(session, school, "4A"))
    pupil.form(f"/stellingen/{old.id}/stem", {"answer": "agree"})
    page = pupil.get("/overzicht").text
    assert page.index("Nieuwere stelling") < page.index("Oudere stelling")
    assert "Alleen voor 4A" not in page
    assert poll.question in page
    # Still to do first, as cards; the answered one below, as a link with its closing time.
    todo, answered = page.split("Al beantwoord", 1)
    assert f'id="st{new.id}"' in todo and "Oudere stelling" not in todo and "Beantwoord" not in todo
    assert f'href="/stellingen/{old.id}"' in answered and "open tot" in answered


def test_one_tap_without_javascript_gives_a_full_page_with_thanks_and_result(pupil, session, raad):
    st = make_statement(session, raad)
    r = pupil.form(f"/stellingen/{st.id}/stem", {"answer": "agree"})
    assert r.status_code == 200 and "<html" in r.text
    assert "Bedankt! Je antwoord is bewaard." in r.text
    assert "te weinig antwoorden" in r.text or "Nog te weinig antwoorden" in r.text  # 1 vote < k
    assert votes(session, "statement", st.id) == 1


def test_one_tap_with_htmx_gets_only_the_card(pupil, session, raad, school):
    set_k(session, school, 3)
    st = make_statement(session, raad)
    r = pupil.htmx(f"/stellingen/{st.id}/stem", {"answer": "disagree"})
    assert r.status_code == 200 and "<html" not in r.text
    assert r.text.count(f'id="st{st.id}"') == 1 and "Bedankt!" in r.text


def test_results_after_closing_only(pupil, session, raad):
    st = make_statement(session, raad, results="after_close")
    r = pupil.form(f"/stellingen/{st.id}/stem", {"answer": "agree"})
    assert "De resultaten zie je als dit sluit" in r.text and "<meter" not in r.text


def test_poll_vote_and_change(pupil, session, raad, school):
    set_k(session, school, 3)
    poll = make_poll(session, raad, kind="multiple", options="Film\nSport\nMuseum", max_choices="2")
    a, b, c = option_ids(session, poll)
    r = pupil.form(f"/peilingen/{poll.id}/stem", {"option_ids": [str(a), str(b)]})
    assert r.status_code == 200 and "Bedankt! Je stem is bewaard." in r.text
    r = pupil.form(f"/peilingen/{poll.id}/stem", {"option_ids": [str(c)]})
    assert "Verander mijn stem" in r.text and re.search(rf'value="{c}" checked', r.text)
    assert votes(session, "poll", poll.id) == 1
    assert closed_tallies(session, raad, "poll", poll.id) == {(str(c), "3A"): 1, ("*", "3A"): 1}


# --- every bad input: a clear Dutch message, nothing stored ---------------------------------

def _close(session, model, item_id):
    session.exec(sa.update(model).where(model.id == item_id).values(closes_at=utcnow() - timedelta(minutes=1)))
    session.commit()


@pytest.mark.parametrize("htmx", [False, True])
def test_closed_statement(pupil, session, raad, htmx):
    st = make_statement(session, raad)
    _close(session, Statement, st.id)
    send = pupil.htmx if htmx else pupil.form
    r = send(f"/stellingen/{st.id}/stem", {"answer": "agree"})
    assert r.status_code == (200 if htmx else 400)  # HTMX only swaps 2xx in
    assert "Dit is gesloten. Je kan niet meer stemmen." in r.text
    assert votes(session, "statement", st.id) == 0


def test_statement_outside_the_audience(make_pupil, session, raad, school):
    st = make_statement(session, raad, audience=group_ids(session, school, "3de jaar"))
    r = make_pupil("4A").form(f"/stellingen/{st.id}/stem", {"answer": "agree"})
    assert r.status_code == 403 and "Dit is niet voor jouw klas of jaar." in r.text
    assert votes(session, "statement", st.id) == 0


def test_statement_not_open_yet(pupil, session, raad):
    st = make_statement(session, raad, opens_at=closes_in(1), closes_at=closes_in(2))
    r = pupil.form(f"/stellingen/{st.id}/stem", {"answer": "agree"})
    assert r.status_code == 403 and "Dit is nog niet open." in r.text
    assert votes(session, "statement", st.id) == 0


@pytest.mark.parametrize("data, message", [
    ({}, "Kies eens, oneens of geen mening."),
    ({"answer": "misschien"}, "Kies eens, oneens of geen mening."),
])
def test_statement_without_a_valid_answer(pupil, session, raad, data, message):
    st = make_statement(session, raad)
    r = pupil.form(f"/stellingen/{st.id}/stem", data)
    assert r.status_code == 400 and message in r.text
    assert votes(session, "statement", st.id) == 0


def test_unknown_or_pending_statement(pupil, session, raad, school, app, new_codes):
    author = participant(app, session, new_codes, "3B")
    pending, _s = voting.submit_statement(session, app.state.limiter, school, author, "Meer fruit in de automaat")
    session.commit()
    for item_id in (999999, pending.id):
        r = pupil.form(f"/stellingen/{item_id}/stem", {"answer": "agree"})
        assert r.status_code == 404 and "Deze stelling bestaat niet." in r.text
        assert pupil.get(f"/stellingen/{item_id}").status_code == 404


@pytest.mark.parametrize("data, message", [
    ({}, "Kies eerst een antwoord."),
    ({"option_ids": ["FIRST", "SECOND", "THIRD"]}, "Kies hoogstens 2 antwoorden."),
    ({"option_ids": ["999999"]}, "Dit antwoord hoort niet bij deze peiling."),
    ({"option_ids": ["drie"]}, "Dit antwoord hoort niet bij deze peiling."),
    ({"value": "3"}, "Kies een antwoord uit de lijst."),
])
def test_poll_bad_choices(pupil, session, raad, data, message):
    poll = make_poll(session, raad, kind="multiple", options="Film\nSport\nMuseum", max_choices="2")
    ids = dict(zip(["FIRST", "SECOND", "THIRD"], map(str, option_ids(session, poll))))
    data = {k: [ids.get(x, x) for x in v] if isinstance(v, list) else v for k, v in data.items()}
    r = pupil.form(f"/peilingen/{poll.id}/stem", data)
    assert r.status_code == 400 and message in r.text
    assert votes(session, "poll", poll.id) == 0


def test_single_choice_poll_takes_one_answer(pupil, session, raad):
    poll = make_poll(session, raad)
    r = pupil.form(f"/peilingen/{poll.id}/stem", {"option_ids": [str(i) for i in option_ids(session, poll)[:2]]})
    assert r.status_code == 400 and "Kies maar één antwoord." in r.text
    assert votes(session, "poll", poll.id) == 0


def test_option_of_another_poll(pupil, session, raad):
    poll = make_poll(session, raad)
    other = make_poll(session, raad, "Een andere vraag")
    r = pupil.form(f"/peilingen/{poll.id}/stem", {"option_ids": [str(option_ids(session, other)[0])]})
    assert r.status_code == 400 and "Dit antwoord hoort niet bij deze peiling." in r.text
    assert votes(session, "poll", poll.id) == 0 and votes(session, "poll", other.id) == 0


@pytest.mark.parametrize("value", ["0", "6", "-1", "vier"])
def test_scale_out_of_range(pupil, session, raad, value):
    poll = make_poll(session, raad, kind="scale", options="", scale_low="niet", scale_high="heel")
    r = pupil.form(f"/peilingen/{poll.id}/stem", {"value": value})
    assert r.status_code == 400 and "Kies een getal van 1 tot 5." in r.text
    assert votes(session, "poll", poll.id) == 0


def test_unknown_and_closed_poll(pupil, session, raad):
    r = pupil.form("/peilingen/999999/stem", {"option_ids": ["1"]})
    assert r.status_code == 404 and "Deze peiling bestaat niet." in r.text
    poll = make_poll(session, raad)
    _close(session, Poll, poll.id)
    r = pupil.form(f"/peilingen/{poll.id}/stem", {"option_ids": [str(option_ids(session, poll)[0])]})
    assert r.status_code == 400 and "Dit is gesloten." in r.text
    assert votes(session, "poll", poll.id) == 0


def test_voting_needs_a_code(client, session, raad):
    st = make_statement(session, raad)
    r = client.form(f"/stellingen/{st.id}/stem", {"answer": "agree"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert votes(session, "statement", st.id) == 0


def test_vote_without_csrf_token_is_refused(pupil, session, raad):
    st = make_statement(session, raad)
    r = pupil.post(f"/stellingen/{st.id}/stem", data={"answer": "agree"})
    assert r.status_code == 403 and "Dit formulier is verlopen" in r.text
    assert votes(session, "statement", st.id) == 0


# --- pupils write statements --------------------------------------------------------------

def test_pupil_statement_waits_and_appears_labelled_after_approval(pupil, council, session, school):
    r = pupil.form("/stellingen", {"text": "Er moeten meer bankjes op de speelplaats"})
    assert r.status_code == 200 and "De leerlingenraad leest je tekst eerst na" in r.text
    item = session.exec(select(Statement)).one()
    assert item.status == "pending" and item.by_pupil
    assert "Er moeten meer bankjes" not in pupil.get("/overzicht").text
    mine = pupil.get("/stellingen/nieuw").text
    assert "Jouw stellingen" in mine and "wacht op de leerlingenraad" in mine
    assert "Er moeten meer bankjes" not in council.get("/council/voting").text  # it is in the queue, not here
    r = council.form(f"/council/moderation/statement/{item.id}", {"decision": "approve"})
    assert r.status_code in (200, 303)
    home = pupil.get("/overzicht").text
    assert "Er moeten meer bankjes op de speelplaats" in home and "door een leerling" in home


def test_pupil_statement_bad_input(pupil, session, raad):
    make_statement(session, raad, "Ik voel me veilig op school")
    r = pupil.form("/stellingen", {"text": "  ik voel me veilig op school!! "})
    assert r.status_code == 409 and "Deze stelling bestaat al." in r.text
    r = pupil.form("/stellingen", {"text": "x" * 281})
    assert r.status_code == 400 and "Hoogstens 280 tekens, nu 281." in r.text
    r = pupil.form("/stellingen", {"text": "   "})
    assert r.status_code == 400 and "Schrijf eerst de tekst van de stelling." in r.text
    assert len(session.exec(select(Statement)).all()) == 1


def test_pupil_statement_in_crisis_shows_help_at_once(pupil, session):
    r = pupil.form("/stellingen", {"text": "Ik wil dood, ik zie het niet meer zitten"})
    assert "Bedankt dat je dit schrijft" in r.text and 'href="tel:102"' in r.text
    assert session.exec(select(Statement)).one().urgent


def test_posting_budget(pupil, session):
    for i in range(5):
        assert pupil.form("/stellingen", {"text": f"Stelling nummer {i} over de speelplaats"}).status_code == 200
    r = pupil.form("/stellingen", {"text": "Nog een stelling over de refter"})
    assert r.status_code == 429 and "Wacht tien minuten" in r.text
    assert len(session.exec(select(Statement)).all()) == 5


# --- staff: who may do what ---------------------------------------------------------------

STATEMENT_FORM = {"text": "Ik voel me veilig op school", "audience": ["school"], "results": "after_vote"}


def test_council_creates_a_statement_and_sees_its_page(council, session):
    r = council.form("/council/voting/statements", {**STATEMENT_FORM, "closes_at": closes_in()},
                     follow_redirects=False)
    assert r.status_code == 303
    item = session.exec(select(Statement)).one()
    assert r.headers["location"] == f"/council/voting/statements/{item.id}"
    page = council.get(r.headers["location"]).text
    assert "Ik voel me veilig op school" in page and "Nu sluiten" in page
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "statement.create")).one().target_id == item.id


def test_council_creates_a_poll_for_two_classes(council, session, school):
    data = {"text": "Welke film?", "kind": "single", "options": "Film A\nFilm B\n\n", "results": "after_close",
            "audience": group_ids(session, school, "3A", "3B"), "closes_at": closes_in()}
    assert council.form("/council/voting/polls", data, follow_redirects=False).status_code == 303
    poll = session.exec(select(Poll)).one()
    assert not poll.whole_school and poll.results == "after_close"
    assert [o.label for o in voting.poll_options(session, poll.id)] == ["Film A", "Film B"]


@pytest.mark.parametrize("fields, message", [
    ({"text": "x" * 281}, "Hoogstens 280 tekens, nu 281."),
    ({"audience": []}, "Kies voor wie dit is"),
    ({"closes_at": "2020-01-01T08:00"}, "Het sluiten moet na het openen komen."),
])
def test_council_form_errors_keep_what_was_typed(council, session, fields, message):
    data = {**STATEMENT_FORM, "closes_at": closes_in(), **fields}
    r = council.form("/council/voting/statements", data)
    assert r.status_code == 400 and message in r.text and "<form" in r.text
    assert session.exec(select(Statement)).all() == []


def test_poll_form_error(council, session):
    r = council.form("/council/voting/polls", {**STATEMENT_FORM, "kind": "single", "options": "Alleen dit",
                                               "closes_at": closes_in()})
    assert r.status_code == 400 and "Geef 2 tot 10 antwoorden, één per regel." in r.text
    assert session.exec(select(Poll)).all() == []


def test_pupils_and_management_cannot_create(pupil, management, client, session):
    data = {**STATEMENT_FORM, "closes_at": closes_in()}
    for who in (pupil, client):
        r = who.form("/council/voting/statements", data, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")
        assert who.get("/council/voting/statements/new", follow_redirects=False).status_code == 303
    r = management.form("/council/voting/statements", data)
    assert r.status_code == 403 and "Dit mag alleen de leerlingenraad." in r.text
    assert management.get("/council/voting/polls/new").status_code == 403
    assert session.exec(select(Statement)).all() == []


def test_management_sees_results_but_cannot_close(management, session, school, raad):
    st = make_statement(session, raad)
    page = management.get(f"/council/voting/statements/{st.id}").text
    assert "Resultaten" in page and "Nu sluiten" not in page
    r = management.form(f"/council/voting/statements/{st.id}/close")
    assert r.status_code == 403


def test_council_closes_now(council, pupil, session, raad):
    st = make_statement(session, raad)
    pupil.form(f"/stellingen/{st.id}/stem", {"answer": "agree"})
    assert len(has_voted_rows(session, "statement", st.id)) == 1
    r = council.form(f"/council/voting/statements/{st.id}/close", follow_redirects=False)
    assert r.status_code == 303
    session.expire_all()
    assert has_voted_rows(session, "statement", st.id) == []
    assert "Wie wat stemde, is gewist" in council.get(r.headers["location"]).text
    r = council.form(f"/council/voting/statements/{st.id}/close")
    assert r.status_code == 409 and "Dit is al gesloten." in r.text


def test_staff_pages_of_unknown_items(council):
    assert council.get("/council/voting/statements/999999").status_code == 404
    assert council.get("/council/voting/quizzes/1").status_code == 404
    assert council.form("/council/voting/polls/999999/close").status_code == 404


def test_csv_export_hides_small_counts(council, session, school, make_pupil, raad):
    set_k(session, school, 3)
    st = make_statement(session, raad)
    for group, answer in (("3A", "agree"), ("3A", "agree"), ("3A", "disagree"), ("3B", "agree"), ("3B", "pass"),
                          ("4A", "agree")):
        make_pupil(group).form(f"/stellingen/{st.id}/stem", {"answer": answer})
    council.form(f"/council/voting/statements/{st.id}/close")  # closing counts every waiting ballot
    r = council.get(f"/council/voting/statements/{st.id}/results.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0] == "soort;id;tekst;groep;antwoord;aantal;procent"
    assert f"stelling;{st.id};Ik voel me veilig op school;iedereen;Eens;4;67" in lines
    assert f"stelling;{st.id};Ik voel me veilig op school;iedereen;Oneens;te weinig antwoorden;" in lines
    # 4 agree in all, 1 of them in grade 4: grade 3's 3 agree would give that 1 away, so it is hidden too
    assert f"stelling;{st.id};Ik voel me veilig op school;3de jaar;Eens;te weinig antwoorden;" in lines
    assert f"stelling;{st.id};Ik voel me veilig op school;4de jaar;antwoorden;te weinig antwoorden;" in lines
    assert "te weinig antwoorden" in council.get("/council/voting.csv").text


def test_overview_orders_statements_by_consensus(council, session, school, make_pupil, raad):
    set_k(session, school, 3)
    divided = make_statement(session, raad, "Verdeelde stelling")
    united = make_statement(session, raad, "Eensgezinde stelling")
    for group, answers in (("3A", ["agree", "agree", "agree", "agree"]), ("4A", ["disagree", "disagree",
                                                                                "disagree", "agree"])):
        for answer in answers:
            p = make_pupil(group)
            p.form(f"/stellingen/{divided.id}/stem", {"answer": answer})
            p.form(f"/stellingen/{united.id}/stem", {"answer": "agree" if answer == "agree" else "pass"})
    page = council.get("/council/voting").text
    assert page.index("Eensgezinde stelling") < page.index("Verdeelde stelling")


# --- live classroom mode --------------------------------------------------------------------

def test_live_session_projector_updates_after_votes(council, make_pupil, client, session, school, raad):
    set_k(session, school, 3)
    st = make_statement(session, raad)
    r = council.form(f"/council/voting/statements/{st.id}/live", follow_redirects=False)
    assert r.status_code == 303
    code = r.headers["location"].rsplit("/", 1)[1]
    page = council.get(r.headers["location"]).text
    assert code in page and "<svg" in page and "http://testserver/live" in page
    assert 'hx-trigger="every 2s"' in page
    partial = council.get(f"/staff/live/{code}/results", headers={"HX-Request": "true"}).text
    assert "<html" not in partial and "Nog minder dan 3 antwoorden" in partial
    # Pupils scan the QR code: without a code on the phone, the slip's code form, which comes back.
    assert 'name="next" value="/live/' in client.get(f"/live/{code}").text
    shown = []
    for answer in ("agree", "agree", "disagree", "agree", "agree", "disagree"):
        p = make_pupil("3A")
        r = p.get(f"/live/{code.lower()}")
        assert r.status_code == 200 and f'action="/stellingen/{st.id}/stem"' in r.text
        r = p.form(f"/stellingen/{st.id}/stem", {"answer": answer, "back": f"/live/{code}"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/live/{code}"
        assert "Bedankt" in p.get(r.headers["location"]).text
        partial = council.get(f"/staff/live/{code}/results", headers={"HX-Request": "true"}).text
        shown.append(re.search(r"(\d+) antwoorden", partial).group(1) if "Nog minder" not in partial else "-")
    assert shown == ["-", "-", "3", "3", "3", "6"]  # the projector moves in steps of k = 3
    assert "67%" in partial and "6 antwoorden" in partial
    council.form(f"/staff/live/{code}/end")
    ended = council.get(f"/staff/live/{code}/results", headers={"HX-Request": "true"}).text
    assert "Afgelopen" in ended and "<svg" not in ended and code not in ended and "every 2s" not in ended
    r = make_pupil("3A").get(f"/live/{code}")
    assert r.status_code == 409 and "Deze les-stemming is afgelopen." in r.text


def test_live_code_form_and_unknown_code(pupil):
    r = pupil.get("/live?code=ab-c 23x", follow_redirects=False)
    assert r.headers["location"] == "/live/ABC23X"
    r = pupil.get("/live/ZZZZZZ")
    assert r.status_code == 404 and "Deze code van de les kennen we niet." in r.text


def test_pupils_cannot_open_the_projector(pupil, council, session, raad):
    st = make_statement(session, raad)
    code = council.form(f"/council/voting/statements/{st.id}/live", follow_redirects=False).headers[
        "location"].rsplit("/", 1)[1]
    assert pupil.get(f"/staff/live/{code}", follow_redirects=False).status_code == 303


# --- the page is small --------------------------------------------------------------------

def test_vote_page_html_and_css_fit_in_14_kb(pupil, session, raad, app):
    st = make_statement(session, raad)
    poll = make_poll(session, raad, options="\n".join(f"Antwoord {i}" for i in range(10)))
    css = pupil.get("/static/inspraak-3.css").content
    for url in (f"/stellingen/{st.id}", f"/peilingen/{poll.id}"):
        html = pupil.get(url).content
        assert len(html) + len(css) <= 14 * 1024, (url, len(html), len(css))


def test_home_needs_the_same_few_queries_for_many_items(pupil, session, raad, app):
    from sqlalchemy import event

    seen = []

    def count(*_args):
        seen.append(1)

    def home_queries() -> int:
        seen.clear()
        event.listen(app.state.engine, "before_cursor_execute", count)
        try:
            assert pupil.get("/overzicht").status_code == 200
        finally:
            event.remove(app.state.engine, "before_cursor_execute", count)
        return len(seen)

    first = make_statement(session, raad, "Stelling 0")
    make_poll(session, raad, "Vraag 0")
    pupil.form(f"/stellingen/{first.id}/stem", {"answer": "agree"})
    few = home_queries()
    for i in range(1, 10):
        st = make_statement(session, raad, f"Stelling {i}")
        make_poll(session, raad, f"Vraag {i}")
        pupil.form(f"/stellingen/{st.id}/stem", {"answer": "pass"})
    assert home_queries() == few  # no query per item


def test_vote_page_in_english(pupil, session, raad):
    st = make_statement(session, raad)
    pupil.cookies.set("inspraak_lang", "en")
    page = pupil.form(f"/stellingen/{st.id}/stem", {"answer": "agree"}).text
    assert "Thank you! Your answer is saved." in page and ">✓ Agree<" in page and "No opinion" in page
