"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task and a queue per request)."""

import logging
import re
import time
from typing import Any
from uuid import uuid4

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.context import request_id_var, request_origin_var
from config.errors import error_body, wants_items
from utils import errors

access_log = logging.getLogger("hosthome.access")
error_log = logging.getLogger("hosthome.errors")

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# A Host header that can go into an e-mailed link: a name or address and an optional port.
_PLAIN_HOST = re.compile(r"^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:[0-9]{1,5})?$")


class RequestContextMiddleware:
    """Request id, access log, body-size limits and the last-resort opaque 500.

    - `X-Request-ID` is echoed when the client sends a sane one, otherwise a new one is made; it is
      on every response and in every log line of the request.
    - Bodies above the limit get 413 before the route reads them (declared length) or while it
      reads them (chunked bodies).
    - Any exception that escapes the app is logged with its trace and answered with an opaque 500.
    """

    def __init__(self, app: ASGIApp, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        # Multipart framing adds a little to the file itself.
        self.max_multipart_bytes = max_upload_bytes + 64 * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        sent_id = headers.get("x-request-id", "")
        request_id = sent_id if _CLIENT_REQUEST_ID.match(sent_id) else uuid4().hex
        token = request_id_var.set(request_id)
        host = headers.get("host", "")
        origin_token = request_origin_var.set(
            f"{scope.get('scheme', 'http')}://{host}" if _PLAIN_HOST.match(host) else ""
        )
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *list(message["headers"]),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            limit = self._limit_for(headers)
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                await _send_error(errors.PayloadTooLarge(), send_with_id, scope)
            else:
                await self.app(scope, _limited(receive, limit), send_with_id)
        except Exception:  # pylint: disable=broad-exception-caught
            error_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if status_holder["status"] == 0:
                await _send_error(errors.InternalError(), send_with_id, scope)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status_holder["status"],
                duration_ms,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status_holder["status"],
                    "duration_ms": round(duration_ms, 2),
                },
            )
            request_id_var.reset(token)
            request_origin_var.reset(origin_token)

    def _limit_for(self, headers: Headers) -> int:
        if headers.get("content-type", "").startswith("multipart/form-data"):
            return self.max_multipart_bytes
        return self.max_json_bytes


def _limited(receive: Receive, limit: int) -> Receive:
    """Wrap `receive` so that a body growing past `limit` raises PayloadTooLarge."""
    received = 0

    async def receive_limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise errors.PayloadTooLarge()
        return message

    return receive_limited


async def _send_error(exc: errors.APIError, send: Send, scope: Scope) -> None:
    body = error_body(exc.status_code, exc.code, str(exc.detail), with_items=wants_items(scope))
    response = JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class ErrorShapedCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware, with a refused preflight answered in the shared error shape."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        exc = errors.Forbidden("This origin is not allowed to call the API (CORS).")
        headers: dict[str, Any] = {
            key: value for key, value in response.headers.items() if key.startswith("vary")
        }
        return JSONResponse(
            error_body(exc.status_code, exc.code, str(exc.detail)),
            status_code=exc.status_code,
            headers=headers,
        )
