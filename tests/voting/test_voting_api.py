"""The JSON API: the contract for integrations (docs/api.md)."""

import pytest

from support.voting import closed_tallies, group_ids, make_poll, make_statement, new_staff, option_ids, set_k, tallies


@pytest.fixture
def raad(session, school):
    return new_staff(session, school)


def test_open_polls_for_my_group(pupil, session, school, raad):
    mine = make_poll(session, raad, "Voor iedereen")
    make_poll(session, raad, "Alleen 4A", audience=group_ids(session, school, "4A"))
    r = pupil.get("/api/v1/polls")
    assert r.status_code == 200
    [poll] = r.json()
    assert poll["id"] == mine.id and poll["kind"] == "single" and poll["voted"] is False
    assert [o["label"] for o in poll["options"]] == ["Maandag", "Dinsdag", "Woensdag"]
    assert pupil.get(f"/api/v1/polls/{mine.id}").json()["question"] == "Voor iedereen"


def test_vote_201_then_change_200(pupil, session, raad):
    poll = make_poll(session, raad)
    first, second, _third = option_ids(session, poll)
    r = pupil.post(f"/api/v1/polls/{poll.id}/votes", json={"option_ids": [first]})
    assert r.status_code == 201 and r.json()["status"] == "created" and r.json()["answers"] == [str(first)]
    r = pupil.post(f"/api/v1/polls/{poll.id}/votes", json={"option_ids": [second]})
    assert r.status_code == 200 and r.json()["status"] == "changed"
    detail = pupil.get(f"/api/v1/polls/{poll.id}").json()
    assert detail["voted"] and detail["my_option_ids"] == [second] and detail["my_value"] is None
    assert tallies(session, "poll", poll.id) == {}  # waiting for k - 1 more of 3A
    assert closed_tallies(session, raad, "poll", poll.id) == {(str(second), "3A"): 1, ("*", "3A"): 1}


def test_scale_vote(pupil, session, raad):
    poll = make_poll(session, raad, kind="scale", options="", scale_low="niet", scale_high="heel")
    assert pupil.post(f"/api/v1/polls/{poll.id}/votes", json={"value": 5}).status_code == 201
    detail = pupil.get(f"/api/v1/polls/{poll.id}").json()
    assert detail["my_value"] == 5 and detail["scale_low"] == "niet" and detail["options"] == []


def test_statements_api(pupil, session, raad):
    st = make_statement(session, raad)
    assert [s["id"] for s in pupil.get("/api/v1/statements").json()] == [st.id]
    r = pupil.post(f"/api/v1/statements/{st.id}/votes", json={"answer": "pass"})
    assert r.status_code == 201
    assert pupil.post(f"/api/v1/statements/{st.id}/votes", json={"answer": "agree"}).status_code == 200
    assert pupil.get(f"/api/v1/statements/{st.id}").json()["my_answer"] == "agree"


@pytest.mark.parametrize("body, status, detail", [
    ({}, 400, "Kies eerst een antwoord."),
    ({"option_ids": []}, 400, "Kies eerst een antwoord."),
    ({"option_ids": [999999]}, 400, "Dit antwoord hoort niet bij deze peiling."),
    ({"option_ids": "FIRST,SECOND"}, 422, "Ongeldige invoer."),
    ({"option_ids": ["FIRST", "SECOND"]}, 400, "Kies maar één antwoord."),
    ({"value": 3}, 400, "Kies een antwoord uit de lijst."),
    ({"option_ids": ["FIRST"], "colour": "red"}, 422, "Ongeldige invoer."),
])
def test_bad_poll_votes(pupil, session, raad, body, status, detail):
    poll = make_poll(session, raad)
    ids = dict(zip(["FIRST", "SECOND"], option_ids(session, poll)))
    if isinstance(body.get("option_ids"), list):
        body = {**body, "option_ids": [ids.get(x, x) for x in body["option_ids"]]}
    r = pupil.post(f"/api/v1/polls/{poll.id}/votes", json=body)
    assert r.status_code == status and r.json()["detail"] == detail
    assert tallies(session, "poll", poll.id) == {}


