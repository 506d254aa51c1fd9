"""Following in a cookie, supporting over HTML/HTMX, the Atom feed, and the JSON API."""

import xml.etree.ElementTree as ET
from datetime import datetime

from app.services import proposals
from support.proposals import author, make_proposal, reload, set_school  # noqa: F401

ATOM = "{http://www.w3.org/2005/Atom}"


# --- following ------------------------------------------------------------------------------------

def test_follow_counts_on_the_home_page(pupil, session, school, author):
    followed = make_proposal(session, school, author, "published", title="Gevolgd voorstel")
    other = make_proposal(session, school, author, "published", title="Ander voorstel")
    assert pupil.form(f"/voorstellen/{followed.id}/volgen", follow_redirects=False).status_code == 303
    assert "Je volgt dit voorstel" in pupil.get(f"/voorstellen/{followed.id}").text
    home = pupil.get("/overzicht").text
    assert "veranderd sinds je laatste bezoek" not in home
    proposals.transition(session, reload(session, followed.id), "forward", "council", text="Belangrijk.")
    proposals.transition(session, reload(session, other.id), "forward", "council", text="Ook.")
    session.commit()
    home = pupil.get("/overzicht").text
    assert "1 voorstel dat je volgt is veranderd sinds je laatste bezoek" in home
    assert f'href="/voorstellen/{followed.id}"' in home and "Ander voorstel" not in home
    pupil.get(f"/voorstellen/{followed.id}")  # opening it marks it seen
    assert "veranderd sinds je laatste bezoek" not in pupil.get("/overzicht").text


def test_two_followed_changes_and_unfollow(pupil, session, school, author):
    ids = [make_proposal(session, school, author, "published", title=f"Voorstel {i}").id for i in range(2)]
    for pid in ids:
        pupil.form(f"/voorstellen/{pid}/volgen")
        proposals.transition(session, reload(session, pid), "forward", "council", text="Belangrijk.")
    session.commit()
    assert "2 voorstellen die je volgt zijn veranderd sinds je laatste bezoek" in pupil.get("/overzicht").text
    r = pupil.htmx(f"/voorstellen/{ids[0]}/volgen")  # HTMX: the button partial, and unfollowed
    assert r.status_code == 200 and "Volg dit voorstel" in r.text and "<html" not in r.text
    assert "1 voorstel dat je volgt is veranderd" in pupil.get("/overzicht").text


def test_follows_live_only_in_a_signed_cookie(pupil, session, school, author):
    proposal = make_proposal(session, school, author, "published")
    pupil.form(f"/voorstellen/{proposal.id}/volgen")
    cookie = pupil.cookies.get("inspraak_follow")
    assert cookie
    pupil.cookies.set("inspraak_follow", cookie[:-3] + ("abc" if not cookie.endswith("abc") else "xyz"))
    assert pupil.get("/overzicht").status_code == 200  # a tampered cookie is ignored, not an error
    assert "Je volgt dit voorstel" not in pupil.get(f"/voorstellen/{proposal.id}").text


def test_only_public_proposals_can_be_followed(pupil, client, session, school, author):
    hidden = make_proposal(session, school, author, "submitted")
    assert pupil.form(f"/voorstellen/{hidden.id}/volgen").status_code == 404
    assert client.form(f"/voorstellen/{hidden.id}/volgen", follow_redirects=False).status_code == 303  # no code


# --- supporting on the page -----------------------------------------------------------------------

def test_support_with_a_plain_form_and_with_htmx(pupil, client, session, school, author):
    proposal = make_proposal(session, school, author, "published")
    r = pupil.form(f"/voorstellen/{proposal.id}/steun", {"do": "add"}, follow_redirects=False)
    assert r.status_code == 303
    assert "Jij steunt dit voorstel" in pupil.get(f"/voorstellen/{proposal.id}").text
    part = pupil.htmx(f"/voorstellen/{proposal.id}/steun", {"do": "remove"})
    assert part.status_code == 200 and part.text.lstrip().startswith('<section id="support"')
    assert "Ik steun dit voorstel" in part.text and "0 leerlingen steunen" in part.text
    assert "Geef je code in om te steunen" in client.get(f"/voorstellen/{proposal.id}").text


def test_support_errors_are_pages_not_500(pupil, session, school, author):
    done = make_proposal(session, school, author, "done")
    r = pupil.form(f"/voorstellen/{done.id}/steun", {"do": "add"})
    assert r.status_code == 409 and "zoekt geen steun meer" in r.text
    assert pupil.form("/voorstellen/999999/steun", {"do": "add"}).status_code == 404


# --- Atom feed ------------------------------------------------------------------------------------

