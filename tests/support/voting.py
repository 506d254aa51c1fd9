"""Small factories for the voting tests: staff, participants, statements and polls, and a
look at what the database holds."""

from datetime import timedelta

from sqlmodel import Session, select

from app.models import Group, HasVoted, School, Staff, VoteTally
from app.services import access, staff as staff_service, voting
from app.services.shared import local_input
from app.timeutil import utcnow
from conftest import STAFF_PASSWORD


def closes_in(days: float = 7) -> str:
    return local_input(utcnow() + timedelta(days=days))


def new_staff(session: Session, school: School, role: str = "council") -> Staff:
    staff = staff_service.create_staff(session, school.id, f"{role}{len(session.exec(select(Staff)).all())}", role,
                                       STAFF_PASSWORD)
    session.commit()
    return staff


def participant(app, session: Session, new_codes, group: str = "3A") -> access.Participant:
    return access.redeem(session, app.state.secret, new_codes(group)[0])


def form(text: str = "Ik voel me veilig op school", audience=("school",), **fields) -> voting.ItemForm:
    return voting.ItemForm(text=text, audience=list(audience), closes_at=fields.pop("closes_at", closes_in()),
                           **fields)


def group_ids(session: Session, school: School, *names: str) -> list[str]:
    return [str(session.exec(select(Group.id).where(Group.school_id == school.id, Group.name == n)).one())
            for n in names]


def make_statement(session: Session, staff: Staff, text: str = "Ik voel me veilig op school", **fields):
    item = voting.create_statement(session, staff, form(text, **fields))
    session.commit()
    return item


def make_poll(session: Session, staff: Staff, question: str = "Welke dag voor de schoolreis?",
              kind: str = "single", options: str = "Maandag\nDinsdag\nWoensdag", **fields):
    item = voting.create_poll(session, staff, form(question, kind=kind, options=options, **fields))
    session.commit()
    return item


def option_ids(session: Session, poll) -> list[int]:
    return [o.id for o in voting.poll_options(session, poll.id)]


def tallies(session: Session, kind: str, item_id: int) -> dict[tuple[str, str], int]:
    """Counts by (answer, group name), zero rows left out."""
    rows = session.exec(select(VoteTally, Group).join(Group, Group.id == VoteTally.group_id).where(
        VoteTally.item_kind == kind, VoteTally.item_id == item_id)).all()
    return {(t.answer, g.name): t.count for t, g in rows if t.count}


def has_voted_rows(session: Session, kind: str, item_id: int) -> list[HasVoted]:
    return list(session.exec(select(HasVoted).where(HasVoted.item_kind == kind, HasVoted.item_id == item_id)))


def set_k(session: Session, school: School, k: int) -> None:
    school.k_anonymity = k
    session.add(school)
    session.commit()


def closed_tallies(session: Session, staff: Staff, kind: str, item_id: int) -> dict[tuple[str, str], int]:
    """Close the item (which counts every pending ballot) and read its exact tallies."""
    voting.close_now(session, staff, kind, item_id)
    session.commit()
    return tallies(session, kind, item_id)
