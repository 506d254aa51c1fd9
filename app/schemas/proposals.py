"""The proposals API's response bodies (JSON) and the staff move form, with the mapping from the
service's items to the response bodies."""

from datetime import date

from pydantic import BaseModel, Field

from app.i18n import _
from app.services import proposals
from app.timeutil import local_date


class SettingsForm(BaseModel):
    """The threshold (a number or a percentage of the audience) and the response time, as typed."""

    kind: str = Field(default="number", max_length=10)
    number: str = Field(default="", max_length=12)
    percent: str = Field(default="", max_length=12)
    response_days: str = Field(default="", max_length=12)


class MoveForm(BaseModel):
    action: str = ""
    text: str = ""
    decision: str = ""
    outcome: str = ""
    review_date: str = ""
    reason: str = ""
    new_deadline: str = ""
    queue: str = ""  # "1" when the move started in the moderation queue: it goes back there


class TimelineEntryOut(BaseModel):
    id: int
    date: date
    actor: str
    action: str
    to_state: str
    label: str
    text: str
    decision: str | None
    review_date: date | None


class ProposalOut(BaseModel):
    id: int
    title: str
    body: str
    category: str
    state: str
    state_label: str
    supports: int
    threshold: int
    deadline: date | None
    overdue: bool
    decision: str | None
    review_date: date | None
    created: date
    changed: date
    url: str


class ProposalDetailOut(ProposalOut):
    timeline: list[TimelineEntryOut]


class SupportOut(BaseModel):
    proposal_id: int
    supported: bool
    supports: int
    state: str


def proposal_out(item: proposals.Item) -> dict:
    p = item.proposal
    return {"id": p.id, "title": p.title, "body": p.body, "category": item.category, "state": p.state,
            "state_label": _(proposals.STATE_LABELS[p.state]), "supports": p.support_count,
            "threshold": item.threshold, "deadline": p.deadline, "overdue": item.overdue, "decision": p.decision,
            "review_date": p.review_date, "created": local_date(p.created_at), "changed": local_date(p.changed_at),
            "url": f"/voorstellen/{p.id}"}


def entry_out(event) -> TimelineEntryOut:
    return TimelineEntryOut(id=event.id, date=local_date(event.created_at), actor=event.actor, action=event.action,
                            to_state=event.to_state, label=_(proposals.event_label(event)), text=event.text,
                            decision=event.decision, review_date=event.review_date)
