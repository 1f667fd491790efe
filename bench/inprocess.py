"""Server-side cost of a request, in process, without HTTP parsing or a load generator.

    ./run.sh python -m bench.inprocess

Calls the ASGI apps directly (the service on the embedded store, and bench.bare_app) a few
thousand times each and prints microseconds per request: what the app itself adds, with the
network, the HTTP parser and wrk taken out.
"""

import asyncio
import time
from typing import Any

import httpx

from bench.bare_app import app as bare_app
from config.main import create_app
from config.settings import Settings

DEMO_PASSWORD = "Test123!"  # the embedded store's documented demo password
REQUESTS = 3000


async def microseconds_per_request(app: Any, path: str, headers: dict[str, str]) -> float:
    """Mean time of one GET through the whole ASGI app, after a warm-up."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(200):
        await app(dict(scope), receive, send)
    started = time.perf_counter()
    for _ in range(REQUESTS):
        await app(dict(scope), receive, send)
    elapsed = time.perf_counter() - started
    assert set(statuses) == {200}, set(statuses)
    return elapsed / REQUESTS * 1e6


async def main() -> None:
    """Print the table."""
    settings = Settings(_env_file=None, LOG_LEVEL="WARNING")  # type: ignore[call-arg]
    app = create_app(settings, "inprocess")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            signin = {"email": "coordinator@example.com", "password": DEMO_PASSWORD}
            token = (await http.post("/api/auth/signin", json=signin)).json()["token"]
        rows = [
            ("bare FastAPI GET /hello", await microseconds_per_request(bare_app, "/hello", {})),
            ("GET /api/health", await microseconds_per_request(app, "/api/health", {})),
            (
                "GET /api/users/current",
                await microseconds_per_request(
                    app, "/api/users/current", {"Authorization": f"Bearer {token}"}
                ),
            ),
        ]
    print("| request (in process) | µs |\n|---|---:|")
    for name, micros in rows:
        print(f"| {name} | {micros:.0f} |")


if __name__ == "__main__":
    asyncio.run(main())
