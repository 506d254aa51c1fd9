"""The voting API's request and response bodies (JSON), and the form the council fills in to make a
statement or poll; with the mapping from the service's views to the response bodies."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Form
from pydantic import BaseModel, ConfigDict, Field

from app.security.bounds import JsonInt
from app.services import voting

FormText = Annotated[str, Form(max_length=5000)]  # the service gives the real, readable limit


class ItemFormIn(BaseModel):
    """The council's statement or poll form, as typed: the service checks all of it."""

    text: FormText = ""
    kind: FormText = "single"
    options: FormText = ""
    max_choices: FormText = ""
    scale_low: FormText = ""
    scale_high: FormText = ""
    audience: Annotated[list[str], Form(max_length=20)] = []
    opens_at: FormText = ""
    closes_at: FormText = ""
    results: FormText = "after_vote"

    def to_service(self) -> voting.ItemForm:
        return voting.ItemForm(**{**self.model_dump(), "audience": self.audience[:500]})


class OptionOut(BaseModel):
    id: int
    label: str


class PollOut(BaseModel):
    id: int
    question: str
    kind: Literal["single", "multiple", "scale"]
    max_choices: int = Field(description="How many options one vote may hold (1 for single and scale).")
    scale_low: str | None = Field(description="Label at 1, for scale polls.")
    scale_high: str | None = Field(description="Label at 5, for scale polls.")
    options: list[OptionOut]
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    results_visible: Literal["after_vote", "after_close"]
    voted: bool
    my_option_ids: list[int] | None = Field(description="Your current choice, for single and multiple polls.")
    my_value: int | None = Field(description="Your current choice, for scale polls.")


class StatementOut(BaseModel):
    id: int
    text: str
    by_pupil: bool = Field(description="Written by a pupil (shown as 'door een leerling').")
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    results_visible: Literal["after_vote", "after_close"]
    voted: bool
    my_answer: Literal["agree", "disagree", "pass"] | None


class PollVoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True,  # strict: a boolean is not a number
                              json_schema_extra={"examples": [{"option_ids": [3]}, {"value": 4}]})
    option_ids: list[JsonInt] | None = Field(default=None, max_length=50,
                                             description="Single and multiple choice polls.")
    value: JsonInt | None = Field(default=None, description="Scale polls: 1 to 5.")


class StatementVoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    answer: str | None = Field(default=None, max_length=20, description="agree, disagree or pass",
                               json_schema_extra={"enum": list(voting.ANSWERS)})


class CellOut(BaseModel):
    key: str = Field(description="Option id, scale value, agree/disagree/pass, or '*' for the number of answers.")
    label: str
    count: int | None = Field(description="null when suppressed (fewer than k answers)")
    percent: int | None = Field(description="Share of the answers in this breakdown; null when suppressed.")
    suppressed: bool


class BreakdownOut(BaseModel):
    group: str | None = Field(description="The grade, or null for everyone together.")
    answers: CellOut
    cells: list[CellOut]


class ResultsOut(BaseModel):
    kind: Literal["poll", "statement"]
    id: int
    k: int = Field(description="Counts below k are suppressed.")
    closed: bool
    overall: BreakdownOut
    by_grade: list[BreakdownOut] = Field(description="Staff only; empty for pupils.")
    consensus: float | None = Field(description="Statements, staff only: product over grades of P(agree).")
    divisiveness: int | None = Field(description="Statements, staff only: spread of agreement between grades.")
    mean: float | None = Field(description="Scale polls, when no cell is suppressed.")


class VoteOut(BaseModel):
    status: Literal["created", "changed"]
    answers: list[str] = Field(description="Your answer(s) as stored: option ids, a scale value or agree/...")
    results: ResultsOut | None = Field(description="When results show right after voting.")


def cell_out(cell: voting.Cell) -> CellOut:
    return CellOut(key=cell.key, label=cell.label, count=cell.count, percent=cell.percent,
                   suppressed=cell.suppressed)


def breakdown_out(b: voting.Breakdown) -> BreakdownOut:
    return BreakdownOut(group=b.label or None, answers=cell_out(b.voters), cells=[cell_out(c) for c in b.cells])


def results_out(kind: str, item, res: voting.Results, staff: bool) -> ResultsOut:
    return ResultsOut(kind=kind, id=item.id, k=res.k, closed=voting.is_closed(item), overall=breakdown_out(res.overall),
                      by_grade=[breakdown_out(b) for b in res.by_grade] if staff else [],
                      consensus=res.consensus if staff else None, divisiveness=res.divisiveness if staff else None,
                      mean=res.mean)


def poll_out(v: voting.ItemView) -> PollOut:
    p = v.item
    scale = p.kind == "scale"
    return PollOut(id=p.id, question=p.question, kind=p.kind, max_choices=p.max_choices,
                   scale_low=p.scale_low if scale else None, scale_high=p.scale_high if scale else None,
                   options=[OptionOut(id=o.id, label=o.label) for o in v.options], opens_at=p.opens_at,
                   closes_at=p.closes_at, is_open=v.is_open, results_visible=p.results, voted=v.voted,
                   my_option_ids=[int(a) for a in v.mine] if v.voted and not scale else None,
                   my_value=int(v.mine[0]) if v.voted and scale else None)


def statement_out(v: voting.ItemView) -> StatementOut:
    s = v.item
    return StatementOut(id=s.id, text=s.text, by_pupil=s.by_pupil, opens_at=s.opens_at, closes_at=s.closes_at,
                        is_open=v.is_open, results_visible=s.results, voted=v.voted,
                        my_answer=v.mine[0] if v.voted else None)
