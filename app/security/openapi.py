"""The API's OpenAPI description (`/openapi.json`), true to what the API answers.

It describes the JSON API under `/api/v1` only (the HTML pages are not an API), and for each
route every error it can give, with the real shapes: `{"detail": "..."}` for every refusal, and
for 422 also the list of problems. Integers carry the range the database can hold, the range
`app.security.limits` enforces.
"""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from app.security.bounds import INT_MAX, INT_MIN

API_PREFIX = "/api/"
ERROR = {"$ref": "#/components/schemas/Error"}
INVALID = {"$ref": "#/components/schemas/InvalidInput"}
SCHEMAS = {
    "Error": {"title": "Error", "type": "object", "required": ["detail"],
              "properties": {"detail": {"type": "string", "description": "What went wrong, for a person to read."}}},
    "InvalidInput": {
        "title": "InvalidInput", "type": "object", "required": ["detail", "errors"],
        "properties": {
            "detail": {"type": "string", "description": "\"Ongeldige invoer.\" (or its translation)"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/InputProblem"}}}},
    "InputProblem": {
        "title": "InputProblem", "type": "object", "required": ["loc", "msg", "type"],
        "properties": {"loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                               "description": "Where: [\"body\", \"option_ids\", 0], [\"path\", \"poll_id\"], ..."},
                       "msg": {"type": "string"}, "type": {"type": "string"}}},
}
DESCRIPTIONS = {
    400: "Refused by a rule (closed, not an option of this poll, ...): `detail` says why. Nothing changed.",
    401: "No participant cookie (or staff session) where one is needed.",
    403: "Not for you: another group, not open yet, results not visible yet, or a role you do not have.",
    404: "No such item (or not published), or an id no item can have.",
    413: "The body is larger than the server accepts.",
    415: "A body that is not JSON (`Content-Type: application/json`).",
    422: "The parameters or the body do not match this description.",
    429: "Too many posts in a short time.",
}
PUPIL_OR_STAFF = {"current_participant", "optional_participant", "signed_in_staff"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _calls(dependant) -> set[str]:
    names, pending = set(), [dependant]
    while pending:
        current = pending.pop()
        pending.extend(current.dependencies)
        names.add(getattr(current.call, "__name__", ""))
    return names


def _errors_of(route, method: str) -> set[int]:
    dependant = route.dependant
    has_params = any(_params(dependant))
    codes = {400}
    if _calls(dependant) & PUPIL_OR_STAFF:
        codes |= {401, 403}
    if "{" in route.path:
        codes.add(404)
    if has_params or route.body_field is not None:
        codes.add(422)
    if method in WRITES:
        codes |= {413, 415, 429}
    return codes


def _params(dependant):
    pending = [dependant]
    while pending:
        current = pending.pop()
        pending.extend(current.dependencies)
        yield from current.path_params
        yield from current.query_params
        yield from current.body_params


def _bound_integers(node) -> None:
    """Every integer in the description gets the database's range, unless it has a narrower one."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.setdefault("minimum", INT_MIN)
            node.setdefault("maximum", INT_MAX)
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_integers(value)


def build(app: FastAPI) -> dict:
    routes = [r for r in iter_route_contexts(app.routes)
              if isinstance(r.original_route, APIRoute) and (r.path or "").startswith(API_PREFIX)]
    spec = get_openapi(title=app.title, version=app.version, routes=routes,
                       description="The JSON API of Inspraak. See docs/api.md for what the numbers mean.")
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(SCHEMAS)
    for route in routes:
        for method in route.methods:
            operation = spec["paths"][route.path_format].get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code in sorted(_errors_of(route, method)):
                responses[str(code)] = {"description": responses.get(str(code), {}).get("description")
                                        or DESCRIPTIONS[code],
                                        "content": {"application/json": {"schema": INVALID if code == 422 else ERROR}}}
    _bound_integers(spec)
    return spec


def install(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi
