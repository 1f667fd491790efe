"""WEBAPP_DIR: the web app's built files served at `/` beside the API, from one origin."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from pydantic import ValidationError

from app import create_app
from tests.conftest import assert_error, make_settings

INDEX = "<!doctype html><title>Home Unite Us</title><div id=root></div>"
SCRIPT = "console.log('app');"


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An app serving a tiny fake build, with a secret file beside (not inside) its directory."""
    build = tmp_path / "dist"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text(INDEX)
    (build / "assets" / "index-abc123.js").write_text(SCRIPT)
    (build / "mockServiceWorker.js").write_text("// worker")
    (tmp_path / "secret.txt").write_text("do not serve")
    settings = make_settings(tmp_path, WEBAPP_DIR=str(build))
    app = create_app(settings, database_name="hosthome_webapp_files")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_files_are_served_and_the_root_is_the_app(served: httpx.AsyncClient) -> None:
    root = await served.get("/")
    assert (root.status_code, root.text) == (200, INDEX)
    assert root.headers["content-type"].startswith("text/html")
    script = await served.get("/assets/index-abc123.js")
    assert (script.status_code, script.text) == (200, SCRIPT)
    assert "javascript" in script.headers["content-type"]


@pytest.mark.parametrize(
    "path",
    [
        "/signin",
        "/create-password?userId=1&sessionId=abc",
        "/email-verification-success",
        "/guest/profile/1/basic-information",
        "/assets/missing.js",
        "/assets",
    ],
)
async def test_a_path_that_names_no_file_gets_index_html(
    served: httpx.AsyncClient, path: str
) -> None:
    response = await served.get(path)
    assert (response.status_code, response.text) == (200, INDEX)
    assert response.headers["cache-control"] == "no-cache"


async def test_the_api_and_the_docs_are_unchanged(served: httpx.AsyncClient) -> None:
    assert (await served.get("/api/health")).json()["status"] == "ok"
    assert_error(await served.get("/api/no-such-route"), 404, "NotFound")
    assert_error(await served.get("/api"), 404, "NotFound")
    assert_error(await served.post("/api/no-such-route", json={}), 404, "NotFound")
    assert_error(await served.put("/api/health"), 405, "MethodNotAllowed")
    assert_error(await served.get("/docs/nothing"), 404, "NotFound")
    assert "swagger" in (await served.get("/docs")).text.lower()
    assert (await served.get("/openapi.json")).json()["openapi"]


async def _asgi_get(app: Any, raw_path: str) -> bytes:
    """The body the app answers a GET of this exact path with (no client-side normalisation)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    sent: list[bytes] = []
    messages = iter([{"type": "http.request", "body": b"", "more_body": False}])

    async def receive() -> dict[str, Any]:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            sent.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(sent)


async def test_nothing_outside_the_directory_is_served(served: httpx.AsyncClient) -> None:
    # Straight to the ASGI app, as a server would pass them on: httpx resolves plain `..`
    # segments before a request leaves the client, so through it they would never arrive.
    app = served._transport.app  # type: ignore[attr-defined]  # pylint: disable=protected-access
    for path in ("/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt"):
        body = await _asgi_get(app, path)
        assert b"do not serve" not in body, path


async def test_other_methods_on_app_paths_are_refused_in_the_error_shape(
    served: httpx.AsyncClient,
) -> None:
    assert_error(await served.post("/signin", json={}), 405, "MethodNotAllowed")


async def test_without_webapp_dir_unknown_paths_are_the_json_404(
    client: httpx.AsyncClient,
) -> None:
    assert_error(await client.get("/signin"), 404, "NotFound")


def test_a_webapp_dir_without_index_html_is_refused_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"index\.html"):
        make_settings(tmp_path, WEBAPP_DIR=str(tmp_path))
