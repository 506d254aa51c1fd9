"""The moderation API's request bodies (JSON) and the comment as the API shows it."""

from pydantic import BaseModel, ConfigDict, Field

from app.security.bounds import JsonInt
from app.services import moderation
from app.timeutil import local_date

# Strict: a boolean is not a number, a number is not a text; unknown fields are refused.
STRICT = ConfigDict(strict=True, extra="forbid")


def comment_out(view: moderation.CommentView) -> dict:
    c = view.comment
    data = {"id": c.id, "body": c.body, "day": local_date(c.created_at).isoformat(), "edited": c.edited,
            "mine": view.mine, "replies": [comment_out(r) for r in view.replies]}
    if view.mine:  # the state of a comment is the author's business only
        data |= {"status": c.status, "reason": c.reject_reason or None}
    return data


class CommentIn(BaseModel):
    model_config = STRICT
    body: str = Field(max_length=20_000)
    parent_id: JsonInt | None = None


class FlagIn(BaseModel):
    model_config = STRICT
    reason: str = Field(max_length=40)


class DecisionIn(BaseModel):
    model_config = STRICT
    decision: str = Field(max_length=20)
    reason: str = Field(default="", max_length=40)
    text: str | None = Field(default=None, max_length=20_000)
