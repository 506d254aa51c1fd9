"""k-anonymous results: small counts hidden, and no hidden count recoverable by subtraction,
checked by an independent linear-algebra attack; the consensus score; results in the database."""

import random
from fractions import Fraction

import pytest

from app.services import voting
from app.services.voting import VOTERS, build_results, suppress
from support.voting import make_poll, make_statement, new_staff, option_ids, participant, set_k

ROWS = ["agree", "disagree", "pass"]


def _table(counts, rows, cols):
    """Every cell, the overall column (None) being the sum of the groups."""
    values = {}
    for r in [*rows, VOTERS]:
        for c in cols:
            values[(r, c)] = counts.get((r, c), 0)
        values[(r, None)] = sum(values[(r, c)] for c in cols)
    return values


def _sums(rows, cols, additive):
    """What anyone knows holds in such a table: the relations an attacker can use."""
    sums = [((r, None), [(r, c) for c in cols]) for r in [*rows, VOTERS]]
    if additive:
        sums += [((VOTERS, c), [(r, c) for r in rows]) for c in [*cols, None]]
    return sums


def _rank(matrix):
    m = [row[:] for row in matrix]
    rank, width = 0, len(m[0]) if m else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][col] != 0:
                f = m[i][col] / m[rank][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[rank])]
        rank += 1
    return rank


def recoverable(values, hidden, sums):
    """Hidden cells an attacker can compute exactly from the shown cells and the known sums:
    by linear algebra, and by a shown sum whose hidden parts must all be 0."""
    unknown = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(unknown)}
    equations = []
    found = set()
    for total, parts in sums:
        row = [Fraction(0)] * len(unknown)
        for cell, sign in [(total, -1), *[(p, 1) for p in parts]]:
            if cell in index:
                row[index[cell]] += sign
        if any(row):
            equations.append(row)
        if total not in hidden:
            hidden_parts = [p for p in parts if p in hidden]
            if hidden_parts and values[total] == sum(values[p] for p in parts if p not in hidden):
                found |= set(hidden_parts)
    base = _rank(equations) if equations else 0
    for cell, i in index.items():
        probe = [Fraction(int(j == i)) for j in range(len(unknown))]
        if equations and _rank([*equations, probe]) == base:
            found.add(cell)
    return found


def check(counts, rows, cols, k, additive=True):
    hidden = suppress(rows, cols, counts, k, additive)
    values = _table(counts, rows, cols)
    assert {cell for cell, v in values.items() if v < k} <= hidden, "a small count is shown"
    assert not recoverable(values, hidden, _sums(rows, cols, additive)), "a hidden count can be computed"
    return hidden


def test_counts_below_k_are_hidden():
    hidden = check({("agree", "g"): 9, ("disagree", "g"): 7, ("pass", "g"): 5, (VOTERS, "g"): 21}, ROWS, ["g"], 5)
    assert hidden == set()
    hidden = check({("agree", "g"): 2, (VOTERS, "g"): 2}, ROWS, ["g"], 5)
    assert (VOTERS, None) in hidden and ("agree", None) in hidden


def test_subtraction_case_one_hidden_cell_hides_a_second():
    # 10 agree, 6 disagree, 2 pass, 18 answers: showing 10, 6 and 18 would give away the 2.
    counts = {("agree", "g"): 10, ("disagree", "g"): 6, ("pass", "g"): 2, (VOTERS, "g"): 18}
    hidden = check(counts, ROWS, ["g"], 5)
    assert ("pass", None) in hidden and ("disagree", None) in hidden  # the next smallest goes too
    assert ("agree", None) not in hidden and (VOTERS, None) not in hidden
    res = build_results([(r, r) for r in ROWS], [("g", "3de jaar")], counts, 5, True)
    shown = {c.key: c.count for c in res.overall.cells}
    assert shown == {"agree": 10, "disagree": None, "pass": None}
    assert res.overall.voters.count == 18  # 18 - 10 = 8: disagree and pass together, not apart


def test_a_small_grade_cannot_be_computed_from_the_school_total():
    # Grade 5 has 3 agree: the school total minus grades 3 and 4 would show it.
    counts = {("agree", 3): 9, ("disagree", 3): 6, (VOTERS, 3): 15,
              ("agree", 4): 8, ("disagree", 4): 7, (VOTERS, 4): 15,
              ("agree", 5): 3, ("disagree", 5): 6, (VOTERS, 5): 9}
    hidden = check(counts, ["agree", "disagree"], [3, 4, 5], 5)
    assert ("agree", 5) in hidden
    assert ("agree", None) not in hidden  # the school-wide answer stays visible


def test_unanimous_hidden_cells_are_not_given_away_as_zero():
    counts = {("agree", "g"): 12, (VOTERS, "g"): 12}
    hidden = check(counts, ROWS, ["g"], 5)
    assert {("disagree", None), ("pass", None), ("agree", None)} <= hidden


