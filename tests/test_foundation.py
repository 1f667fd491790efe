"""The foundation: error shape, request ids, limits, CORS, health, settings, OpenAPI."""

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError
from pymongo.errors import OperationFailure, ServerSelectionTimeoutError

from app import create_app
from config.context import request_id_var
from config.db import Database, ensure_indexes_in_background
from config.settings import Settings
from routes import deps
from tests.conftest import assert_error, make_settings

ROOT = Path(__file__).resolve().parent.parent


class _Echo(BaseModel):
    email: str
    age: int


@pytest.fixture
async def probe_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """A separate app with extra (public) routes that exercise the foundation's error paths."""
    probes = {("POST", "/api/probe/echo"), ("GET", "/api/probe/crash")}
    monkeypatch.setattr(deps, "PUBLIC_ROUTES", deps.PUBLIC_ROUTES | probes)
    application = create_app(make_settings(tmp_path, MONGO_DB_URI=None), "probe")
    router_app: FastAPI = application

    @router_app.post("/api/probe/echo")
    async def echo(body: _Echo) -> _Echo:
        return body

    @router_app.get("/api/probe/crash")
    async def crash() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


class TestErrorShape:
    async def test_unknown_path_is_404_in_the_error_shape(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get("/api/nope"), 404, "NotFound")

    async def test_wrong_method_is_405_in_the_error_shape(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.delete("/api/health"), 405, "MethodNotAllowed")

    async def test_validation_error_lists_each_bad_field(
        self, probe_app: httpx.AsyncClient
    ) -> None:
        response = await probe_app.post("/api/probe/echo", json={"age": "old"})
        body = assert_error(response, 422, "ValidationError")
        fields = {detail["field"] for detail in body["details"]}  # type: ignore[attr-defined]
        assert fields == {"body.email", "body.age"}

    async def test_malformed_json_is_422_not_500(self, probe_app: httpx.AsyncClient) -> None:
        response = await probe_app.post(
            "/api/probe/echo", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert_error(response, 422, "ValidationError")

    async def test_json_body_over_1_mib_is_413(self, probe_app: httpx.AsyncClient) -> None:
        big = {"email": "a" * (1024 * 1024 + 10), "age": 1}
        assert_error(await probe_app.post("/api/probe/echo", json=big), 413, "PayloadTooLarge")

    async def test_chunked_body_over_1_mib_is_413(self, probe_app: httpx.AsyncClient) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"email": "'
            for _ in range(40):
                yield b"x" * 32 * 1024
            yield b'", "age": 1}'

        response = await probe_app.post(
            "/api/probe/echo", content=chunks(), headers={"content-type": "application/json"}
        )
        assert_error(response, 413, "PayloadTooLarge")

    async def test_unexpected_exception_is_an_opaque_500_logged_with_request_id(
        self, probe_app: httpx.AsyncClient
    ) -> None:
        logged: list[tuple[logging.LogRecord, str]] = []
        handler = logging.Handler()
        # The request id as the log line would show it, read while the record is emitted.
        handler.emit = lambda record: logged.append((record, request_id_var.get()))  # type: ignore[method-assign]
        logging.getLogger("hosthome.errors").addHandler(handler)
        try:
            response = await probe_app.get("/api/probe/crash", headers={"X-Request-ID": "trace-1"})
        finally:
            logging.getLogger("hosthome.errors").removeHandler(handler)
        body = assert_error(response, 500, "InternalError")
        assert "hunter2" not in response.text
        assert body["requestId"] == "trace-1"
        traces = [request_id for record, request_id in logged if record.exc_info]
        assert traces == ["trace-1"]
        trace_text = logging.Formatter().formatException(logged[0][0].exc_info)  # type: ignore[arg-type]
        assert "hunter2" in trace_text  # the full trace is in the log, not in the answer


class TestRequestId:
    async def test_every_response_has_a_request_id(self, client: httpx.AsyncClient) -> None:
        first = await client.get("/api/health")
        second = await client.get("/api/health")
        assert first.headers["x-request-id"]
        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    async def test_a_sane_client_request_id_is_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/nope", headers={"X-Request-ID": "abc-123"})
        assert response.headers["x-request-id"] == "abc-123"
        assert response.json()["requestId"] == "abc-123"

    async def test_an_unsafe_client_request_id_is_replaced(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/health", headers={"X-Request-ID": "a b\tc<script>"})
        assert response.headers["x-request-id"] != "a b\tc<script>"


class TestCors:
    async def test_listed_origin_is_allowed_with_credentials(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/health", headers={"Origin": "http://localhost:3000"})
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
        assert response.headers["access-control-allow-credentials"] == "true"

    async def test_unlisted_origin_gets_no_allow_origin(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers

    async def test_refused_preflight_is_in_the_error_shape(self, client: httpx.AsyncClient) -> None:
        response = await client.options(
            "/api/health",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert_error(response, 403, "Forbidden")
        assert "access-control-allow-origin" not in response.headers

    def test_wildcard_origin_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError):
            make_settings(tmp_path, CORS_ORIGINS="*")


class TestHealth:
    async def test_health_reports_ok(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/health")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "version": "1.0.0"}

    async def test_unreachable_database_gives_503_within_5_seconds_and_stays_up(
        self, tmp_path: Path
    ) -> None:
        settings = make_settings(
            tmp_path, MONGO_DB_URI="mongodb://127.0.0.1:9/?directConnection=true"
        )
        application = create_app(settings, "unreachable")
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                for _ in range(2):
                    started = time.monotonic()
                    response = await http.get("/api/health")
                    elapsed = time.monotonic() - started
                    assert_error(response, 503, "DatabaseUnavailable")
                    assert elapsed < 5.5


class TestSettings:
    def test_real_database_without_a_strong_key_is_refused(self, tmp_path: Path) -> None:
        for key in (None, "short", "x" * 31):
            with pytest.raises(ValidationError):
                Settings(_env_file=None, MONGO_DB_URI="mongodb://db", JWT_SECRET_KEY=key)  # type: ignore[call-arg]

    def test_placeholder_key_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            Settings(_env_file=None, JWT_SECRET_KEY="changethis")  # type: ignore[call-arg]

    def test_embedded_store_gets_a_random_key_per_process(self) -> None:
        first = Settings(_env_file=None)  # type: ignore[call-arg]
        second = Settings(_env_file=None)  # type: ignore[call-arg]
        assert len(first.jwt_key) >= 32
        assert first.jwt_key != second.jwt_key

    def test_process_refuses_to_start_with_one_clear_line(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET_KEY"}
        env["MONGO_DB_URI"] = "mongodb://127.0.0.1:9"
        result = subprocess.run(
            [sys.executable, "-c", "import app"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 1
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1
        assert "JWT_SECRET_KEY" in lines[0]


class TestOpenApi:
    async def test_every_operation_has_summary_description_and_error_shape(
        self, client: httpx.AsyncClient
    ) -> None:
        spec = (await client.get("/openapi.json")).json()
        assert "ErrorResponse" in spec["components"]["schemas"]
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                where = f"{method.upper()} {path}"
                assert operation.get("summary"), where
                assert operation.get("description"), where
                error_ref = operation["responses"]["500"]["content"]["application/json"]
                assert error_ref["schema"]["$ref"].endswith(
                    ("/ErrorResponse", "/ErrorWithItems")
                ), where

    async def test_docs_pages_load_assets_from_the_app_not_a_cdn(
        self, client: httpx.AsyncClient
    ) -> None:
        for page in ("/docs", "/redoc"):
            html = (await client.get(page)).text
            assert "cdn." not in html
            assert "/static-offline-docs/" in html
        asset = await client.get("/static-offline-docs/swagger-ui-bundle.js")
        assert asset.status_code == 200
        assert len(asset.content) > 100_000


class TestEmbeddedStore:
    async def test_every_operation_yields_so_read_then_write_races_show(self) -> None:
        database = Database()
        database.connect(Settings(_env_file=None), "yield_probe")  # type: ignore[call-arg]
        counters = database.collection("counters")
        await counters.insert_one({"_id": "c", "n": 0})

        async def naive_increment() -> None:
            document = await counters.find_one({"_id": "c"})
            await counters.update_one({"_id": "c"}, {"$set": {"n": document["n"] + 1}})

        await asyncio.gather(*(naive_increment() for _ in range(10)))
        # A lost update proves that the operations interleave, as they would over a network.
        assert (await counters.find_one({"_id": "c"}))["n"] < 10
        database.close()


class TestIndexFailures:
    async def test_an_index_that_cannot_be_created_does_not_stop_start_up(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        database = Database()
        database.connect(Settings(_env_file=None), "index_failure")  # type: ignore[call-arg]

        async def conflicting() -> None:
            raise OperationFailure("Index with name: discovery already exists", code=86)

        monkeypatch.setattr(database, "ensure_indexes", conflicting)
        await asyncio.wait_for(ensure_indexes_in_background(database, retry_seconds=0.01), 2)
        database.close()

    async def test_an_unreachable_server_is_retried(self, monkeypatch: pytest.MonkeyPatch) -> None:
        database = Database()
        database.connect(Settings(_env_file=None), "index_retry")  # type: ignore[call-arg]
        attempts = {"n": 0}

        async def flaky() -> None:
            attempts["n"] += 1
            if attempts["n"] < 3:
                raise ServerSelectionTimeoutError("no server")

        monkeypatch.setattr(database, "ensure_indexes", flaky)
        await asyncio.wait_for(ensure_indexes_in_background(database, retry_seconds=0.01), 2)
        assert attempts["n"] == 3
        database.close()
