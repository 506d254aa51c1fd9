"""Supports and the threshold, the board's figures, follows, and the demo content."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from app.models.proposals import Proposal, ProposalSupport
from app.services import proposals
from app.services.errors import Conflict, NotFound
from app.services.access import Participant
from app.timeutil import utcnow
from support.proposals import author, make_proposal, new_participant, reload, set_school  # noqa: F401


def support_rows(session, proposal_id: int) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(ProposalSupport).where(ProposalSupport.proposal_id == proposal_id)).one()


# --- supports -------------------------------------------------------------------------------------

def test_one_support_per_participant_and_withdrawable(app, session, school, author):
    proposal = make_proposal(session, school, author, "published")
    fan = new_participant(app, session, school)
    assert proposals.support(session, fan, proposal.id)[1] is True
    assert proposals.support(session, fan, proposal.id)[1] is False  # twice does nothing
    session.commit()
    # Stored at once; the public count moves only in steps of k (5 here).
    assert (reload(session, proposal.id).support_count, support_rows(session, proposal.id)) == (0, 1)
    assert proposals.has_supported(session, fan, reload(session, proposal.id))
    assert proposals.unsupport(session, fan, proposal.id)[1] is True
    assert proposals.unsupport(session, fan, proposal.id)[1] is False
    session.commit()
    assert (reload(session, proposal.id).support_count, support_rows(session, proposal.id)) == (0, 0)


def test_supports_are_keyed_by_a_per_proposal_pseudonym(app, session, school, author):
    first = make_proposal(session, school, author, "published", title="Een")
    second = make_proposal(session, school, author, "published", title="Twee")
    fan = new_participant(app, session, school)
    proposals.support(session, fan, first.id)
    proposals.support(session, fan, second.id)
    session.commit()
    rows = session.exec(select(ProposalSupport.pseudonym)).all()
    assert len(set(rows)) == 2  # the same pupil cannot be linked across proposals
    assert session.exec(select(ProposalSupport)).first().model_dump().keys() == {
        "school_id", "proposal_id", "pseudonym"}  # no time, no order, no code, no participant


def test_the_database_refuses_a_second_support_row(app, session, school, author):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    proposal = make_proposal(session, school, author, "published")
    row = {"school_id": school.id, "proposal_id": proposal.id, "pseudonym": "same"}
    session.exec(insert(ProposalSupport).values(**row))
    with pytest.raises(IntegrityError):
        session.exec(insert(ProposalSupport).values(**row))
    session.rollback()


@pytest.mark.parametrize("state", ["submitted", "rejected_by_moderation", "withdrawn"])
def test_hidden_proposals_cannot_be_supported(app, session, school, author, state):
    proposal = make_proposal(session, school, author, state)
    with pytest.raises(NotFound):
        proposals.support(session, new_participant(app, session, school), proposal.id)


@pytest.mark.parametrize("state", ["answered", "in_progress", "done", "not_done"])
def test_supports_close_with_the_support_phase(app, session, school, author, state):
    proposal = make_proposal(session, school, author, state)
    with pytest.raises(Conflict, match="zoekt geen steun meer"):
        proposals.support(session, new_participant(app, session, school), proposal.id)


def test_support_rows_are_deleted_when_answered_but_the_count_stays(app, session, school, author):
    proposal = make_proposal(session, school, author, "with_management")
    for _ in range(3):
        proposals.support(session, new_participant(app, session, school), proposal.id)
    session.commit()
    assert support_rows(session, proposal.id) == 3
    proposals.transition(session, reload(session, proposal.id), "answer", "management", decision="accepted",
                         text="Ja.")
    session.commit()
    assert (support_rows(session, proposal.id), reload(session, proposal.id).support_count) == (0, 3)


def test_withdrawing_a_proposal_forgets_its_supporters(app, session, school, author):
    proposal = make_proposal(session, school, author, "published")
    proposals.support(session, new_participant(app, session, school), proposal.id)
    proposals.withdraw(session, author, proposal.id)
    session.commit()
    assert support_rows(session, proposal.id) == 0


def test_reaching_the_threshold_sends_it_to_management(app, session, school, author):
    set_school(session, school.id, support_threshold=3, k_anonymity=3)
    proposal = make_proposal(session, school, author, "published")
    fans = [new_participant(app, session, school, group) for group in ("3A", "3B", "4A", "4A")]
    for fan in fans[:2]:
        proposals.support(session, fan, proposal.id)
    session.commit()
    assert reload(session, proposal.id).state == "published"
    proposals.support(session, fans[2], proposal.id)
    session.commit()
    p = reload(session, proposal.id)
    assert (p.state, p.support_count) == ("with_management", 3)
    assert p.deadline == proposals.add_school_days(p.with_management_at.date(), 15)
    last = proposals.timeline(session, p.id)[-1]
    assert (last.action, last.actor, last.created_at.minute) == ("threshold", "system", 0)
    proposals.support(session, fans[3], proposal.id)  # more support is still welcome; no second move
    session.commit()
    assert [e.action for e in proposals.timeline(session, p.id)].count("threshold") == 1
    assert reload(session, p.id).support_count == 3  # the 4th waits for k - 1 more


def test_threshold_as_a_percentage_of_working_codes(app, session, school, new_codes):
    from app.models import CodeSheet

    set_school(session, school.id, support_threshold_percent=10)
    new_codes("3A", 30)
    new_codes("4A", 19)
    assert proposals.support_threshold(session, reload_school(session, school)) == 5  # ceil(4.9)
    sheet = session.exec(select(CodeSheet).order_by(CodeSheet.id)).first()
    sheet.revoked_at = utcnow()
    session.add(sheet)
    session.commit()
    assert proposals.support_threshold(session, reload_school(session, school)) == 2  # ceil(1.9): revoked don't count


def reload_school(session, school):
    session.expire_all()
    return session.get(type(school), school.id)


# --- the figures on the board ---------------------------------------------------------------------

def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _with_dates(session, proposal, state, reached, deadline, answered=None, closed=None):
    p = reload(session, proposal.id)
    p.state, p.with_management_at, p.deadline = state, _at(reached) if reached else None, deadline
    p.answered_at, p.closed_at = (_at(answered) if answered else None), (_at(closed) if closed else None)
    session.add(p)
    session.commit()


def test_figures_on_a_known_data_set(app, session, school, author):
    on = date(2026, 11, 26)
    make = lambda: make_proposal(session, school, author, "published")  # noqa: E731
    # answered in 3 school days, on time
    _with_dates(session, make(), "answered", date(2026, 11, 2), date(2026, 11, 23), answered=date(2026, 11, 5))
    # answered in 10 school days, on the deadline day itself: on time
    _with_dates(session, make(), "done", date(2026, 9, 1), date(2026, 9, 15), answered=date(2026, 9, 15),
                closed=date(2026, 10, 1))
    # answered in 20 school days, late
    _with_dates(session, make(), "not_done", date(2026, 9, 1), date(2026, 9, 22), answered=date(2026, 9, 29),
                closed=date(2026, 10, 2))
    # done last school year: not counted as done this year, but its answer counts (5 school days, on time)
    _with_dates(session, make(), "done", date(2026, 6, 1), date(2026, 6, 22), answered=date(2026, 6, 8),
                closed=date(2026, 6, 25))
    # waiting and late: counts against "on time"
    _with_dates(session, make(), "with_management", date(2026, 10, 1), date(2026, 10, 22))
    # waiting within its deadline: not judged yet
    _with_dates(session, make(), "with_management", date(2026, 11, 20), date(2026, 12, 11))
    # never had a deadline
    make_proposal(session, school, author, "published")
    figures = proposals.figures(session, school.id, on=on)
    assert (figures.on_time, figures.judged, figures.on_time_percent) == (3, 5, 60)
    assert figures.median_days == 7.5  # median of 3, 5, 10, 20 school days
    assert figures.done_this_year == 1


def test_figures_with_holidays_and_nothing_yet(app, session, school, author):
    empty = proposals.figures(session, school.id, on=date(2026, 11, 26))
    assert (empty.judged, empty.on_time_percent, empty.median_days, empty.done_this_year) == (0, None, None, 0)
    proposals.add_holiday(session, _admin(session, school), date(2026, 11, 9), date(2026, 11, 13), "Herfst")
    _with_dates(session, make_proposal(session, school, author), "answered", date(2026, 11, 6), date(2026, 12, 4),
                answered=date(2026, 11, 17))
    assert proposals.figures(session, school.id, on=date(2026, 11, 26)).median_days == 2  # Mon 16, Tue 17


def _admin(session, school):
    from support.proposals import new_staff

    return new_staff(session, school, "admin")


# --- follows --------------------------------------------------------------------------------------

def test_changed_since_compares_with_the_last_seen_entry(app, session, school, author):
    followed = make_proposal(session, school, author, "published", title="Gevolgd")
    quiet = make_proposal(session, school, author, "published", title="Stil")
    seen = {followed.id: proposals.followable(session, school, followed.id)[1],
            quiet.id: proposals.followable(session, school, quiet.id)[1]}
    assert proposals.changed_since(session, school.id, seen) == []
    proposals.transition(session, reload(session, followed.id), "forward", "council", text="Belangrijk.")
    session.commit()
    assert [p.id for p in proposals.changed_since(session, school.id, seen)] == [followed.id]
    assert proposals.changed_since(session, school.id, {}) == []
    hidden = make_proposal(session, school, author, "submitted")
    assert proposals.changed_since(session, school.id, {hidden.id: 0}) == []  # not public: never listed


# --- demo -----------------------------------------------------------------------------------------

def test_demo_has_the_late_arrival_journey_and_every_state(app, session):
    from app.demo import proposals as proposals_demo, school as demo
    from app.services import anonymity, school as school_service

    key = app.state.secret
    school = demo.load(session, key)  # groups, staff and random codes, kept in memory only
    proposals_demo.load(session, school, key)
    session.commit()

    all_ = list(session.exec(select(Proposal)))
    assert {p.state for p in all_} == set(proposals.STATES)
    late = next(p for p in all_ if p.title == "Geen straf meer voor één minuut te laat")
    steps = [(e.action, e.to_state) for e in proposals.timeline(session, late.id)]
    assert steps == [("submit", "submitted"), ("approve", "published"), ("threshold", "with_management"),
                     ("answer", "answered"), ("start", "in_progress"), ("update", "in_progress"), ("close", "done")]
    assert (late.decision, late.support_count) == ("partly", 34)
    assert late.support_count >= proposals.support_threshold(session, school)
    dates = [e.created_at for e in proposals.timeline(session, late.id)]
    assert dates == sorted(dates) and dates[-1] < utcnow()
    assert any(proposals.is_overdue(p) for p in all_)
    # The first five codes of 3A are left for a person trying the demo: they can still support.
    published = next(p for p in all_ if p.state == "published")
    group = school_service.find_group(session, school.id, "3A")
    for code in demo.demo_codes(group="3A", count=5):
        visitor = Participant(secret=anonymity.participant_secret(key, code), code_id=0,
                                        group_id=group.id, school_id=school.id)
        assert not proposals.has_supported(session, visitor, published)
    figures = proposals.figures(session, school.id)
    assert figures.judged >= 4 and figures.done_this_year >= 1 and figures.median_days is not None


def test_concurrent_supports_keep_the_count_right_and_move_once(app, engine, session, school, author):
    """Many phones at once (and one phone twice): the row lock and the key keep count and state right."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import Session

    set_school(session, school.id, support_threshold=5)
    proposal = make_proposal(session, school, author, "published")
    fans = [new_participant(app, session, school) for _ in range(8)]

    def press(fan):
        with Session(engine, expire_on_commit=False) as own:
            proposals.support(own, fan, proposal.id)
            own.commit()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(press, fans + fans[:2]))
    p = reload(session, proposal.id)
    # All 8 stored once; the public count moved once, by k = 5, which reached the threshold.
    assert (p.support_count, support_rows(session, proposal.id)) == (5, 8)
    assert p.state == "with_management"
    assert [e.action for e in proposals.timeline(session, p.id)].count("threshold") == 1
