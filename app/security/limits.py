"""The input bounds of `app.security.bounds`, applied to every request before a route sees it.

- A body over the limit is refused with 413 as soon as its size is known (Content-Length, or
  counting the stream), and is never read to the end.
- Text is cleaned on the way in: the query string, form bodies and JSON bodies. Multipart
  bodies are refused with 415: no form here takes files. A path with control characters
  names nothing: 404.
- A JSON integer outside the database's range is a 422; so is a JSON body that is not valid JSON.
- An integer parameter of a route outside that range is a 404 when it names something in the
  path (nothing can have that id), a 400 in a query string or a form.

Problems found while the body is read surface as exceptions inside the app, so they get the
same error pages (and headers) as any other refusal.
"""

import json
from typing import Union, get_args, get_origin
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from fastapi.params import Form
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from app.i18n import _
from app.security.bounds import clean_text, has_control_characters, int_in_range
from app.services.errors import DomainError, NotFound

FORM = "application/x-www-form-urlencoded"


class OutOfRange(HTTPException):
    """A number in a JSON body that no column can hold: a 422 like any invalid body."""

    def __init__(self, loc: list) -> None:
        super().__init__(422)
        self.errors = [{"loc": ["body", *loc], "msg": "Input should be between -2147483648 and 2147483647",
                        "type": "int_range"}]


def _header(scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _clean_pairs(raw: str) -> str | None:
    """A cleaned urlencoded string, or None when nothing needed cleaning."""
    pairs = parse_qsl(raw, keep_blank_values=True)
    cleaned = [(clean_text(k), clean_text(v)) for k, v in pairs]
    return urlencode(cleaned) if cleaned != pairs else None


def _plain(raw: bytes) -> bool:
    """Printable ASCII without escapes: nothing in it can need cleaning."""
    return raw.isascii() and b"%" not in raw and not any(b < 0x20 or b == 0x7F for b in raw)


def _clean_json(value, loc: list):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not int_in_range(value):
            raise OutOfRange(loc)
        return value
    if isinstance(value, list):
        return [_clean_json(v, [*loc, i]) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {clean_text(k): _clean_json(v, [*loc, k]) for k, v in value.items()}
    return value


def _clean_body(kind: str, body: bytes) -> bytes:
    if kind == "form":
        if _plain(body):
            return body
        cleaned = _clean_pairs(body.decode("latin-1"))
        return body if cleaned is None else cleaned.encode("ascii")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body  # FastAPI answers invalid JSON itself, with a 422
    cleaned = _clean_json(data, [])
    return body if cleaned == data else json.dumps(cleaned, ensure_ascii=False).encode()


class _Body:
    """The request's `receive`, counting, and cleaning forms and JSON before the app reads them."""

    def __init__(self, scope, receive, limit: int) -> None:
        self.receive, self.limit, self.started = receive, limit, False
        length = _header(scope, b"content-length")
        self.length = int(length) if length and length.isdigit() else None
        ctype = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        self.kind = ("form" if ctype == FORM else "json" if ctype == "application/json" or ctype.endswith("+json")
                     else "multipart" if ctype.startswith("multipart/") else "other")
        self.seen = 0

    def _count(self, message) -> None:
        self.seen += len(message.get("body", b""))
        if self.seen > self.limit:
            raise HTTPException(413)

    async def __call__(self):
        if self.started or self.kind == "other":
            if not self.started and self.length is not None and self.length > self.limit:
                raise HTTPException(413)
            self.started = True
            message = await self.receive()
            if message["type"] == "http.request":
                self._count(message)
            return message
        self.started = True
        if self.length is not None and self.length > self.limit:
            raise HTTPException(413)
        if self.kind == "multipart":
            raise HTTPException(415, _("Dit formulier neemt geen bestanden aan."))
        chunks = []
        while True:
            message = await self.receive()
            if message["type"] != "http.request":
                return message
            self._count(message)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        return {"type": "http.request", "body": _clean_body(self.kind, b"".join(chunks)), "more_body": False}


class RequestLimits:
    """ASGI middleware: body size, clean text in the query and the body."""

    def __init__(self, app, max_body_bytes: int) -> None:
        self.app, self.limit = app, max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        query = scope.get("query_string", b"")
        if query and not _plain(query):
            cleaned = _clean_pairs(query.decode("latin-1"))
            if cleaned is not None:
                scope["query_string"] = cleaned.encode("ascii")
        await self.app(scope, _Body(scope, receive, self.limit), send)


# --- integer parameters of a route -----------------------------------------------------

def _is_int(annotation) -> bool:
    if annotation is int:
        return True
    if get_origin(annotation) in (Union, list) or type(annotation).__name__ == "UnionType":
        return any(_is_int(a) for a in get_args(annotation))
    return False


_INT_PARAMS: dict[int, tuple] = {}  # id(route) -> (route, names): routes are not hashable


def _int_params(route) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(path, query, form) names of the integer parameters a route takes."""
    cached = _INT_PARAMS.get(id(route))
    if cached is not None and cached[0] is route:
        return cached[1]
    path, query, form = [], [], []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for fields, found in ((dependant.path_params, path), (dependant.query_params, query),
                              (dependant.body_params, form)):
            found.extend(f.alias for f in fields if _is_int(f.field_info.annotation)
                         and (found is not form or isinstance(f.field_info, Form)))
    names = (tuple(path), tuple(query), tuple(form))
    _INT_PARAMS[id(route)] = (route, names)
    return names


def _out_of_range(raw) -> bool:
    try:
        return not int_in_range(int(raw))
    except (TypeError, ValueError):
        return False  # not a number at all: the route's own validation says so


async def bounded_params(request: Request) -> None:
    """App-wide dependency: path parameters with control characters and integer parameters the
    database could not hold never reach a route."""
    route = request.scope.get("route")
    if getattr(route, "dependant", None) is None:
        return
    path, query, form = _int_params(route)
    if (any(_out_of_range(request.path_params.get(name)) for name in path)
            or any(isinstance(v, str) and has_control_characters(v) for v in request.path_params.values())):
        raise NotFound(_("Deze pagina bestaat niet."))
    values = [v for name in query for v in request.query_params.getlist(name)]
    if form and request.headers.get("content-type", "").lower().startswith(FORM):
        data = await request.form()
        values += [v for name in form for v in data.getlist(name)]
    if any(_out_of_range(v) for v in values):
        raise DomainError(_("Dit getal is te groot."))


# --- the safety net --------------------------------------------------------------------

def install_safety_net(app, error_response) -> None:
    """Input the checks above missed and the database refuses (a number or text that does not
    fit its column) is the client's error, never a 500. Each request is one transaction, so
    nothing of it was kept."""

    async def refused(request: Request, exc: Exception):
        return error_response(request, 400, _("Iets in wat je stuurde past niet: een getal, datum of tekst "
                                              "is te groot."))

    for error in (OverflowError, DataError):  # SQLite's driver raises OverflowError itself
        app.add_exception_handler(error, refused)
