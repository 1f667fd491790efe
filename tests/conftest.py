"""Shared fixtures: one app per test run, a clean database per test, an async HTTP client.

The suite runs on the embedded store by default and, unchanged, against a real MongoDB when
TEST_MONGO_URI is set (a unique database per run, dropped at the end).
"""

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app import create_app
from config.db import db, test_database_name
from config.settings import Settings
from tests.factories import Clock
from utils import events as event_utils
from utils.flows import email
from utils.flows.startup import prepare_database

TEST_MONGO_URI = os.environ.get("TEST_MONGO_URI") or None
ROOT = Path(__file__).resolve().parent.parent


def make_settings(tmp_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: explicit values only, never the developer's .env file."""
    values: dict[str, object] = {
        "MONGO_DB_URI": TEST_MONGO_URI,
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "ENVIRONMENT": "test",
        "EMAIL_OUTBOX_DIR": str(tmp_dir / "outbox"),
        "SEED_DEMO_DATA": False,
        "LOG_LEVEL": "WARNING",
        "CORS_ORIGINS": "http://localhost:3000",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The settings every test app uses."""
    return make_settings(tmp_path_factory.mktemp("hosthome"))


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The application, with its lifespan running for the whole session."""
    name = test_database_name() if TEST_MONGO_URI else "hosthome_test"
    application = create_app(settings, database_name=name)
    async with application.router.lifespan_context(application):
        yield application
        await db.drop()


@pytest.fixture(autouse=True)
async def clean_database(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test that uses the app starts from an empty, freshly prepared database."""
    if "app" in request.fixturenames:
        settings = request.getfixturevalue("settings")
        for name in await db.database.list_collection_names():
            await db.database.drop_collection(name)
        await prepare_database(settings)
    yield


async def _mail_delivered(_: httpx.Response) -> None:
    """Mail goes out in the background: a test sees it as soon as the response is back."""
    await email.drain()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in process (mail jobs finished before each response)."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        event_hooks={"response": [_mail_delivered]},
    ) as http:
        yield http


@pytest.fixture(scope="session", autouse=True)
def developer_outbox_untouched() -> Iterator[None]:
    """No test may write e-mails into the developer's ./outbox (tests use temporary folders)."""
    outbox = ROOT / "outbox"

    def state() -> set[tuple[str, int]]:
        return {(p.name, p.stat().st_mtime_ns) for p in outbox.glob("*.eml")}

    before = state()
    yield
    added = state() - before
    assert not added, f"tests wrote {len(added)} e-mails into {outbox}"


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    """Assert the response is an error of the shared shape with this status and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["requestId"] == response.headers["x-request-id"]
    return body


@pytest.fixture
def outbox(settings: Settings) -> Path:
    """Where the app writes e-mails during tests."""
    return Path(settings.EMAIL_OUTBOX_DIR)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Control the time utils.events sees."""
    moving = Clock()
    monkeypatch.setattr(event_utils, "utcnow", moving.now)
    return moving
