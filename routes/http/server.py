"""The production server's HTTP layer: a header deadline and proxy headers left to the app.

uvicorn has no deadline for reading a request's headers: a client sending a header byte every few
seconds holds a connection (and a slot of the worker) forever. `DeadlineH11Protocol` answers 408
and closes the connection when the headers of a request have not all arrived within
HEADER_TIMEOUT_SECONDS of the connection opening or the previous response ending. The body's
deadline is the app's (routes/http/middleware.py), where a 408 in the error shape is still possible.

`Worker` is the gunicorn worker class (config/gunicorn_conf.py): uvicorn's worker with that
protocol, and without uvicorn's own X-Forwarded-For handling, which takes the leftmost entry (the
client's to write) when every proxy is trusted; the app's ForwardedClientMiddleware does it.
"""

import asyncio
import json
from typing import Any, ClassVar
from uuid import uuid4

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn_worker import UvicornWorker

from config import errors
from config.context import request_id_var
from config.settings import get_settings
from routes.http.error_responses import error_body


def _timeout_response() -> bytes:
    """A 408 in the shared error shape, as raw bytes (no request was parsed to answer via h11)."""
    request_id = uuid4().hex
    token = request_id_var.set(request_id)
    try:
        error = errors.RequestTimeout("The request headers did not arrive in time.")
        body = json.dumps(error_body(error.status_code, error.code, error.detail)).encode()
    finally:
        request_id_var.reset(token)
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        f"x-request-id: {request_id}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + body


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on each request's headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = get_settings().HEADER_TIMEOUT_SECONDS
        self.header_deadline: asyncio.TimerHandle | None = None

    def _arm_header_deadline(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
        self.header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        self.header_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # the headers came: the request is the app's now (and so is its body)
        self.transport.write(_timeout_response())
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request on this connection gets the same time for its headers.
        if not self.transport.is_closing():
            self._arm_header_deadline()


class Worker(UvicornWorker):
    """gunicorn's uvicorn worker with the header deadline; X-Forwarded-For is the app's."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        **UvicornWorker.CONFIG_KWARGS,
        "http": DeadlineH11Protocol,
        "proxy_headers": False,
    }
