"""The ballot box in the service: pseudonyms, sealed choices, tallies, audiences, closing and
erasing, pupils' own statements, moderation and live sessions."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from app.models import AuditEntry, LiveSession, Poll, Statement, VoteTally
from app.services import anonymity, moderation, voting
from app.services.errors import Conflict, DomainError, Forbidden, NotFound
from app.timeutil import utcnow
from support.voting import (closed_tallies, closes_in, group_ids, has_voted_rows, make_poll, make_statement, new_staff,
                            option_ids, participant, tallies)


@pytest.fixture
def council(session, school):
    return new_staff(session, school)


@pytest.fixture
def pupil(app, session, new_codes):
    return participant(app, session, new_codes, "3A")


def test_a_vote_counts_in_the_tally_and_is_sealed_under_a_pseudonym(session, school, council, pupil, app, new_codes):
    st = make_statement(session, council)
    view = voting.vote_statement(session, pupil, school, st.id, "agree")
    session.commit()
    assert view.created and view.mine == ["agree"]
    assert tallies(session, "statement", st.id) == {}  # waits for k - 1 more of 3A
    [row] = has_voted_rows(session, "statement", st.id)
    assert row.pseudonym == pupil.pseudonym("statement", st.id)
    assert "agree" not in row.sealed  # only the pupil's key opens it
    assert anonymity.unseal(pupil.secret, "statement", st.id, row.sealed)["a"] == ["agree"]
    other = participant(app, session, new_codes, "3A")
    assert anonymity.unseal(other.secret, "statement", st.id, row.sealed) is None
    assert closed_tallies(session, council, "statement", st.id) == {("agree", "3A"): 1, ("*", "3A"): 1}
    # The tally has no column that could say who, when or in which order.
    assert {c.name for c in VoteTally.__table__.columns} == {"school_id", "item_kind", "item_id", "answer",
                                                             "group_id", "count"}


def test_pseudonyms_cannot_be_linked_across_items_or_participants(session, school, council, pupil, app, new_codes):
    a = make_statement(session, council, "Stelling A")
    b = make_statement(session, council, "Stelling B")
    other = participant(app, session, new_codes, "3A")
    names = {pupil.pseudonym("statement", a.id), pupil.pseudonym("statement", b.id),
             other.pseudonym("statement", a.id), other.pseudonym("poll", a.id)}
    assert len(names) == 4


def test_changing_a_vote_moves_the_count_and_keeps_one_voter(session, school, council, pupil):
    st = make_statement(session, council)
    voting.vote_statement(session, pupil, school, st.id, "agree")
    view = voting.vote_statement(session, pupil, school, st.id, "disagree")
    session.commit()
    assert not view.created
    assert len(has_voted_rows(session, "statement", st.id)) == 1
    assert closed_tallies(session, council, "statement", st.id) == {("disagree", "3A"): 1, ("*", "3A"): 1}


def test_the_same_code_on_another_phone_is_the_same_voter(session, school, council, app, new_codes):
    from app.services import access

    code = new_codes("3B")[0]
    st = make_statement(session, council)
    voting.vote_statement(session, access.redeem(session, app.state.secret, code), school, st.id, "agree")
    view = voting.vote_statement(session, access.redeem(session, app.state.secret, code), school, st.id, "pass")
    session.commit()
    assert not view.created
    assert closed_tallies(session, council, "statement", st.id) == {("pass", "3B"): 1, ("*", "3B"): 1}


def test_tally_rows_exist_before_anyone_votes(session, school, council):
    st = make_statement(session, council, audience=group_ids(session, school, "3de jaar"))
    rows = session.exec(select(VoteTally).where(VoteTally.item_kind == "statement", VoteTally.item_id == st.id)).all()
    # grade 3 and its classes 3A, 3B; agree, disagree, pass and the voter count
    assert len(rows) == 3 * 4 and all(r.count == 0 for r in rows)


def test_multiple_choice_and_scale_polls(session, school, council, pupil):
    poll = make_poll(session, council, kind="multiple", options="Film\nSport\nMuseum\nPretpark", max_choices="2")
    a, b, c, _d = option_ids(session, poll)
    assert voting.vote_poll(session, pupil, school, poll.id, [a, b]).created
    voting.vote_poll(session, pupil, school, poll.id, [c])
    scale = make_poll(session, council, "Hoe tevreden ben je over de speelplaats?", kind="scale", options="",
                      scale_low="helemaal niet", scale_high="heel erg")
    voting.vote_poll(session, pupil, school, scale.id, value=4)
    session.commit()
    assert closed_tallies(session, council, "poll", poll.id) == {(str(c), "3A"): 1, ("*", "3A"): 1}
    assert closed_tallies(session, council, "poll", scale.id) == {("4", "3A"): 1, ("*", "3A"): 1}


@pytest.mark.parametrize("option_ids_, value, message", [
    ([], None, "Kies eerst een antwoord."),
    (["a", "b", "c"], None, "Kies hoogstens 2 antwoorden."),
    ([999999], None, "Dit antwoord hoort niet bij deze peiling."),
    (None, 3, "Kies een antwoord uit de lijst."),
])
def test_bad_poll_choices_are_refused(session, school, council, pupil, option_ids_, value, message):
    poll = make_poll(session, council, kind="multiple", options="Film\nSport\nMuseum", max_choices="2")
    ids = option_ids(session, poll)
    chosen = [ids["abc".index(x)] if isinstance(x, str) else x for x in option_ids_ or []]
    with pytest.raises(DomainError, match=message):
        voting.vote_poll(session, pupil, school, poll.id, chosen, value)


def test_audience_by_grade_includes_its_classes_only(session, school, council, app, new_codes):
    grade3 = make_statement(session, council, "Voor het derde jaar", audience=group_ids(session, school, "3de jaar"))
    only_3b = make_statement(session, council, "Alleen voor 3B", audience=group_ids(session, school, "3B"))
    pupil_3a = participant(app, session, new_codes, "3A")
    pupil_4a = participant(app, session, new_codes, "4A")
    assert [v.id for v in voting.open_for(session, pupil_3a, "statement")["statement"]] == [grade3.id]
    assert voting.open_for(session, pupil_4a, "statement")["statement"] == []
    with pytest.raises(Forbidden, match="niet voor jouw klas"):
        voting.vote_statement(session, pupil_4a, school, grade3.id, "agree")
    with pytest.raises(Forbidden):
        voting.vote_statement(session, pupil_3a, school, only_3b.id, "agree")


def test_open_items_are_newest_first_with_own_answers(session, school, council, pupil):
    first = make_statement(session, council, "Eerste")
    second = make_statement(session, council, "Tweede")
    voting.vote_statement(session, pupil, school, first.id, "pass")
    views = voting.open_for(session, pupil, "statement")["statement"]
    assert [(v.id, v.mine) for v in views] == [(second.id, None), (first.id, ["pass"])]


def _all_database_text(engine) -> str:
    """Every value in every table, as one string: to look for a pseudonym anywhere."""
    chunks = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            chunks += [repr(tuple(row)) for row in conn.execute(sa.select(table))]
    return "\n".join(chunks)


def test_closing_time_passing_erases_the_has_voted_rows(session, school, council, pupil, engine):
    poll = make_poll(session, council)
    voting.vote_poll(session, pupil, school, poll.id, option_ids(session, poll)[:1])
    session.commit()
    pseudonym = pupil.pseudonym("poll", poll.id)
    assert pseudonym in _all_database_text(engine)
    # Time passes: nobody clicks "close", the next voting call closes it.
    session.exec(sa.update(Poll).where(Poll.id == poll.id).values(closes_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    voting.open_for(session, pupil, "statement")
    session.commit()
    assert has_voted_rows(session, "poll", poll.id) == []
    assert pseudonym not in _all_database_text(engine)
    assert tallies(session, "poll", poll.id)[("*", "3A")] == 1  # the tallies stay
    session.refresh(poll)
    assert poll.erased
    with pytest.raises(DomainError, match="gesloten"):
        voting.vote_poll(session, pupil, school, poll.id, option_ids(session, poll)[:1])


def test_council_closes_now_and_the_votes_can_never_be_linked(session, school, council, pupil, engine):
    st = make_statement(session, council)
    voting.vote_statement(session, pupil, school, st.id, "agree")
    session.commit()
    voting.close_now(session, council, "statement", st.id)
    session.commit()
    assert pupil.pseudonym("statement", st.id) not in _all_database_text(engine)
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "statement.close")).one().target_id == st.id
    # After closing every pupil sees the results, and the pupil's own answer is no longer known.
    view = voting.pupil_item(session, pupil, school, "statement", st.id)
    assert view.results is not None and view.mine is None
    with pytest.raises(Conflict):
        voting.close_now(session, council, "statement", st.id)


def test_pupil_statements_are_held_found_by_their_author_and_moderated(session, school, council, pupil, app,
                                                                       new_codes):
    item, screened = voting.submit_statement(session, app.state.limiter, school, pupil,
                                             "Er moeten meer bankjes op de speelplaats")
    session.commit()
    assert item.status == "pending" and screened.status == "pending" and item.by_pupil
    assert [s.id for s in voting.my_statements(session, pupil)] == [item.id]
    assert voting.my_statements(session, participant(app, session, new_codes, "3A")) == []
    assert voting.open_for(session, pupil, "statement")["statement"] == []
    assert moderation.COMMENT_TARGETS["statement"](session, school.id, item.id) is None  # not public yet
    assert [q.id for q in moderation.queue(session, school.id) if q.kind == "statement"] == [item.id]
    moderation.decide(session, council, "statement", item.id, "approve")
    session.commit()
    assert [v.id for v in voting.open_for(session, pupil, "statement")["statement"]] == [item.id]
    assert moderation.COMMENT_TARGETS["statement"](session, school.id, item.id) == item.text
    assert moderation.COMMENT_TARGETS["statement"](session, school.id + 1, item.id) is None


def test_rejected_pupil_statement_keeps_its_reason_for_the_author(session, school, council, pupil, app):
    item, _screened = voting.submit_statement(session, app.state.limiter, school, pupil, "Meneer X is dom")
    moderation.decide(session, council, "statement", item.id, "reject", "bullying")
    session.commit()
    [mine] = voting.my_statements(session, pupil)
    assert mine.status == "rejected" and mine.reject_reason == "bullying"


@pytest.mark.parametrize("again", ["ik voel me VEILIG op school!", "  Ik voel me   veilig, op school. "])
def test_duplicate_statements_are_refused(session, school, council, pupil, app, again):
    make_statement(session, council, "Ik voel me veilig op school")
    with pytest.raises(Conflict, match="Deze stelling bestaat al"):
        voting.submit_statement(session, app.state.limiter, school, pupil, again)
    with pytest.raises(Conflict):
        voting.create_statement(session, council, voting.ItemForm(text=again, audience=["school"],
                                                                  closes_at=closes_in()))


def test_a_closed_statement_may_be_asked_again(session, school, council):
    old = make_statement(session, council)
    voting.close_now(session, council, "statement", old.id)
    session.commit()
    assert make_statement(session, council).id != old.id


@pytest.mark.parametrize("fields, message", [
    ({"text": ""}, "Schrijf eerst de tekst"),
    ({"text": "x" * 281}, "Hoogstens 280 tekens, nu 281."),
    ({"audience": []}, "Kies voor wie dit is"),
    ({"audience": ["999999"]}, "Deze groep bestaat niet."),
    ({"closes_at": ""}, "Kies wanneer dit sluit."),
    ({"closes_at": "morgen"}, "Deze datum en dit uur kloppen niet"),
    ({"opens_at": closes_in(3), "closes_at": closes_in(2)}, "Het sluiten moet na het openen komen."),
    ({"opens_at": closes_in(-3), "closes_at": closes_in(-2)}, "Het sluiten moet in de toekomst liggen."),
    ({"results": "never"}, "Kies wanneer leerlingen de resultaten zien."),
    ({"kind": "single", "options": "Alleen dit"}, "Geef 2 tot 10 antwoorden"),
    ({"kind": "single", "options": "\n".join(str(i) for i in range(11))}, "Geef 2 tot 10 antwoorden"),
    ({"kind": "single", "options": "Ja\nja"}, "Twee antwoorden zijn hetzelfde."),
    ({"kind": "multiple", "options": "A\nB", "max_choices": "3"}, "Leerlingen kunnen 1 tot 2 antwoorden kiezen."),
    ({"kind": "scale", "scale_low": "", "scale_high": "veel"}, "Geef de schaal een woord bij 1 en bij 5."),
    ({"kind": "quiz"}, "Kies het soort peiling."),
])
def test_staff_input_is_checked(session, school, council, fields, message):
    data = {"text": "Een vraag", "audience": ["school"], "closes_at": closes_in(), "kind": "single",
            "options": "Ja\nNee", **fields}
    create = voting.create_poll if "kind" in fields or "options" in fields else voting.create_statement
    with pytest.raises(DomainError, match=message):
        create(session, council, voting.ItemForm(**data))
    session.rollback()
    assert session.exec(select(Statement)).all() == [] and session.exec(select(Poll)).all() == []


def test_live_session_lives_in_the_database(session, school, council, pupil):
    st = make_statement(session, council)
    poll = make_poll(session, council)
    live = voting.start_live(session, council, "statement", st.id)
    session.commit()
    assert len(live.join_code) == 6 and set(live.join_code) <= set(anonymity.ALPHABET)
    assert voting.live_item(session, pupil, live.join_code.lower()) == ("statement", st.id)
    assert voting.live_view(session, school, live.join_code).view.id == st.id
    assert voting.running(session, school.id) == [live]
    voting.push_live(session, council, live.join_code, "poll", poll.id)  # the next item, from a phone
    session.commit()
    assert voting.live_item(session, pupil, live.join_code) == ("poll", poll.id)
    assert voting.live_view(session, school, live.join_code).view.id == poll.id
    voting.end_live(session, council, live.join_code)
    session.commit()
    assert voting.running(session, school.id) == []
    with pytest.raises(Conflict, match="afgelopen"):
        voting.live_item(session, pupil, live.join_code)
    with pytest.raises(Conflict, match="gestopt"):
        voting.push_live(session, council, live.join_code, "statement", st.id)
    with pytest.raises(NotFound):
        voting.live_item(session, pupil, "ZZZZZZ")
    voting.close_now(session, council, "statement", st.id)
    with pytest.raises(Conflict):
        voting.start_live(session, council, "statement", st.id)
    assert session.exec(select(LiveSession)).one().ended_at is not None


def test_an_edit_that_repeats_an_open_statement_is_refused(session, school, council, pupil, app):
    item, _screened = voting.submit_statement(session, app.state.limiter, school, pupil, "Meer groen, Janssens!")
    make_statement(session, council, "Meer groen op de speelplaats")
    with pytest.raises(Conflict, match="Deze stelling bestaat al"):
        moderation.decide(session, council, "statement", item.id, "approve", edited_text="Meer groen op de speelplaats")
