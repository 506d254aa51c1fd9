"""k-anonymous results: which cells of a breakdown to hide (complementary suppression), the
cells and consensus score to show, and reading an item's tallies.

`suppress` and `build_results` are pure (no database), so they can be tested alone.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.i18n import _
from app.models import Group, Poll, PollOption, School, Statement, VoteTally
from app.services.voting.audience import grade_of, groups_of
from app.services.voting.common import POLL, STATEMENT, VOTERS, answer_keys, k_of, poll_options


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int | None  # None: fewer than k, shown as "te weinig antwoorden"
    percent: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Breakdown:
    label: str  # "" for everyone together, else the grade's name
    voters: Cell
    cells: list[Cell]


@dataclass(frozen=True)
class Results:
    k: int
    overall: Breakdown
    by_grade: list[Breakdown]
    consensus: float | None = None  # statements: product over grades of P(agree | grade)
    divisiveness: int | None = None  # statements: spread of the agree share between grades, in points
    mean: float | None = None  # scale polls, only when no cell is hidden


def suppress(rows: list[str], cols: list, counts: Mapping[tuple[str, object], int], k: int,
             additive: bool = True) -> set[tuple[str, object]]:
    """Which cells of a breakdown to hide. Pure: no database.

    The table has a row per answer plus the row VOTERS (participants), a column per group plus
    the column None (everyone together, the sum of the groups). Every count below k is hidden.
    Then each sum that is shown — a row's total over groups and, when every participant gives
    exactly one answer (`additive`), a column's participants over answers — must not give
    away a hidden cell: if exactly one of its cells is hidden, or the hidden ones must all be 0,
    the smallest shown cell is hidden too (preferably in a group that already hides one); a
    hidden total with all its cells shown hides one of them. Repeated until nothing changes.
    """
    all_rows = [*rows, VOTERS]
    values: dict[tuple[str, object], int] = {}
    for r in all_rows:
        for c in cols:
            values[(r, c)] = counts.get((r, c), 0)
        values[(r, None)] = sum(values[(r, c)] for c in cols)
    # (total, its parts, whether the parts lie along a row)
    sums = [((r, None), [(r, c) for c in cols], True) for r in all_rows] if cols else []
    if additive:
        sums += [((VOTERS, c), [(r, c) for r in rows], False) for c in [*cols, None]]
    hidden = {cell for cell, value in values.items() if value < k}

    def cost(cell, along_row: bool):
        # Prefer a cell whose column (or row) already hides something: the damage stays in as
        # few groups as possible. Then the smallest count.
        r, c = cell
        crossing = any((r2, c) in hidden for r2 in all_rows if r2 != r) if along_row else any(
            (r, c2) in hidden for c2 in [*cols, None] if c2 != c)
        return (not crossing, values[cell])

    changed = True
    while changed:
        changed = False
        for total, parts, along_row in sums:
            hidden_parts = [p for p in parts if p in hidden]
            shown_parts = [p for p in parts if p not in hidden]
            if total in hidden:
                exposed = bool(shown_parts) and not hidden_parts
            else:
                rest = values[total] - sum(values[p] for p in shown_parts)
                exposed = len(hidden_parts) == 1 or (bool(hidden_parts) and rest == 0)
            if exposed:
                hidden.add(min(shown_parts, key=lambda p: cost(p, along_row)) if shown_parts else total)
                changed = True
    return hidden


def _percent(count: int, base: int) -> int:
    return round(100 * count / base) if base else 0


def build_results(keys: list[tuple[str, str]], cols: list[tuple[object, str]],
                  counts: Mapping[tuple[str, object], int], k: int, additive: bool,
                  statement: bool = False, scale: bool = False) -> Results:
    """Cells to show, from counts per (answer, group column). Pure: no database."""
    col_ids = [c for c, _label in cols]
    hidden = suppress([key for key, _label in keys], col_ids, counts, k, additive)

    def value(r, c):
        return counts.get((r, c), 0) if c is not None else sum(counts.get((r, g), 0) for g in col_ids)

    def breakdown(c, label: str) -> Breakdown:
        base = value(VOTERS, c)
        base_shown = (VOTERS, c) not in hidden
        voters = Cell(VOTERS, _("antwoorden"), None if not base_shown else base)
        cells = []
        for key, key_label in keys:
            shown = (key, c) not in hidden
            count = value(key, c)
            cells.append(Cell(key, key_label, count if shown else None,
                              _percent(count, base) if shown and base_shown else None))
        return Breakdown(label, voters, cells)

    overall = breakdown(None, "")
    grades = [breakdown(c, label) for c, label in cols]
    consensus = divisiveness = mean = None
    if statement:
        # Polis' group-informed consensus: high only when every grade agrees. Only grades whose
        # agree count and size are shown take part, so the score gives nothing hidden away.
        shares = [(b.cells[0].count, b.voters.count) for b in grades
                  if b.cells[0].count is not None and b.voters.count]
        if shares:
            consensus = 1.0
            for agree, n in shares:
                consensus *= (agree + 1) / (n + 2)
            if len(shares) > 1:
                ratios = [agree / n for agree, n in shares]
                divisiveness = round(100 * (max(ratios) - min(ratios)))
    if scale and overall.voters.count and all(c.count is not None for c in overall.cells):
        mean = round(sum(int(c.key) * c.count for c in overall.cells) / overall.voters.count, 1)
    return Results(k, overall, grades, consensus, divisiveness, mean)


_TALLY = VoteTally.__table__.c
_TALLIES = select(_TALLY.item_id, _TALLY.answer, _TALLY.group_id, _TALLY.count).where(
    _TALLY.item_kind == bindparam("kind"), _TALLY.item_id.in_(bindparam("ids", expanding=True)), _TALLY.count > 0)


def tallies_of(session: Session, kind: str, ids: list[int]) -> dict[int, list[tuple[str, int, int]]]:
    found: dict[int, list[tuple[str, int, int]]] = {i: [] for i in ids}
    if ids:
        for item_id, answer, group_id, count in session.connection().execute(_TALLIES, {"kind": kind, "ids": ids}):
            found[item_id].append((answer, group_id, count))
    return found


def results_from(school: School, kind: str, item: Statement | Poll, options: list[PollOption],
                  tallies: list[tuple[str, int, int]], groups: Mapping[int, Group]) -> Results:
    counts: Counter = Counter()
    for answer, group_id, count in tallies:
        counts[(answer, grade_of(groups, group_id))] += count
    # A grade appears once someone of it voted; its size may still be "te weinig".
    cols = sorted(((g, groups[g].name if g in groups else "?") for (answer, g), n in counts.items()
                   if answer == VOTERS and n > 0), key=lambda c: c[1])
    additive = kind == STATEMENT or item.kind != "multiple"
    return build_results(answer_keys(kind, item, options), cols, counts, k_of(school), additive,
                         statement=kind == STATEMENT, scale=kind == POLL and item.kind == "scale")


def results(session: Session, school: School, kind: str, item: Statement | Poll,
            options: list[PollOption] | None = None, groups: Mapping[int, Group] | None = None) -> Results:
    if options is None:
        options = poll_options(session, item.id) if kind == POLL else []
    return results_from(school, kind, item, options, tallies_of(session, kind, [item.id])[item.id],
                         groups_of(session, school.id) if groups is None else groups)

