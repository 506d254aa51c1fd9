"""The permission table, move by move, and the deadline arithmetic."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models.proposals import Proposal
from app.services import proposals
from app.services.errors import DomainError, Forbidden, NotFound
from app.timeutil import today
from support.proposals import VALID_FIELDS, author, counts, make_proposal, new_participant, new_staff, reload  # noqa: F401

CHRISTMAS = [(date(2026, 12, 21), date(2027, 1, 3))]

# --- the permission table -------------------------------------------------------------------------

EXPECTED = {  # (from_state, action, role) -> to_state: the lifecycle of the issue, written out once more
    ("submitted", "approve", "council"): "published",
    ("submitted", "reject", "council"): "rejected_by_moderation",
    ("published", "forward", "council"): "with_management",
    ("with_management", "answer", "management"): "answered",
    ("with_management", "extend", "management"): "with_management",  # more time, once
    ("answered", "correct", "management"): "answered",  # a published answer may be corrected
    ("in_progress", "correct", "management"): "in_progress",
    ("done", "correct", "management"): "done",
    ("not_done", "correct", "management"): "not_done",
    ("answered", "start", "council"): "in_progress",
    ("in_progress", "update", "council"): "in_progress",
    ("answered", "close", "council"): "done",
    ("in_progress", "close", "council"): "done",
    ("submitted", "withdraw", "pupil_author"): "withdrawn",
    ("published", "withdraw", "pupil_author"): "withdrawn",
}
CASES = [(s, a, r) for s in proposals.STATES for a in proposals.ACTIONS for r in proposals.ROLES]


def test_the_table_is_the_lifecycle_of_the_issue():
    allowed = {(r.from_state, r.action, r.role) for r in proposals.RULES if r.role != "system"}
    assert allowed == set(EXPECTED)
    assert proposals.targets("published", "threshold", "system") == ["with_management"]
    assert set(proposals.targets("answered", "close", "council")) == {"done", "not_done"}


def _act(session, school, proposal, action, role, writer, other):
    """Make the move the way each role really reaches the service."""
    fields = VALID_FIELDS[action]
    if role in ("council", "management"):
        return proposals.staff_move(session, new_staff(session, school, role), proposal.id, action, **fields)
    if action == "withdraw":
        return proposals.withdraw(session, writer if role == "pupil_author" else other, proposal.id)
    return proposals.transition(session, proposal, action, role, **fields)


@pytest.mark.parametrize("state,action,role", CASES, ids=["-".join(c) for c in CASES])
def test_every_move_for_every_role(app, session, school, author, state, action, role):
    proposal = make_proposal(session, school, author, state)
    other = new_participant(app, session, school)
    before = counts(session, proposal.id)
    proposal = reload(session, proposal.id)
    expected = EXPECTED.get((state, action, role))
    if expected is None:
        hidden = role == "pupil" and action == "withdraw" and state not in proposals.PUBLIC_STATES
        with pytest.raises(NotFound if hidden else Forbidden) as refused:
            _act(session, school, proposal, action, role, author, other)
        assert refused.value.message  # a clear sentence, not a code
        assert counts(session, proposal.id) == before, "a refused move changed something"
        assert reload(session, proposal.id).state == state
        return
    _act(session, school, proposal, action, role, author, other)
    session.commit()
    moved = reload(session, proposal.id)
    assert moved.state == expected
    events, audits, _supports = counts(session, proposal.id)
    assert events == before[0] + 1
    assert audits == before[1] + (1 if role in ("council", "management") else 0)
    last = proposals.timeline(session, proposal.id)[-1]
    assert (last.action, last.from_state, last.to_state) == (action, state, expected)


def test_refusal_messages_name_who_may(app, session, school, author):
    assert proposals.refusal("with_management", "answer", "council") == \
        "Dat mag je niet. Alleen de directie kan dit voorstel nu beantwoorden."
    assert proposals.refusal("done", "withdraw", "pupil_author") == \
        "Dat kan niet. Een voorstel met de status “Gedaan” kan je niet intrekken."


def test_admins_may_not_move_proposals(app, session, school, author):
    proposal = make_proposal(session, school, author, "submitted")
    with pytest.raises(Forbidden):
        proposals.staff_move(session, new_staff(session, school, "admin"), proposal.id, "approve")


def test_staff_of_another_school_cannot_reach_a_proposal(app, session, school, author):
    from app.models import School

    proposal = make_proposal(session, school, author, "submitted")
    other_school = School(name="Andere school")
    session.add(other_school)
    session.commit()
    with pytest.raises(NotFound):
        proposals.staff_move(session, new_staff(session, other_school, "council"), proposal.id, "approve")


@pytest.mark.parametrize("action,fields,message", [
    ("forward", {}, "Schrijf waarom"),
    ("update", {"text": "   "}, "Schrijf wat er nieuw is"),
    ("close", {"text": "Klaar."}, "gedaan of niet gedaan"),
    ("close", {"outcome": "done"}, "Schrijf wat er gedaan is"),
    ("close", {"outcome": "done", "text": "Ok", "review_date": date(2020, 1, 1)}, "later zijn dan vandaag"),
    ("reject", {"reason": "omdat"}, "Kies een reden"),
    ("forward", {"text": "x" * 2001}, "te lang"),
])
def test_moves_need_their_explanation(app, session, school, author, action, fields, message):
    state = {"forward": "published", "update": "in_progress", "close": "in_progress", "reject": "submitted"}[action]
    proposal = make_proposal(session, school, author, state)
    before = counts(session, proposal.id)
    with pytest.raises(DomainError, match=message):
        proposals.staff_move(session, new_staff(session, school, "council"), proposal.id, action, **fields)
    assert counts(session, proposal.id) == before


@pytest.mark.parametrize("fields,message", [
    ({"text": "Omdat."}, "Kies een beslissing"),
    ({"decision": "maybe", "text": "Omdat."}, "Kies een beslissing"),
    ({"decision": "declined", "text": ""}, "Leg je beslissing uit"),
])
def test_an_answer_needs_a_decision_and_an_explanation(app, session, school, author, fields, message):
    proposal = make_proposal(session, school, author, "with_management")
    with pytest.raises(DomainError, match=message):
        proposals.staff_move(session, new_staff(session, school, "management"), proposal.id, "answer", **fields)
    assert reload(session, proposal.id).state == "with_management"


def test_answer_and_close_keep_decision_and_review_date(app, session, school, author):
    council, management = new_staff(session, school, "council"), new_staff(session, school, "management")
    proposal = make_proposal(session, school, author, "with_management")
    proposals.staff_move(session, management, proposal.id, "answer", decision="declined", text="Kan niet, want...")
    review = today() + timedelta(days=90)
    proposals.staff_move(session, council, proposal.id, "close", outcome="not_done", text="Niet gedaan.",
                         review_date=review)
    session.commit()
    p = reload(session, proposal.id)
    assert (p.state, p.decision, p.review_date) == ("not_done", "declined", review)
    assert p.answered_at is not None and p.closed_at is not None
    answer, close = proposals.timeline(session, p.id)[-2:]
    assert (answer.decision, answer.text) == ("declined", "Kan niet, want...")
    assert (close.to_state, close.review_date) == ("not_done", review)


def test_pupil_acts_are_kept_to_the_hour(app, session, school, author):
    proposal = make_proposal(session, school, author, "published")
    proposals.withdraw(session, author, proposal.id)
    session.commit()
    for event in proposals.timeline(session, proposal.id):
        if event.actor == "pupil":
            assert (event.created_at.minute, event.created_at.second, event.created_at.microsecond) == (0, 0, 0)
    p = reload(session, proposal.id)
    assert p.created_at.minute == 0 and p.changed_at.minute == 0


def test_authorship_is_proven_only_by_the_authors_secret(app, session, school, author):
    proposal = make_proposal(session, school, author, "submitted")
    other = new_participant(app, session, school)
    assert proposals.is_author(author, proposal)
    assert not proposals.is_author(other, proposal)
    assert not proposals.is_author(None, proposal)
    assert author.pseudonym("proposal-author", proposal.id) != proposal.author_tag  # keyed by the nonce, not the id


# --- school days and deadlines --------------------------------------------------------------------

@pytest.mark.parametrize("start,days,holidays,expected", [
    (date(2026, 11, 27), 1, [], date(2026, 11, 30)),            # Friday + 1 → Monday
    (date(2026, 11, 28), 1, [], date(2026, 11, 30)),            # from a Saturday
    (date(2026, 11, 29), 5, [], date(2026, 12, 4)),             # from a Sunday: Mon..Fri
    (date(2026, 11, 30), 15, [], date(2026, 12, 21)),           # three school weeks
    (date(2026, 11, 30), 15, CHRISTMAS, date(2027, 1, 4)),      # the Christmas break is skipped
    (date(2026, 12, 18), 3, CHRISTMAS, date(2027, 1, 6)),       # across the year end inside a break
    (date(2026, 12, 31), 2, [], date(2027, 1, 4)),              # year end without a break: Fri 1 Jan counts
    (date(2026, 11, 6), 1, [(date(2026, 11, 9), date(2026, 11, 9))], date(2026, 11, 10)),  # one free Monday
    (date(2026, 11, 6), 1, [(date(2026, 11, 7), date(2026, 11, 8))], date(2026, 11, 9)),   # free weekend: no effect
    (date(2026, 11, 2), 3, [(date(2026, 11, 3), date(2026, 11, 5)), (date(2026, 11, 4), date(2026, 11, 6))],
     date(2026, 11, 11)),                                        # overlapping ranges
    (date(2028, 2, 28), 2, [], date(2028, 3, 1)),               # leap day is a school day
    (date(2026, 11, 27), 0, [], date(2026, 11, 27)),
])
def test_add_school_days(start, days, holidays, expected):
    assert proposals.add_school_days(start, days, holidays) == expected


@pytest.mark.parametrize("offset", range(0, 21))
def test_counting_back_gives_the_same_number_of_school_days(offset):
    start = date(2026, 12, 1) + timedelta(days=offset)
    for days in (1, 5, 15):
        end = proposals.add_school_days(start, days, CHRISTMAS)
        assert proposals.school_days_between(start, end, CHRISTMAS) == days
        assert proposals.is_school_day(end, CHRISTMAS)


def test_school_days_between_edges():
    assert proposals.school_days_between(date(2026, 11, 27), date(2026, 11, 27)) == 0
    assert proposals.school_days_between(date(2026, 11, 30), date(2026, 11, 27)) == 0
    assert proposals.school_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1


def test_school_year_starts_on_the_first_of_september():
    assert proposals.school_year_start(date(2026, 11, 26)) == date(2026, 9, 1)
    assert proposals.school_year_start(date(2027, 8, 31)) == date(2026, 9, 1)
    assert proposals.school_year_start(date(2027, 9, 1)) == date(2027, 9, 1)


def test_overdue_is_computed_from_deadline_and_day():
    p = Proposal(school_id=1, category_id=1, title="t", body="b", author_nonce="n", author_tag="t",
                 state="with_management", deadline=date(2026, 12, 4))
    assert not proposals.is_overdue(p, date(2026, 12, 4))  # the deadline day itself is still on time
    assert proposals.is_overdue(p, date(2026, 12, 5))
    p.state = "answered"
    assert not proposals.is_overdue(p, date(2027, 1, 5))


def test_deadline_is_set_when_the_proposal_reaches_management(app, session, school, author):
    proposals.add_holiday(session, new_staff(session, school, "admin"), date(2026, 12, 21), date(2027, 1, 3),
                          "Kerstvakantie")
    proposal = make_proposal(session, school, author, "published")
    proposals.transition(session, reload(session, proposal.id), "forward", "council", text="Dringend.",
                         at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC))
    session.commit()
    p = reload(session, proposal.id)
    assert p.deadline == date(2027, 1, 4)  # 15 school days, Christmas skipped
    assert p.with_management_at.date() == date(2026, 11, 30)
