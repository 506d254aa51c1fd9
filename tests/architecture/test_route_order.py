"""The routers of a pupil's break are matched first (app.domains.HOT_ROUTERS), for speed: that
must never change which route answers a request."""

import re

from fastapi.routing import APIRoute

from app import domains


def _routes(routers) -> list[APIRoute]:
    return [route for router in routers for route in router.routes if isinstance(route, APIRoute)]


def _sample(path: str) -> str:
    """A concrete path for a route: 7 for every parameter, which fits int and str alike."""
    return re.sub(r"\{[^}]+\}", "7", path)


def _answering(routes: list[APIRoute], path: str, method: str) -> APIRoute | None:
    return next((r for r in routes if r.path_regex.match(path) and method in r.methods), None)


def test_the_break_first_changes_no_route_that_answers():
    declared, matched = _routes(domains.declared_routers()), _routes(domains.routers())
    assert sorted(map(id, declared)) == sorted(map(id, matched))  # the same routes, reordered
    checked = 0
    for route in declared:
        for path in {_sample(route.path), route.path.replace("{", "").replace("}", "")}:
            for method in route.methods:
                assert _answering(matched, path, method) is _answering(declared, path, method), (method, path)
                checked += 1
    assert checked > 100


def test_the_break_routes_are_among_the_first():
    first = [route.path for route in _routes(domains.routers())[:40]]
    for path in ("/", "/aanmelden", "/overzicht", "/peilingen/{poll_id:int}", "/peilingen/{poll_id:int}/stem"):
        assert path in first
