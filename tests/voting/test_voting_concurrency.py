"""One participant, fifty submissions at the same moment: the vote counts exactly once.

Each thread has its own HTTP client (so its own request, session and transaction) sharing the
pupil's cookie, like a phone that sends the same tap many times over a bad connection.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import Client
from support.voting import closed_tallies, has_voted_rows, make_poll, make_statement, new_staff, option_ids

N = 50


def _storm(app, pupil, url: str, bodies: list[dict]) -> list[int]:
    clients = []
    for _i in range(N):
        c = Client(app, raise_server_exceptions=True)
        c.cookies.update(pupil.cookies)
        clients.append(c)
    start = threading.Barrier(N)

    def send(i: int) -> int:
        start.wait()
        return clients[i].post(url, json=bodies[i % len(bodies)]).status_code

    with ThreadPoolExecutor(max_workers=N) as pool:
        return list(pool.map(send, range(N)))


@pytest.mark.parametrize("kind", ["poll", "statement"])
def test_fifty_concurrent_submissions_count_once(app, session, school, pupil, kind):
    council = new_staff(session, school)
    if kind == "poll":
        item = make_poll(session, council)
        bodies = [{"option_ids": [i]} for i in option_ids(session, item)]
        url = f"/api/v1/polls/{item.id}/votes"
    else:
        item = make_statement(session, council)
        bodies = [{"answer": a} for a in ("agree", "disagree", "pass")]
        url = f"/api/v1/statements/{item.id}/votes"
    statuses = _storm(app, pupil, url, bodies)
    assert sorted(set(statuses)) == [200, 201] and statuses.count(201) == 1, statuses
    assert len(has_voted_rows(session, kind, item.id)) == 1
    counts = closed_tallies(session, council, kind, item.id)
    assert counts[("*", "3A")] == 1
    assert sum(n for (answer, _g), n in counts.items() if answer != "*") == 1