def test_multiple_choice_has_no_column_sum():
    counts = {("a", "g"): 7, ("b", "g"): 2, ("c", "g"): 6, (VOTERS, "g"): 9,
              ("a", "h"): 6, ("b", "h"): 6, ("c", "h"): 1, (VOTERS, "h"): 8}
    check(counts, ["a", "b", "c"], ["g", "h"], 5, additive=False)


def test_random_breakdowns_never_give_a_hidden_count_away():
    for seed in range(300):
        _random_breakdown(seed)


def _random_breakdown(seed):
    rnd = random.Random(seed)
    rows = ROWS if rnd.random() < 0.5 else ["1", "2", "3", "4", "5"]
    cols = list(range(rnd.randint(1, 4)))
    k = rnd.choice([3, 5])
    additive = rnd.random() < 0.8
    counts = {}
    for c in cols:
        size = rnd.choice([0, 1, 2, 4, 6, 9, 15, 30])
        if additive:
            for _i in range(size):
                r = rnd.choice(rows)
                counts[(r, c)] = counts.get((r, c), 0) + 1
        else:
            for r in rows:
                counts[(r, c)] = rnd.randint(0, size)
        counts[(VOTERS, c)] = size
    check(counts, rows, cols, k, additive)


def test_consensus_is_high_only_when_every_grade_agrees():
    keys = [(r, r) for r in ROWS]
    cols = [(3, "3de jaar"), (4, "4de jaar")]

    def grades(a3, d3, a4, d4):
        return {("agree", 3): a3, ("disagree", 3): d3, ("pass", 3): 3, (VOTERS, 3): a3 + d3 + 3,
                ("agree", 4): a4, ("disagree", 4): d4, ("pass", 4): 3, (VOTERS, 4): a4 + d4 + 3}

    united = build_results(keys, cols, grades(9, 3, 8, 4), 3, True, statement=True)
    divided = build_results(keys, cols, grades(8, 3, 3, 8), 3, True, statement=True)
    assert united.consensus == pytest.approx((10 / 17) * (9 / 17))
    assert divided.consensus == pytest.approx((9 / 16) * (4 / 16))
    assert united.consensus > divided.consensus
    assert (united.divisiveness, divided.divisiveness) == (7, 36)
    few = build_results(keys, [(3, "3de jaar")], {("agree", 3): 2, (VOTERS, 3): 2}, 3, True, statement=True)
    assert few.consensus is None  # no grade has enough answers


def test_results_in_the_database_per_grade_with_a_small_grade_hidden(app, session, school, new_codes):
    council = new_staff(session, school)
    set_k(session, school, 3)
    st = make_statement(session, council)
    for group, answer, n in [("3A", "agree", 3), ("3B", "agree", 1), ("3B", "disagree", 3), ("4A", "agree", 2)]:
        for _i in range(n):
            voting.vote_statement(session, participant(app, session, new_codes, group), school, st.id, answer)
    voting.close_now(session, council, "statement", st.id)  # closing counts the ballots still waiting
    session.commit()
    res = voting.staff_item(session, school, "statement", st.id).results
    grades = {b.label: b for b in res.by_grade}
    assert set(grades) == {"3de jaar", "4de jaar"}  # classes counted with their grade
    assert res.overall.voters.count == 9 and res.overall.cells[0].count == 6
    assert grades["4de jaar"].voters.count is None  # 2 answers
    # With two grades, showing grade 3 (7 answers, 4 agree) would give grade 4 away: 9 - 7, 6 - 4.
    assert grades["3de jaar"].voters.count is None and grades["3de jaar"].cells[0].count is None
    counts = {("agree", 3): 4, ("disagree", 3): 3, (VOTERS, 3): 7, ("agree", 4): 2, (VOTERS, 4): 2}
    hidden = check(counts, ROWS, [3, 4], 3)
    cells = {(c.key, None): c for c in [res.overall.voters, *res.overall.cells]}
    assert {key for key, c in cells.items() if c.suppressed} == {key for key in cells if key in hidden}


def test_scale_mean_only_when_nothing_is_hidden(app, session, school, new_codes):
    council = new_staff(session, school)
    set_k(session, school, 3)
    poll = make_poll(session, council, "Hoe tevreden?", kind="scale", options="", scale_low="niet", scale_high="heel")
    for value in [4, 4, 4]:
        voting.vote_poll(session, participant(app, session, new_codes, "3A"), school, poll.id, value=value)
    session.commit()
    res = voting.staff_item(session, school, "poll", poll.id).results
    assert res.mean is None  # 1, 2, 3 and 5 are hidden (0 < k): a mean would tell them
    assert option_ids(session, poll) == []
