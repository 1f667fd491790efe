"""Where the microseconds of a request go: cProfile of one route, in process.

    ./run.sh python -m bench.hotspots                         # GET /api/users/current
    ./run.sh python -m bench.hotspots /api/housing-orgs --requests 2000

Runs the service on the embedded store (demo users, 20 housing organisations), calls the route
through the whole ASGI app as bench.inprocess does, and prints the functions with the most
cumulative and the most self time. cProfile roughly triples the cost of each call, so read the
shares, not the absolute times; `bench.inprocess` gives those. Async functions count one call per
resumption, so a coroutine that awaits the database twice shows three calls per request.
"""

import argparse
import asyncio
import cProfile
import pstats

import httpx

from app import create_app
from bench.inprocess import DEMO_PASSWORD, ORGS, asgi_get
from config.settings import Settings


async def profile(path: str, requests: int) -> pstats.Stats:
    """cProfile statistics of `requests` signed-in GETs of `path`, after a warm-up."""
    app = create_app(Settings(_env_file=None, LOG_LEVEL="WARNING"), "hotspots")  # type: ignore[call-arg]
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
        call = asgi_get(app, path, headers)
        for _ in range(200):
            await call()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            await call()
        profiler.disable()
    return pstats.Stats(profiler)


def main() -> None:
    """Profile the route and print the top functions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/api/users/current")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30, help="lines per table")
    args = parser.parse_args()
    stats = asyncio.run(profile(args.path, args.requests))
    print(f"GET {args.path}, {args.requests} requests under cProfile\n")
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
