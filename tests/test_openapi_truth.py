"""The OpenAPI document tells the truth: security exactly as the public list says, and each
operation documents its own errors, each of which can really be produced through HTTP.

The whole-document checks read every operation, so routes added later are covered unedited.
"""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from pymongo.errors import ConnectionFailure

from config import errors
from config.settings import Settings
from routes.deps import PUBLIC_ROUTES
from tests.conftest import assert_error
from tests.factories import PASSWORD, create_event, make_user, signed_in
from tests.routes_table import app_routes
from utils import events, feedback
from utils.flows import auth, health
from utils.pure import tokens

METHODS = {"get", "put", "post", "delete", "patch"}
Producer = Callable[[], Awaitable[httpx.Response]]
Outcome = tuple[int, str | None]  # status, and the error code (None for a success)


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) for every operation of the document."""
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def documented(spec: dict[str, Any], method: str, path: str) -> set[Outcome]:
    """Every status and error code the document promises for one operation."""
    found: set[Outcome] = set()
    for status, answer in spec["paths"][path][method.lower()]["responses"].items():
        codes = answer.get("x-error-codes")
        if codes is None:
            found.add((int(status), None))
        else:
            found.update((int(status), code) for code in codes)
    return found


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    """The document /docs and /redoc render."""
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


class TestSecurity:
    async def test_every_operation_needs_sign_in_exactly_when_it_is_not_public(
        self, spec: dict[str, Any]
    ) -> None:
        wrong = [
            f"{method} {path}: security={operation.get('security')}"
            for method, path, operation in operations(spec)
            if bool(operation.get("security")) == ((method, path) in PUBLIC_ROUTES)
        ]
        assert not wrong, "\n".join(wrong)

    async def test_the_public_list_names_only_routes_the_app_serves(
        self, app: FastAPI, spec: dict[str, Any]
    ) -> None:
        assert not PUBLIC_ROUTES - app_routes(app)
        documented_public = {
            (method, path)
            for method, path, operation in operations(spec)
            if "security" not in operation
        }
        assert {("GET", "/api/health"), ("POST", "/api/auth/token")} <= documented_public
        assert ("GET", "/api/images/{image_id}") in documented_public

    async def test_private_operations_document_the_sign_in_401s_and_the_challenge(
        self, spec: dict[str, Any]
    ) -> None:
        for method, path, operation in operations(spec):
            if (method, path) in PUBLIC_ROUTES:
                continue
            answer = operation["responses"]["401"]
            assert {"NotAuthenticated", "InvalidToken", "TokenExpired", "SessionRevoked"} <= set(
                answer["x-error-codes"]
            ), f"{method} {path}"
            assert "WWW-Authenticate" in answer["headers"], f"{method} {path}"


class TestDocumentedErrors:
    async def test_no_operation_documents_a_422_when_it_takes_no_input(
        self, spec: dict[str, Any]
    ) -> None:
        for method, path, operation in operations(spec):
            if "requestBody" not in operation and not operation.get("parameters"):
                assert "422" not in operation["responses"], f"{method} {path}"
        assert "422" not in spec["paths"]["/api/health"]["get"]["responses"]

    async def test_every_error_code_is_documented_under_its_own_status(
        self, spec: dict[str, Any]
    ) -> None:
        status_of = {cls.code: cls.status_code for cls in _error_classes()}
        for method, path, operation in operations(spec):
            for status, answer in operation["responses"].items():
                for code in answer.get("x-error-codes", []):
                    assert status_of[code] == int(status), f"{method} {path}: {status} {code}"
                    assert f"`{code}`" in answer["description"]

    async def test_an_event_page_lists_only_the_event_not_found_404(
        self, spec: dict[str, Any]
    ) -> None:
        answers = spec["paths"]["/api/events/{event_id}"]["get"]["responses"]
        assert answers["404"]["x-error-codes"] == ["EventNotFound"]
        assert "422" not in answers


def _error_classes() -> list[type[errors.APIError]]:
    found, pending = [], [errors.APIError]
    while pending:
        cls = pending.pop()
        found.extend(cls.__subclasses__())
        pending.extend(cls.__subclasses__())
    return found


def _failing(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, exc: Exception) -> None:
    async def fail(*_: Any, **__: Any) -> Any:
        raise exc

    monkeypatch.setattr(module, name, fail)


async def _check_every_documented_outcome(
    spec: dict[str, Any],
    method: str,
    path: str,
    produce: dict[Outcome, Producer],
    server_fault: Callable[[Exception], None],
) -> None:
    """Each documented outcome happens when asked for, and nothing is documented beyond them."""
    # 408 comes from the server layer (a slow client), proven in tests/test_slow_clients.py.
    assert documented(spec, method, path) == set(produce) | {
        (408, "RequestTimeout"),
        (500, "InternalError"),
        (503, "DatabaseUnavailable"),
    }
    for (status, code), make in produce.items():
        response = await make()
        if code is None:
            assert response.status_code == status, response.text
        else:
            assert_error(response, status, code)
    # The server's own faults, last: they replace the utils function the route calls.
    server_fault(ConnectionFailure("no route to the database"))
    assert_error(await produce_last(produce), 503, "DatabaseUnavailable")
    server_fault(RuntimeError("a bug"))
    assert_error(await produce_last(produce), 500, "InternalError")


async def produce_last(produce: dict[Outcome, Producer]) -> httpx.Response:
    """Repeat the successful request (the one that reaches the utils function)."""
    successes = [make for (_, code), make in produce.items() if code is None]
    return await successes[0]()


class TestDocumentedOutcomesHappen:
    async def test_health(
        self, spec: dict[str, Any], client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await _check_every_documented_outcome(
            spec,
            "GET",
            "/api/health",
            {(200, None): lambda: client.get("/api/health")},
            lambda exc: _failing(monkeypatch, health, "check_database", exc),
        )

    async def test_one_event(
        self, spec: dict[str, Any], client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        coordinator = await signed_in(client, "coordinator")
        event = await create_event(client, coordinator.headers)
        await _check_every_documented_outcome(
            spec,
            "GET",
            "/api/events/{event_id}",
            {
                (200, None): lambda: client.get(f"/api/events/{event['id']}"),
                (404, "EventNotFound"): lambda: client.get(f"/api/events/{uuid4()}"),
            },
            lambda exc: _failing(monkeypatch, events, "get_event", exc),
        )

    async def test_sign_up(
        self,
        spec: dict[str, Any],
        client: httpx.AsyncClient,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def sign_up(address: str, password: str = PASSWORD, role: str = "guest") -> Producer:
            body = {"email": address, "password": password, "firstName": "Ana", "role": role}
            return lambda: client.post("/api/auth/signup", json=body)

        await make_user(email_address="taken@example.org")
        fresh = iter(f"new{n}@example.org" for n in range(100))

        async def sign_up_someone_new() -> httpx.Response:
            return await sign_up(next(fresh))()

        async def sign_up_past_the_limit() -> httpx.Response:
            # One sign-up a minute per address, then the next is refused; the limit is lifted
            # again afterwards so the server-fault checks still reach `register`.
            monkeypatch.setattr(settings, "RATE_LIMIT_SIGNUP_PER_IP", 1)
            await sign_up_someone_new()
            refused = await sign_up_someone_new()
            monkeypatch.setattr(settings, "RATE_LIMIT_SIGNUP_PER_IP", 1000)
            return refused

        await _check_every_documented_outcome(
            spec,
            "POST",
            "/api/auth/signup",
            {
                (201, None): sign_up_someone_new,
                (409, "EmailAlreadyRegistered"): sign_up("taken@example.org"),
                (422, "ValidationError"): sign_up("taken@example.org", role="admin"),
                (422, "WeakPassword"): sign_up("weak@example.org", password="password"),
                (429, "TooManyRequests"): sign_up_past_the_limit,
            },
            lambda exc: _failing(monkeypatch, auth, "register", exc),
        )

    async def test_delete_feedback(
        self,
        spec: dict[str, Any],
        client: httpx.AsyncClient,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        coordinator = await signed_in(client, "coordinator")
        author = await signed_in(client, "guest")
        other = await signed_in(client, "host")
        ended = await signed_in(client, "guest")
        await client.post("/api/auth/signout", headers=ended.headers)
        event = await create_event(client, coordinator.headers)
        url = f"/api/events/{event['id']}/feedback"

        async def delete_own() -> httpx.Response:
            made = await client.post(url, json={"comment": "Useful"}, headers=author.headers)
            return await client.delete(f"{url}/{made.json()['id']}", headers=author.headers)

        async def delete_others() -> httpx.Response:
            made = await client.post(url, json={"comment": "Mine"}, headers=author.headers)
            return await client.delete(f"{url}/{made.json()['id']}", headers=other.headers)

        def with_token(token: str) -> Producer:
            headers = {"Authorization": f"Bearer {token}"}
            return lambda: client.delete(f"{url}/{uuid4()}", headers=headers)

        expired = tokens.create_token(settings, author.id, str(uuid4()), timedelta(minutes=-1))
        await _check_every_documented_outcome(
            spec,
            "DELETE",
            "/api/events/{event_id}/feedback/{feedback_id}",
            {
                (204, None): delete_own,
                (401, "NotAuthenticated"): lambda: client.delete(f"{url}/{uuid4()}"),
                (401, "InvalidToken"): with_token("not-a-jwt"),
                (401, "TokenExpired"): with_token(expired),
                (401, "SessionRevoked"): with_token(ended.token),
                (403, "Forbidden"): delete_others,
                (404, "EventNotFound"): lambda: client.delete(
                    f"/api/events/{uuid4()}/feedback/{uuid4()}", headers=author.headers
                ),
                (404, "FeedbackNotFound"): lambda: client.delete(
                    f"{url}/{uuid4()}", headers=author.headers
                ),
            },
            lambda exc: _failing(monkeypatch, feedback, "delete_feedback", exc),
        )
