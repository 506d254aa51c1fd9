"""A pupil's vote: the item must be open and for them, the choice must fit the item; then it
goes into the ballot box and the pupil gets the item back with what they may now see."""

from collections.abc import Iterable

from sqlmodel import Session

from app.i18n import _
from app.models import Poll, PollOption, School
from app.services.access import Participant
from app.services.errors import DomainError
from app.services.voting.audience import groups_of, visible_item
from app.services.voting.ballot_box import cast
from app.services.voting.common import ANSWERS, POLL, STATEMENT, is_open, k_of
from app.services.voting.items import close_due
from app.services.voting.views import ItemView, pupil_view


def _poll_answers(poll: Poll, options: list[PollOption], option_ids: Iterable[int] | None,
                  value: int | None) -> list[str]:
    chosen = set(option_ids or [])
    if poll.kind == "scale":
        if chosen or value is None or not 1 <= value <= 5:
            raise DomainError(_("Kies een getal van 1 tot 5."))
        return [str(value)]
    if value is not None:
        raise DomainError(_("Kies een antwoord uit de lijst."))
    if not chosen:
        raise DomainError(_("Kies eerst een antwoord."))
    if not chosen <= {o.id for o in options}:
        raise DomainError(_("Dit antwoord hoort niet bij deze peiling."))
    if len(chosen) > poll.max_choices:
        if poll.max_choices == 1:
            raise DomainError(_("Kies maar één antwoord."))
        raise DomainError(_("Kies hoogstens {n} antwoorden.").format(n=poll.max_choices))
    return sorted(str(i) for i in chosen)


def _vote(session: Session, participant: Participant, school: School, kind: str, item_id: int,
          choose) -> ItemView:
    close_due(session, school.id)
    groups = groups_of(session, school.id)
    item, options = visible_item(session, participant, kind, item_id, groups, lock=True)
    if not is_open(item):
        raise DomainError(_("Dit is gesloten. Je kan niet meer stemmen."))
    answers = choose(item, options)
    created = cast(session, participant, kind, item.id, answers, k_of(school))
    view = pupil_view(session, school, kind, item, options, answers, groups)
    view.created = created
    return view


def vote_statement(session: Session, participant: Participant, school: School, statement_id: int,
                   answer: str | None) -> ItemView:
    def choose(_item, _options):
        if answer not in ANSWERS:
            raise DomainError(_("Kies eens, oneens of geen mening."))
        return [answer]

    return _vote(session, participant, school, STATEMENT, statement_id, choose)


def vote_poll(session: Session, participant: Participant, school: School, poll_id: int,
              option_ids: Iterable[int] | None = None, value: int | None = None) -> ItemView:
    return _vote(session, participant, school, POLL, poll_id,
                 lambda item, options: _poll_answers(item, options, option_ids, value))