def test_atom_feed_of_outcomes(client, session, school, author):
    make_proposal(session, school, author, "done", title="Klaar & gedaan <ok>")
    make_proposal(session, school, author, "answered", title="Beantwoord")
    make_proposal(session, school, author, "with_management", title="Wacht nog")
    make_proposal(session, school, author, "rejected_by_moderation", title="Geheim")
    r = client.get("/voorstellen/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(entries) == 3  # the done one: answer + close; the answered one: answer
    assert any(t.startswith("Klaar & gedaan <ok>: Afgesloten: gedaan") for t in titles)
    assert not any("Wacht nog" in t or "Geheim" in t for t in titles)
    ids = set()
    for entry in entries:
        for required in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == 3
    assert "Deels aanvaard" in "".join(e.find(f"{ATOM}summary").text for e in entries)


def test_empty_feed_is_valid(client, school):
    feed = ET.fromstring(client.get("/voorstellen/feed.atom").content)
    assert feed.find(f"{ATOM}updated") is not None and feed.findall(f"{ATOM}entry") == []


# --- JSON API -------------------------------------------------------------------------------------

def test_api_lists_public_proposals(client, session, school, author):
    for state in proposals.STATES:
        make_proposal(session, school, author, state, title=f"Voorstel {state}")
    data = client.get("/api/v1/proposals").json()
    assert sorted(p["state"] for p in data) == sorted(proposals.PUBLIC_STATES)
    item = next(p for p in data if p["state"] == "with_management")
    assert set(item) == {"id", "title", "body", "category", "state", "state_label", "supports", "threshold",
                         "deadline", "overdue", "decision", "review_date", "created", "changed", "url"}
    assert item["deadline"] and item["overdue"] is False and item["category"] == "Te laat komen"
    assert [p["state"] for p in client.get("/api/v1/proposals?state=done").json()] == ["done"]


def test_api_detail_has_the_timeline(client, session, school, author):
    proposal = make_proposal(session, school, author, "answered")
    data = client.get(f"/api/v1/proposals/{proposal.id}").json()
    assert data["decision"] == "partly"
    assert [e["action"] for e in data["timeline"]] == ["submit", "approve", "forward", "answer"]
    answer = data["timeline"][-1]
    assert answer["label"] == "Antwoord van de directie" and answer["text"] and answer["decision"] == "partly"
    assert len(answer["date"]) == 10  # a day, never a time
    hidden = make_proposal(session, school, author, "submitted")
    assert client.get(f"/api/v1/proposals/{hidden.id}").status_code == 404
    assert client.get("/api/v1/proposals/999999").json() == {"detail": "Dit voorstel bestaat niet."}


def test_api_supports(pupil, client, session, school, author):
    proposal = make_proposal(session, school, author, "published")
    url = f"/api/v1/proposals/{proposal.id}/supports"
    first = pupil.post(url, json={})
    assert first.status_code == 201
    # Stored; the public count waits until k = 5 supports have gathered.
    assert first.json() == {"proposal_id": proposal.id, "supported": True, "supports": 0, "state": "published"}
    again = pupil.post(url, json={})
    assert again.status_code == 200 and again.json()["supports"] == 0
    gone = pupil.request("DELETE", url, json={})
    assert gone.status_code == 200 and gone.json()["supported"] is False and gone.json()["supports"] == 0
    assert client.post(url, json={}).status_code == 401
    assert pupil.post(url, content="x", headers={"content-type": "text/plain"}).status_code == 415
    assert pupil.post("/api/v1/proposals/999999/supports", json={}).status_code == 404
    done = make_proposal(session, school, author, "done")
    refused = pupil.post(f"/api/v1/proposals/{done.id}/supports", json={})
    assert refused.status_code == 409 and "zoekt geen steun meer" in refused.json()["detail"]


def test_api_support_reaching_the_threshold(app, make_pupil, session, school, author):
    set_school(session, school.id, support_threshold=3, k_anonymity=3)
    proposal = make_proposal(session, school, author, "published")
    states = [make_pupil("3A").post(f"/api/v1/proposals/{proposal.id}/supports", json={}).json()
              for _ in range(3)]
    assert [(r["supports"], r["state"]) for r in states] == [(0, "published"), (0, "published"),
                                                             (3, "with_management")]


def test_openapi_shows_the_response_models(client, school):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("ProposalOut", "ProposalDetailOut", "TimelineEntryOut", "SupportOut"):
        assert name in schemas
    post = spec["paths"]["/api/v1/proposals/{proposal_id}/supports"]["post"]["responses"]
    assert {"200", "201"} <= set(post)
