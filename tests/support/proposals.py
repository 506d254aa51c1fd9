"""Small factories for the proposal tests: participants, staff and proposals in any state.

Proposals are walked to their state through the real transition function, so every one has
the timeline a real proposal would have.
"""

import pytest
from sqlmodel import func, select

from app.models import AuditEntry, Staff
from app.models.proposals import Proposal, ProposalEvent, ProposalSupport
from app.services import access, moderation, proposals, school as school_service, staff as staff_service
from app.services.access import Participant
from app.timeutil import now_hour, today
from conftest import STAFF_PASSWORD
from support import set_school  # noqa: F401 (tests import it from here too)

# The moves (action, role, extra fields) that bring a new proposal to each state.
APPROVE = ("approve", "council", {})
FORWARD = ("forward", "council", {"text": "Belangrijk voor veel leerlingen."})
ANSWER = ("answer", "management", {"decision": "partly", "text": "Deels: zo en zo."})
START = ("start", "council", {})
PATHS = {
    "submitted": [],
    "published": [APPROVE],
    "with_management": [APPROVE, FORWARD],
    "answered": [APPROVE, FORWARD, ANSWER],
    "in_progress": [APPROVE, FORWARD, ANSWER, START],
    "done": [APPROVE, FORWARD, ANSWER, START, ("close", "council", {"outcome": "done", "text": "Gedaan."})],
    "not_done": [APPROVE, FORWARD, ANSWER, ("close", "council", {"outcome": "not_done", "text": "Niet gelukt."})],
    "rejected_by_moderation": [("reject", "council", {"reason": "person"})],
    "withdrawn": [APPROVE, ("withdraw", "pupil_author", {})],
}
# Input that makes each move valid, so only the permission table can refuse it.
VALID_FIELDS = {
    "approve": {}, "reject": {"reason": "bullying"}, "forward": {"text": "Omdat het dringend is."},
    "answer": {"decision": "accepted", "text": "Ja, goed idee."}, "start": {"text": "We beginnen."},
    "extend": {"text": "We wachten op de ouderraad.", "new_deadline": proposals.add_school_days(today(), 20)},
    "correct": {"decision": "declined", "text": "Verbeterd: nee, want zo en zo."},
    "update": {"text": "Nieuws."}, "close": {"outcome": "done", "text": "Klaar."}, "withdraw": {},
}


def new_participant(app, session, school, group: str = "3A") -> Participant:
    _sheet, codes = access.create_codes(session, app.state.secret,
                                        school_service.find_group(session, school.id, group), 1)
    session.commit()
    return access.redeem(session, app.state.secret, codes[0])


def new_staff(session, school, role: str) -> Staff:
    staff = staff_service.create_staff(session, school.id, f"{role}{session.exec(select(func.count(Staff.id))).one()}",
                                       role, STAFF_PASSWORD)
    session.commit()
    return staff


def category_id(session, school, name: str = "Te laat komen") -> int:
    found = next(c.id for c in proposals.categories(session, school.id) if c.name == name)
    session.commit()  # the first call seeds the list: don't keep the app waiting on our transaction
    return found


def make_proposal(session, school, author: Participant, state: str = "published", title: str = "Meer bankjes",
                  category: str = "Te laat komen", body: str = "Er zijn te weinig bankjes op de speelplaats.") -> Proposal:
    screened = moderation.Screened(status="pending", urgent=False, verdict="ok")
    proposal = proposals.create(session, school.id, author, title, body, category_id(session, school, category),
                                 screened, now_hour())
    for action, role, fields in PATHS[state]:
        proposals.transition(session, proposal, action, role, **fields)
    session.commit()
    return proposal


def reload(session, proposal_id: int) -> Proposal:
    session.expire_all()
    return session.get(Proposal, proposal_id)


def counts(session, proposal_id: int) -> tuple[int, int, int]:
    """(timeline entries, audit entries, support rows): what a refused move must leave alone."""
    session.expire_all()
    return (session.exec(select(func.count(ProposalEvent.id)).where(ProposalEvent.proposal_id == proposal_id)).one(),
            session.exec(select(func.count(AuditEntry.id))).one(),
            session.exec(select(func.count()).select_from(ProposalSupport).where(ProposalSupport.proposal_id == proposal_id)).one())


@pytest.fixture
def author(app, session, school) -> Participant:
    return new_participant(app, session, school)
