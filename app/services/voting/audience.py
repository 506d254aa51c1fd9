"""Groups and audiences: who an item is for, which groups a pupil belongs to, and the
item as a pupil may see it (published, opened, and for their group)."""

from collections.abc import Mapping

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.i18n import _
from app.models import Group, Poll, PollOption, Statement, VoteAudience
from app.services.access import Participant
from app.services.errors import Forbidden
from app.services.voting.common import POLL, load_item, poll_options
from app.timeutil import utcnow


# Built once, as the other statements of the pupil's pages: building costs more than running them.
_GROUPS = select(Group).where(Group.school_id == bindparam("school_id"))
_IN_AUDIENCE = select(VoteAudience.id).where(VoteAudience.item_kind == bindparam("kind"),
                                             VoteAudience.item_id == bindparam("item_id"),
                                             VoteAudience.group_id.in_(bindparam("chain", expanding=True)))


def groups_of(session: Session, school_id: int) -> dict[int, Group]:
    return {g.id: g for g in session.exec(_GROUPS, params={"school_id": school_id})}


def group_chain(groups: Mapping[int, Group], group_id: int) -> list[int]:
    """The group and the groups it belongs to (a pupil of 3A is also in grade 3), from the
    school's groups already loaded."""
    ids: list[int] = []
    current = groups.get(group_id)
    while current is not None and current.id not in ids:
        ids.append(current.id)
        current = groups.get(current.parent_id)
    return ids or [group_id]


def grade_of(groups: Mapping[int, Group], group_id: int) -> int:
    """Classes count with their grade in a breakdown; a grade or a loose class is its own."""
    group = groups.get(group_id)
    return group.parent_id if group is not None and group.parent_id is not None else group_id


def in_audience(session: Session, kind: str, item: Statement | Poll, chain: list[int]) -> bool:
    if item.whole_school:
        return True
    return session.exec(_IN_AUDIENCE, params={"kind": kind, "item_id": item.id, "chain": chain}).first() is not None


def audience_names(session: Session, kind: str, item: Statement | Poll) -> list[str]:
    if item.whole_school:
        return [_("hele school")]
    return list(session.exec(select(Group.name).join(VoteAudience, VoteAudience.group_id == Group.id).where(
        VoteAudience.item_kind == kind, VoteAudience.item_id == item.id).order_by(Group.name)))


def store_audience(session: Session, kind: str, item: Statement | Poll, audience: list[int] | None) -> None:
    for group_id in audience or []:
        session.add(VoteAudience(school_id=item.school_id, item_kind=kind, item_id=item.id, group_id=group_id))


def visible_item(session: Session, participant: Participant, kind: str, item_id: int, groups: Mapping[int, Group],
                  lock: bool = False) -> tuple[Statement | Poll, list[PollOption]]:
    """The item, if this participant may see it: published, opened, and for their group."""
    item = load_item(session, participant.school_id, kind, item_id, lock)
    if item.opens_at > utcnow():
        raise Forbidden(_("Dit is nog niet open. Kom later terug."))
    if not in_audience(session, kind, item, group_chain(groups, participant.group_id)):
        raise Forbidden(_("Dit is niet voor jouw klas of jaar."))
    return item, (poll_options(session, item.id) if kind == POLL else [])