def test_bad_requests_on_the_api(pupil, client, session, raad):
    st = make_statement(session, raad)
    url = f"/api/v1/statements/{st.id}/votes"
    r = pupil.post(url, json={"answer": "ja"})
    assert r.status_code == 400 and r.json()["detail"] == "Kies eens, oneens of geen mening."
    r = pupil.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"] == "Ongeldige invoer."
    r = pupil.post(url, data={"answer": "agree"})  # a form post is not JSON: refused, like a cross-site form
    assert r.status_code == 415
    r = pupil.post("/api/v1/statements/999999/votes", json={"answer": "agree"})
    assert r.status_code == 404 and r.json()["detail"] == "Deze stelling bestaat niet."
    r = client.post(url, json={"answer": "agree"})
    assert r.status_code == 401 and r.json()["detail"] == "Geef eerst je code in."
    assert tallies(session, "statement", st.id) == {}


def test_api_vote_outside_audience(make_pupil, session, school, raad):
    st = make_statement(session, raad, audience=group_ids(session, school, "3de jaar"))
    r = make_pupil("4A").post(f"/api/v1/statements/{st.id}/votes", json={"answer": "agree"})
    assert r.status_code == 403 and r.json()["detail"] == "Dit is niet voor jouw klas of jaar."


def test_results_are_k_anonymous_with_null_and_a_flag(make_pupil, pupil, council, session, school, raad):
    set_k(session, school, 3)
    st = make_statement(session, raad)
    r = pupil.get(f"/api/v1/statements/{st.id}/results")
    assert r.status_code == 403 and r.json()["detail"] == "Stem eerst, dan zie je de resultaten."
    r = pupil.post(f"/api/v1/statements/{st.id}/votes", json={"answer": "agree"})
    assert r.json()["results"]["overall"]["answers"] == {"key": "*", "label": "antwoorden", "count": None,
                                                         "percent": None, "suppressed": True}
    for group, answer in (("3A", "agree"), ("3B", "agree"), ("3B", "disagree"), ("4A", "agree")):
        make_pupil(group).post(f"/api/v1/statements/{st.id}/votes", json={"answer": answer})
    res = pupil.get(f"/api/v1/statements/{st.id}/results").json()
    assert res["overall"]["answers"]["count"] is None  # counted only in groups of k per class: none yet
    for group, answer in (("3A", "agree"), ("3B", "agree")):
        make_pupil(group).post(f"/api/v1/statements/{st.id}/votes", json={"answer": answer})
    res = pupil.get(f"/api/v1/statements/{st.id}/results").json()
    assert res["overall"]["answers"]["count"] == 6  # 3A and 3B reached k = 3; 4A's one vote waits
    assert res["k"] == 3 and res["by_grade"] == [] and res["consensus"] is None
    cells = {c["key"]: c for c in res["overall"]["cells"]}
    assert cells["agree"] == {"key": "agree", "label": "Eens", "count": 5, "percent": 83, "suppressed": False}
    assert cells["disagree"]["count"] is None and cells["disagree"]["suppressed"]
    assert cells["pass"]["suppressed"]
    staff = council.get(f"/api/v1/statements/{st.id}/results").json()
    assert [b["group"] for b in staff["by_grade"]] == ["3de jaar"]  # grade 4's one vote is not counted yet
    assert staff["overall"] == res["overall"]  # pupils and staff see the same cells


def test_results_only_after_closing(pupil, session, raad):
    poll = make_poll(session, raad, results="after_close")
    r = pupil.post(f"/api/v1/polls/{poll.id}/votes", json={"option_ids": option_ids(session, poll)[:1]})
    assert r.json()["results"] is None
    r = pupil.get(f"/api/v1/polls/{poll.id}/results")
    assert r.status_code == 403 and r.json()["detail"] == "De resultaten zie je pas als dit gesloten is."


def test_results_need_a_cookie(client, session, raad):
    st = make_statement(session, raad)
    assert client.get(f"/api/v1/statements/{st.id}/results").status_code == 401


def test_openapi_shows_the_bodies(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"PollVoteIn", "StatementVoteIn", "VoteOut", "ResultsOut", "PollOut", "StatementOut"} <= set(schemas)
    post = spec["paths"]["/api/v1/polls/{poll_id}/votes"]["post"]
    assert {"200", "201"} <= set(post["responses"])
