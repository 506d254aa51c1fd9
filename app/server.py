"""How uvicorn serves the app: limits that keep slow or abusive clients from taking it down.

uvicorn 0.54 closes idle keep-alive connections but has no time limit on reading a request:
a client that opens a connection and sends half a header holds it for ever, and enough of
them exhaust the process's file descriptors (the server then stops accepting anyone). Here
each request must arrive whole (headers and body) within READ_TIMEOUT seconds of its first
byte, a connection that sends nothing is closed after the same time, and past
MAX_CONNECTIONS the oldest connection still sending its request is dropped to make room.
A reverse proxy in front (docs/deployment.md) buffers requests and is the first defence;
these limits hold without one.
"""

import os
import resource

from uvicorn.protocols.http.h11_impl import H11Protocol

READ_TIMEOUT = float(os.environ.get("INSPRAAK_READ_TIMEOUT", "10"))
MAX_CONNECTIONS = int(os.environ.get("INSPRAAK_MAX_CONNECTIONS", "2000"))
BACKLOG = 2048  # connections waiting to be accepted; asyncio accepts up to this many at once
# Requests handled at once per worker; beyond it uvicorn answers 503 straight away. uvicorn
# counts open connections here too (closing ones included, until they are gone), so it stays
# well above MAX_CONNECTIONS: a flood of slow connections is met by dropping the slowest, not
# by refusing everyone.
LIMIT_CONCURRENCY = int(os.environ.get("INSPRAAK_LIMIT_CONCURRENCY", str(MAX_CONNECTIONS + BACKLOG + 100)))
KEEP_ALIVE = 5  # seconds an idle connection stays open
MAX_HEADER_BYTES = 16 * 1024  # h11's largest incomplete request head


# Per server (keyed by its set of connections): the connections still reading a request,
# oldest first, so making room costs O(1) however many there are.
_READING: dict[int, dict] = {}


class _HeadWithBody:
    """One response's transport: its head (status line and headers) waits for the first body
    bytes, which the app sends right after it, so a page leaves in one write, one system call
    and one TCP segment instead of two. Everything else goes straight through (an interim
    100 Continue is written before the response starts)."""

    def __init__(self, cycle, transport) -> None:
        self._cycle, self._transport, self._head = cycle, transport, None
        self._passed = False  # the head went out (or there was none to hold)

    def write(self, data: bytes) -> None:
        if not self._passed:
            if self._head is None and self._cycle.response_started:
                self._head = data
                return
            if self._head is not None:
                data, self._head, self._passed = self._head + data, None, True
        self._transport.write(data)

    def close(self) -> None:
        if self._head is not None:  # the app failed between head and body: send what it sent
            self.write(b"")
        self._transport.close()

    def __getattr__(self, name):
        return getattr(self._transport, name)


class DeadlineProtocol(H11Protocol):
    """h11 with a deadline on reading each request, and each response in one write."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._deadline = None
        self._arm()
        self._make_room()

    def _reading(self) -> dict:
        return _READING.setdefault(id(self.connections), {})

    def _arm(self) -> None:
        self._reading()[self] = None
        self._deadline = self.loop.call_later(READ_TIMEOUT, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        reading = self._reading()
        reading.pop(self, None)
        if not reading and not self.connections:
            _READING.pop(id(self.connections), None)

    def _waiting_for_request(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self._waiting_for_request():
            self._arm()  # the first byte of the next request on a kept-alive connection
        super().data_received(data)
        self._one_write()
        if self.cycle is not None and not self.cycle.response_complete and not self.cycle.more_body:
            self._disarm()  # the whole request is in

    def _one_write(self) -> None:
        """A new request's cycle is made, its app not started yet: give it the holding transport."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_started and not isinstance(cycle.transport, _HeadWithBody):
            cycle.transport = _HeadWithBody(cycle, cycle.transport)

    def on_response_complete(self) -> None:
        self._disarm()
        super().on_response_complete()
        self._one_write()  # a pipelined request waiting behind this one got its cycle just now

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.close()  # the app, if it was reading a body, sees a disconnect

    def _make_room(self) -> None:
        if len(self.connections) <= MAX_CONNECTIONS:
            return
        oldest = next(iter(self._reading()))
        if oldest is not self:
            oldest._too_slow()
        else:
            self.transport.close()


def raise_file_limit() -> int:
    """Use the hard limit on open files: each connection is one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


def uvicorn_options() -> dict:
    """What `inspraak serve` passes to uvicorn.run, beside host, port and workers."""
    return {
        "http": DeadlineProtocol,
        "limit_concurrency": LIMIT_CONCURRENCY,
        "timeout_keep_alive": KEEP_ALIVE,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "backlog": BACKLOG,
        # No access log from uvicorn: it would hold client addresses and raw paths (codes).
        "access_log": False,
        "proxy_headers": False,
        "server_header": False,
    }
