"""Finding 9: the API keeps the contract its OpenAPI description states: every error a route
can give is described with its real shape; types are strict; media types are compared
case-blind; a POST without a body needs no Content-Type; TRACE gets 405 with `Allow`."""

import jsonschema_rs
import pytest
from sqlmodel import select

from app.models import ProposalSupport
from app.services import voting
from support.proposals import make_proposal, new_participant
from support.voting import form


def _schema_of(spec: dict, path: str, method: str, status: int) -> dict:
    response = spec["paths"][path][method]["responses"][str(status)]
    return {**response["content"]["application/json"]["schema"], "components": spec["components"]}


def _conforms(spec: dict, path: str, method: str, r) -> None:
    jsonschema_rs.validate(_schema_of(spec, path, method, r.status_code), r.json())


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").json()


@pytest.fixture
def scale_poll(session, council):
    poll = voting.create_poll(session, council.staff, form("Hoe gaat het?", kind="scale",
                                                                scale_low="slecht", scale_high="goed"))
    session.commit()
    return poll


@pytest.fixture
def proposal_id(app, session, school):
    return make_proposal(session, school, new_participant(app, session, school, "3B")).id


def test_422_has_the_shape_the_description_gives(spec, pupil, scale_poll):
    r = pupil.post(f"/api/v1/polls/{scale_poll.id}/votes", json={"value": "vier"})
    assert r.status_code == 422
    _conforms(spec, "/api/v1/polls/{poll_id}/votes", "post", r)
    assert r.json()["errors"][0]["loc"] == ["body", "value"]


def test_every_error_a_route_gives_is_described_with_its_shape(spec, client, pupil, council, management, scale_poll):
    vote = "/api/v1/polls/{poll_id}/votes"
    cases = [
        (client, "post", vote, f"/api/v1/polls/{scale_poll.id}/votes", {"value": 3}, 401),
        (pupil, "post", vote, f"/api/v1/polls/{scale_poll.id}/votes", {"value": 9}, 400),
        (pupil, "post", vote, "/api/v1/polls/424242/votes", {"value": 3}, 404),
        (pupil, "get", "/api/v1/moderation/queue", "/api/v1/moderation/queue", None, 401),
        (management, "get", "/api/v1/moderation/queue", "/api/v1/moderation/queue", None, 403),
        (council, "get", "/api/v1/polls/{poll_id}", f"/api/v1/polls/{scale_poll.id}", None, 401),
        (pupil, "get", "/api/v1/polls/{poll_id}", "/api/v1/polls/2147483648", None, 404),
    ]
    for who, method, path, url, body, status in cases:
        r = who.request(method.upper(), url, json=body)
        assert r.status_code == status, (url, r.status_code, r.text)
        _conforms(spec, path, method, r)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "400" in codes and ("{" not in path or "404" in codes), (method, path)
            if method != "get":
                assert {"413", "415", "422"} <= codes, (method, path)


def test_the_description_covers_the_api_only(spec):
    assert spec["paths"] and all(path.startswith("/api/v1/") for path in spec["paths"])


@pytest.mark.parametrize("body", [{"value": True}, {"value": 3.5}, {"value": "3"}, {"value": [3]}])
def test_a_boolean_is_not_a_number(pupil, scale_poll, body):
    r = pupil.post(f"/api/v1/polls/{scale_poll.id}/votes", json=body)
    assert r.status_code == 422
    assert pupil.get(f"/api/v1/polls/{scale_poll.id}").json()["voted"] is False


def test_a_whole_number_written_with_a_point_is_an_integer(pupil, scale_poll):
    """JSON Schema's integer includes 3.0: the description allows it, so the API takes it."""
    r = pupil.post(f"/api/v1/polls/{scale_poll.id}/votes", json={"value": 3.0})
    assert r.status_code == 201 and r.json()["answers"] == ["3"]


def test_option_ids_and_answers_are_strict_too(pupil, session, council):
    poll = voting.create_poll(session, council.staff, form("Welke dag?", kind="single", options="Ma\nDi"))
    session.commit()
    assert pupil.post(f"/api/v1/polls/{poll.id}/votes", json={"option_ids": [True]}).status_code == 422
    assert pupil.post("/api/v1/statements/1/votes", json={"answer": 1}).status_code == 422


def test_media_types_are_compared_case_blind(pupil, scale_poll):
    r = pupil.post(f"/api/v1/polls/{scale_poll.id}/votes", content=b'{"value": 4}',
                   headers={"content-type": "APPLICATION/JSON; charset=UTF-8"})
    assert r.status_code == 201


def test_a_post_without_a_body_needs_no_content_type(pupil, session, proposal_id):
    url = f"/api/v1/proposals/{proposal_id}/supports"
    r = pupil.post(url)
    assert r.status_code == 201 and r.json()["supported"] is True
    assert session.exec(select(ProposalSupport)).first() is not None
    assert pupil.delete(url).status_code == 200


def test_a_form_post_to_the_api_is_refused_with_415(pupil, session, proposal_id):
    url = f"/api/v1/proposals/{proposal_id}/supports"
    for headers, content in [({"content-type": "application/x-www-form-urlencoded"}, b"a=1"),
                             ({"content-type": "text/plain"}, b"x"),
                             ({"content-type": "application/x-www-form-urlencoded"}, b"")]:
        r = pupil.post(url, content=content, headers=headers)
        assert r.status_code == 415 and "application/json" in r.json()["detail"]
    assert session.exec(select(ProposalSupport)).first() is None


@pytest.mark.parametrize("path, allow", [("/", "GET"), ("/api/v1/polls", "GET"), ("/healthz", "GET, HEAD"),
                                         ("/static/inspraak-3.css", "GET, HEAD")])
def test_trace_gets_405_with_allow(client, school, path, allow):
    r = client.request("TRACE", path)
    assert r.status_code == 405 and r.headers["allow"] == allow
