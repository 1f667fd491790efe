"""Server-side cost of a request, in process, without HTTP parsing or a load generator.

    ./run.sh python -m bench.inprocess                        # 7 repetitions of 1,000 requests
    ./run.sh python -m bench.inprocess --repeats 3 --requests 500

Calls the ASGI apps directly (the service on the embedded store, and bench.bare_app) and prints
microseconds per request: what the app itself adds, with the network, the HTTP parser and wrk
taken out. The routes are measured in interleaved repetitions (bare, health, current user,
orgs, bare, health, ...), so a slow spell of a shared machine lands on every route alike; each
row is the median over the repetitions with its spread, and the ratio to the bare route is taken
within each repetition before its median. The main figure is the process's CPU time per request,
which other people's processes on a shared machine disturb far less than the wall clock (shown
beside it).
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from app import create_app
from bench.bare_app import app as bare_app
from config.settings import Settings

DEMO_PASSWORD = "Test123!"  # the embedded store's documented demo password
ORGS = 20  # the size of the housing-orgs list the targets name


def asgi_get(app: Any, path: str, headers: dict[str, str]) -> Callable[[], Awaitable[None]]:
    """One GET through the whole ASGI app, as a callable; asserts a 200 answer."""
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

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise AssertionError(f"{path} answered {message['status']}")

    async def call() -> None:
        await app(dict(scope), receive, send)

    return call


async def microseconds(call: Callable[[], Awaitable[None]], requests: int) -> tuple[float, float]:
    """Mean (CPU, wall-clock) microseconds of one call over `requests` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        await call()
    return (
        (time.process_time() - cpu) / requests * 1e6,
        (time.perf_counter() - wall) / requests * 1e6,
    )


def spread(values: list[float]) -> str:
    """min–max of the values, as text."""
    return f"{min(values):.0f}–{max(values):.0f}"


async def measure(repeats: int, requests: int) -> dict[str, list[tuple[float, float]]]:
    """(CPU, wall) µs per request of each route, one entry per interleaved repetition."""
    settings = Settings(_env_file=None, LOG_LEVEL="WARNING")  # type: ignore[call-arg]
    app = create_app(settings, "inprocess")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            signin = {"email": "coordinator@example.com", "password": DEMO_PASSWORD}
            token = (await http.post("/api/auth/signin", json=signin)).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            for i in range(ORGS):
                body = {"orgName": f"Org {i}", "programs": [{"programName": "Host Home"}]}
                (
                    await http.post("/api/housing-orgs", json=body, headers=headers)
                ).raise_for_status()
        routes = {
            "bare FastAPI GET /hello": asgi_get(bare_app, "/hello", {}),
            "GET /api/health": asgi_get(app, "/api/health", {}),
            "GET /api/users/current": asgi_get(app, "/api/users/current", headers),
            f"GET /api/housing-orgs ({ORGS} orgs)": asgi_get(app, "/api/housing-orgs", headers),
        }
        for call in routes.values():  # warm-up: imports, caches, the first allocations
            await microseconds(call, 200)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in routes}
        for _ in range(repeats):
            for name, call in routes.items():
                samples[name].append(await microseconds(call, requests))
    return samples


def table(samples: dict[str, list[tuple[float, float]]]) -> str:
    """The markdown table: median CPU µs and its spread, the ratio to bare (median and spread,
    from CPU time), and the median wall-clock µs."""
    bare = [cpu for cpu, _ in next(iter(samples.values()))]
    lines = [
        "| request (in process) | CPU µs median | CPU µs min–max | × bare median"
        " | × bare min–max | wall µs median |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, pairs in samples.items():
        cpu = [c for c, _ in pairs]
        ratios = [value / base for value, base in zip(cpu, bare, strict=True)]
        lines.append(
            f"| {name} | {statistics.median(cpu):.0f} | {spread(cpu)} |"
            f" {statistics.median(ratios):.2f} | {min(ratios):.2f}–{max(ratios):.2f} |"
            f" {statistics.median(w for _, w in pairs):.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repetitions")
    parser.add_argument("--requests", type=int, default=1000, help="requests per repetition")
    args = parser.parse_args()
    samples = asyncio.run(measure(args.repeats, args.requests))
    print(
        f"{args.repeats} interleaved repetitions of {args.requests} requests per route;"
        " median and spread over the repetitions.\n"
    )
    print(table(samples))


if __name__ == "__main__":
    main()
