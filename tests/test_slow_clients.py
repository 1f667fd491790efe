"""The production server (the Procfile's gunicorn command) against slow and lying clients, over
raw sockets: headers and bodies have deadlines (408, then the connection is closed), and behind
`FORWARDED_ALLOW_IPS=*` the client cannot choose its own address by writing X-Forwarded-For.

Deadlines are made small through the environment so the tests stay quick; the assertions bound
only what must happen (an answer well before the old "never"), not how fast the server is.
"""

import json
import socket
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.server import running_server

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.0
# Far beyond either deadline: without them the server would still be waiting.
PATIENCE = 8.0


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    """The Procfile's server, with small deadlines, every proxy trusted, and a low limit per
    client address."""
    command = [sys.executable, "-m", "gunicorn", "app:app", "-c", "config/gunicorn_conf.py"]
    with running_server(
        command,
        HEADER_TIMEOUT_SECONDS=str(HEADER_TIMEOUT),
        BODY_TIMEOUT_SECONDS=str(BODY_TIMEOUT),
        FORWARDED_ALLOW_IPS="*",
        RATE_LIMIT_PER_IP="3",
        SEED_DEMO_DATA="false",
    ) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def _read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed."""
    sock.settimeout(PATIENCE)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        pytest.fail(f"the server still held the connection after {PATIENCE} s: {received!r}")
    except ConnectionResetError:
        pass
    return received, time.monotonic()


def _error_of(raw: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


def test_headers_trickling_in_get_408_and_the_connection_is_closed(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: test\r\nX-Slow: ")
        started = time.monotonic()
        # One byte every 0.3 s would keep a connection alive forever without a deadline.
        sock.settimeout(0.3)
        raw = b""
        while time.monotonic() - started < PATIENCE:
            try:
                sock.sendall(b"a")
                raw = sock.recv(65536)
                break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        rest, _ = _read_until_closed(sock)
    raw += rest
    assert raw, "the server closed the connection without an answer"
    status, body = _error_of(raw)
    assert status == 408
    assert body["code"] == "RequestTimeout"
    assert body["status"] == 408
    assert body["requestId"]
    assert body["detail"] == {"code": "RequestTimeout", "message": body["message"]}
    assert b"connection: close" in raw.lower()


def test_a_body_that_never_completes_gets_408_in_the_error_shape_and_a_closed_connection(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server) as sock:
        sock.sendall(
            b"POST /api/auth/signin HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 200\r\n\r\n" + b'{"email": "slow'
        )
        raw, _ = _read_until_closed(sock)
    status, body = _error_of(raw)
    assert status == 408
    assert body["code"] == "RequestTimeout"
    assert body["status"] == 408
    assert isinstance(body["message"], str)
    assert body["requestId"]
    assert body["detail"] == {"code": "RequestTimeout", "message": body["message"]}


def test_a_kept_alive_connection_gets_the_header_deadline_again_for_its_next_request(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: test\r\n\r\n")
        sock.settimeout(PATIENCE)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: test\r\n")  # never finished
        raw, _ = _read_until_closed(sock)
    status, body = _error_of(raw)
    assert (status, body["code"]) == (408, "RequestTimeout")


def test_a_prompt_request_is_served_normally(server: tuple[str, int]) -> None:
    host, port = server
    response = httpx.get(f"http://{host}:{port}/api/health", timeout=PATIENCE)
    assert response.status_code == 200


def test_the_leftmost_forwarded_for_entry_cannot_dodge_the_limit_per_client_address(
    server: tuple[str, int],
) -> None:
    host, port = server
    statuses = []
    with httpx.Client(base_url=f"http://{host}:{port}", timeout=PATIENCE) as http:
        for number in range(5):
            response = http.post(
                "/api/auth/signin",
                json={"email": f"nobody{number}@example.org", "password": "Wr0ng-pass!"},
                # A new made-up address on the left each time; the router's entry on the right.
                headers={"X-Forwarded-For": f"10.9.8.{number}, 198.51.100.23"},
            )
            statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429, 429]
