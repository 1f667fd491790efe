"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task and a queue per request)."""

import asyncio
import ipaddress
import logging
import re
import time
from typing import Any
from uuid import uuid4

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config import errors
from config.context import request_id_var, request_origin_var
from routes.http.error_responses import error_body, wants_items

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
    - A body that has not fully arrived `body_timeout_seconds` after the headers gets 408 (and the
      connection is closed): a client trickling bytes must not hold a worker's request forever.
    - Any exception that escapes the app is logged with its trace and answered with an opaque 500.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_json_bytes: int,
        max_upload_bytes: int,
        body_timeout_seconds: float = 30.0,
    ) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.body_timeout_seconds = body_timeout_seconds
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
                deadline = time.monotonic() + self.body_timeout_seconds
                await self.app(scope, _limited(receive, limit, deadline), send_with_id)
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
                    "client": (scope.get("client") or ("-",))[0],
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


def _limited(receive: Receive, limit: int, deadline: float) -> Receive:
    """Wrap `receive` so that a body growing past `limit` raises PayloadTooLarge, and one still
    incomplete at `deadline` (time.monotonic) raises RequestTimeout."""
    received = 0
    complete = False

    async def receive_limited() -> Message:
        nonlocal received, complete
        if complete:  # after the body only a disconnect can come, and it may wait for it
            return await receive()
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                message = await receive()
        except TimeoutError:
            raise errors.RequestTimeout(
                "The request body did not arrive in time.", headers={"Connection": "close"}
            ) from None
        if message["type"] == "http.request":
            complete = not message.get("more_body", False)
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


class ForwardedClientMiddleware:
    """The client's address behind trusted proxies, for rate limits and logs.

    Each proxy appends the address it was connected from to `X-Forwarded-For`, so only the
    entries on the right, written by proxies we trust, are true; the leftmost is whatever the
    client sent. From a trusted peer, the entries are read from the right, skipping trusted
    proxies, and the first other one is the client. With `*` any peer is trusted (Heroku's router
    connects from addresses nobody can list) and exactly one hop is believed: the rightmost entry,
    the one that router appended. Entries that are not IP addresses are never believed.
    """

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        entries = [item.strip() for item in trusted.split(",") if item.strip()]
        self.trust_all = "*" in entries
        networks = [_network(item) for item in entries if item != "*"]
        self.trusted = [network for network in networks if network is not None]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("client"):
            forwarded = [
                value.decode("latin-1")
                for name, value in scope["headers"]
                if name == b"x-forwarded-for"
            ]
            if forwarded:
                host = self.client_address(scope["client"][0], ",".join(forwarded))
                scope["client"] = (host, 0 if host != scope["client"][0] else scope["client"][1])
        await self.app(scope, receive, send)

    def _is_trusted(self, host: str) -> bool:
        address = _address(host)
        return address is not None and any(address in network for network in self.trusted)

    def client_address(self, peer: str, forwarded_for: str) -> str:
        """The client's address given the connecting peer and the X-Forwarded-For entries."""
        if not (self.trust_all or self._is_trusted(peer)):
            return peer
        client = peer
        for entry in reversed(forwarded_for.split(",")):
            address = _address(entry.strip())
            if address is None:
                break  # not written by a proxy we know: stop believing here
            client = str(address)
            if self.trust_all or not self._is_trusted(client):
                break
        return client


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from `1.2.3.4`, `1.2.3.4:5678`, `::1` or `[::1]:5678`; None otherwise."""
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


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
