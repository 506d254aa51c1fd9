"""The API against its own description: schemathesis generates valid and invalid calls for
every operation in /openapi.json, as a pupil and as staff, and checks each answer (no server
error, a documented status, the documented shape and media type, invalid input refused).

Bounded: 60 examples per operation and mode, well under two minutes for both roles together.
A refusal by a rule of the domain (a closed poll, an option of another poll) is a 400 for
input the description allows: no schema can say that a poll is closed, so 400 counts as an
accepted answer to valid input here; 422 does not.
"""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from app.services import moderation, voting
from conftest import STAFF_PASSWORD, Client
from support.proposals import make_proposal, new_participant
from support.security import add_staff
from support.voting import form

EXAMPLES = 60
CONFIG = {
    "generation": {"mode": "all", "max-examples": EXAMPLES},
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409",
                                                                   "429"]}},
}


def _world(app, session, school) -> list[dict]:
    """Something to call: polls of each kind, a statement, a proposal with a comment. Returns
    path parameters that name them, so that many calls reach real items."""
    council = add_staff(session, school, "raad.api")
    polls = [voting.create_poll(session, council, form("Welke dag?", kind="single", options="Ma\nDi\nWo")),
             voting.create_poll(session, council, form("Welke vakken?", kind="multiple",
                                                            options="Wiskunde\nTaal", max_choices="2")),
             voting.create_poll(session, council, form("Hoe gaat het?", kind="scale", scale_low="slecht",
                                                            scale_high="goed"))]
    statement = voting.create_statement(session, council, form("Ik voel me veilig op school"))
    session.commit()
    author = new_participant(app, session, school, "3B")
    proposal = make_proposal(session, school, author)
    comment, _screened = moderation.post_comment(session, app.state.limiter, author, "proposal", proposal.id,
                                                 "Goed idee!")
    session.commit()
    common = {"statement_id": statement.id, "proposal_id": proposal.id, "comment_id": comment.id,
              "kind": "proposal", "target_id": proposal.id, "item_id": proposal.id}
    return [{**common, "poll_id": poll.id} for poll in polls]


@pytest.fixture(params=["pupil", "staff"])
def caller(request, app, session, school, make_pupil) -> Client:
    known = _world(app, session, school)
    if request.param == "pupil":
        c = make_pupil("3A")
    else:
        c = Client(app)
        c.form("/staff/login", {"username": "raad.api", "password": STAFF_PASSWORD})
    c.role, c.known = request.param, known
    return c


def _strategy(operation, mode: GenerationMode, known: list[dict]):
    """Any parameters, or the path parameters of a real item (the rest generated)."""
    names = {p.name for p in operation.path_parameters}
    real = [operation.as_strategy(generation_mode=mode, path_parameters={k: v for k, v in ids.items() if k in names})
            for ids in known] if names else []
    return st.one_of(operation.as_strategy(generation_mode=mode), *real)


def _check(operation, mode: GenerationMode, headers: dict, known: list[dict], seen: Counter) -> str | None:
    """Run one operation in one mode; the first failure found, or None."""

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              phases=[Phase.explicit, Phase.generate], database=None)
    @given(_strategy(operation, mode, known))
    def run(case):
        seen[case.call_and_validate(headers=headers).status_code] += 1

    try:
        run()
    except Unsatisfiable:
        return None  # an operation without parameters or body has no invalid input to send
    except Exception as exc:  # a failed check: reported with the operation, all operations still run
        return f"{mode.value} {operation.label}: {exc}"
    return None


def test_the_api_keeps_its_description(app, caller):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=SchemathesisConfig.from_dict(CONFIG))
    headers = {"cookie": "; ".join(f"{c.name}={c.value}" for c in caller.cookies.jar)}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    seen = Counter()
    failures = [f for op in operations for mode in GenerationMode if (f := _check(op, mode, headers, caller.known, seen))]
    assert not failures, "\n\n".join(failures)
    # The calls got through as this role: answers with data, not only refusals. (Most operations
    # are the pupil API, which refuses staff with 401: staff get about a hundred answers of 200.)
    assert seen[200] > 50 and sum(seen.values()) > 1000, seen
    print(f"{caller.role}: {sum(seen.values())} calls, statuses {dict(sorted(seen.items()))}")
