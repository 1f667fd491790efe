"""With the database unreachable every route answers 503 DatabaseUnavailable quickly, and the
service recovers by itself when the database comes back."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from mongomock_motor import AsyncMongoMockClient

from app import create_app
from config.db import db
from config.settings import Settings
from routes.deps import PUBLIC_ROUTES
from tests.conftest import assert_error, make_settings
from tests.routes_table import app_routes, fill_path_params
from utils.pure import tokens

UNREACHABLE = "mongodb://127.0.0.1:9/?directConnection=true"


@pytest.fixture
async def outage(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, Settings, httpx.AsyncClient]]:
    """An app whose database cannot be reached (1 s server selection timeout)."""
    settings = make_settings(tmp_path, MONGO_DB_URI=UNREACHABLE, DB_TIMEOUT_MS=1000)
    application = create_app(settings, f"outage_{uuid4().hex[:8]}")
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield application, settings, http


def _private_routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(route for route in app_routes(app) if route not in PUBLIC_ROUTES)


async def test_every_signed_in_route_answers_503_within_the_timeout(
    outage: tuple[FastAPI, Settings, httpx.AsyncClient],
) -> None:
    application, settings, http = outage
    token = tokens.create_token(settings, str(uuid4()), str(uuid4()), timedelta(minutes=5))
    headers = {"Authorization": f"Bearer {token}"}

    async def call(method: str, path: str) -> tuple[str, httpx.Response, float]:
        started = time.monotonic()
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        response = await http.request(method, fill_path_params(path), headers=headers, **body)
        return f"{method} {path}", response, time.monotonic() - started

    routes = _private_routes(application)
    assert len(routes) > 10
    results = await asyncio.gather(*(call(m, p) for m, p in routes))
    for where, response, elapsed in results:
        assert response.status_code == 503, f"{where}: {response.status_code} {response.text}"
        assert_error(response, 503, "DatabaseUnavailable")
        assert elapsed < 3, where


async def test_public_routes_that_need_the_database_answer_503(
    outage: tuple[FastAPI, Settings, httpx.AsyncClient],
) -> None:
    _, settings, http = outage
    # A well-formed, authentic refresh token: only the database can say whether it is current.
    cookie = tokens.new_refresh_token(settings, str(uuid4()), str(uuid4()), 0)
    calls = [
        http.get("/api/health"),
        http.post("/api/auth/signin", json={"email": "a@example.org", "password": "Xx1!xxxx"}),
        http.get("/api/auth/refresh", headers={"Cookie": f"refresh_token={cookie}"}),
    ]
    for response in await asyncio.gather(*calls):
        assert_error(response, 503, "DatabaseUnavailable")


async def test_the_service_recovers_when_the_database_comes_back(
    outage: tuple[FastAPI, Settings, httpx.AsyncClient],
) -> None:
    _, _, http = outage
    assert_error(await http.get("/api/health"), 503, "DatabaseUnavailable")
    # The database "comes back": the client's target is swapped for a reachable one.
    db.client = AsyncMongoMockClient(tz_aware=True)
    db.database = db.client[db.name]
    # Health answers 200 again on its own, once the circuit breaker's short cooldown has passed.
    deadline = time.monotonic() + 5
    while (response := await http.get("/api/health")).status_code != 200:
        assert time.monotonic() < deadline, response.text
        await asyncio.sleep(0.2)
    # The start-up setup that was waiting for the database finishes by itself.
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        indexes = await db.collection("users").index_information()
        if "email_lower_unique" in indexes:
            break
        await asyncio.sleep(0.2)
    assert "email_lower_unique" in await db.collection("users").index_information()
