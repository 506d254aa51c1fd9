"""Slow and abusive clients cannot take the server down: a request must arrive whole within
the read deadline, silent connections are closed, and past the connection cap the slowest
connection makes room. The real uvicorn serves the app here, on 127.0.0.1."""

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from app import server
from conftest import _free_port


@pytest.fixture
def served(app_instance, monkeypatch):
    """(address, uvicorn server) with a 1 s read deadline and room for 40 connections."""
    monkeypatch.setattr(server, "READ_TIMEOUT", 1.0)
    monkeypatch.setattr(server, "MAX_CONNECTIONS", 40)
    port = _free_port()
    options = {**server.uvicorn_options(), "limit_concurrency": 140}
    instance = uvicorn.Server(uvicorn.Config(app_instance, host="127.0.0.1", port=port, log_level="warning",
                                             **options))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(200):
        if instance.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", port
    instance.should_exit = True
    thread.join(timeout=5)


def _half_sent(port: int, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # and never the rest
        socks.append(s)
    return socks


def _closed_by_server(s: socket.socket, wait: float) -> bool:
    s.settimeout(wait)
    try:
        return s.recv(1024) == b""
    except (TimeoutError, socket.timeout):
        return False
    except ConnectionResetError:
        return True


def test_half_sent_requests_are_closed_and_others_still_served(served):
    url, port = served
    slow = _half_sent(port, 30)
    started = time.monotonic()
    assert httpx.get(f"{url}/api/v1/healthz", timeout=5).json() == {"status": "ok"}
    assert all(_closed_by_server(s, 3) for s in slow)  # each after the 1 s deadline
    assert time.monotonic() - started < 4
    for s in slow:
        s.close()


def test_a_silent_connection_is_closed(served):
    _url, port = served
    s = socket.create_connection(("127.0.0.1", port))
    assert _closed_by_server(s, 3)
    s.close()


def test_a_slow_body_is_cut_off(served):
    _url, port = served
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /aanmelden HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: 1000\r\n\r\ncode=")
    assert _closed_by_server(s, 3)
    s.close()


def test_more_slow_connections_than_the_cap_leave_room_for_a_pupil(served):
    url, port = served
    started = time.monotonic()
    slow = _half_sent(port, 80)  # twice the cap, well within the deadline
    closed: set[int] = set()
    while len(closed) < 40 and time.monotonic() - started < 0.8:  # before any deadline
        closed |= {i for i, s in enumerate(slow) if i not in closed and _closed_by_server(s, 0.001)}
    assert len(closed) >= 40, len(closed)  # the oldest made room
    assert min(closed) == 0  # the first to come, the first to go
    with httpx.Client(timeout=5) as client:
        assert client.get(f"{url}/api/v1/healthz").status_code == 200
    for s in slow:
        s.close()


def test_a_kept_alive_connection_serves_request_after_request(served):
    url, _port = served
    with httpx.Client(timeout=5) as client:
        for _ in range(3):
            assert client.get(f"{url}/api/v1/healthz").status_code == 200
            time.sleep(0.6)  # idle, but under the keep-alive time: the deadline starts with a request


# --- each response in one write -------------------------------------------------------

class _Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class _Cycle:
    response_started = False


def test_the_head_of_a_response_leaves_with_its_body_in_one_write():
    cycle, transport = _Cycle(), _Transport()
    held = server._HeadWithBody(cycle, transport)
    held.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # before the response starts: straight through
    cycle.response_started = True
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    held.write(b"<html>")
    held.write(b"</html>")
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 200 OK\r\n\r\n<html>", b"</html>"]
    assert not held.is_closing()


def test_a_held_head_still_leaves_when_the_app_fails_before_its_body():
    cycle, transport = _Cycle(), _Transport()
    held = server._HeadWithBody(cycle, transport)
    cycle.response_started = True
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    held.close()
    assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\n"] and transport.closed


def _read_until(s: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_a_client_that_waits_for_100_continue_gets_it_and_then_its_answer(served):
    _url, port = served
    body = b"code=AAAAA&csrf_token=x"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"POST /aanmelden HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        assert _read_until(s, b"\r\n\r\n").startswith(b"HTTP/1.1 100 ")
        s.sendall(body)
        answer = _read_until(s, b"</html>")
    assert answer.startswith(b"HTTP/1.1 403 ") and b"</html>" in answer  # no form token: refused, as a page
