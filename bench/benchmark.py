"""Benchmark the service against a bare FastAPI app, under the production server command.

    ./run.sh python -m bench.benchmark                 # the full run (a few minutes)
    ./run.sh python -m bench.benchmark --quick         # a short smoke run

Starts `gunicorn app:app -c config/gunicorn_conf.py` (the Procfile's command) on loopback with the
embedded store, and `bench.bare_app` under the same settings, both at once; drives them with wrk in
interleaved runs (bare, a route, bare, the next route, ..., bare; at least three rounds), so that
each route's ratio to bare is taken against the bare runs just before and after it, and prints per
route the median requests per second, p50 and p99, and the median ratio with its min–max over the
rounds: on a shared machine the spread says whether a change is larger than the noise. Then
/api/health while 20 sign-ins run at once; list and search cost as the data grows (in process, on
the embedded store, in CPU time, each also as a multiple of the cheapest read of the same events:
one `find` pass with a one-field projection, measured alongside); and, with --soak, a bounded
mixed load with resident-memory samples. The tables go to bench/results/latest.md and the growth
curve to bench/results/growth.png (with --quick, to a scratch folder: a smoke run's figures are
not the project's).
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from matplotlib import pyplot as plt

from app import create_app
from config.db import db
from config.settings import Settings
from models.events import EventCreate
from utils import events, users

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEMO_PASSWORD = "Test123!"  # the embedded store's documented demo password
SERVER_ENV = {
    "LOG_LEVEL": "INFO",
    "ENVIRONMENT": "production",
    # One client address drives all the load here; the limits are tested in the suite.
    "RATE_LIMIT_PER_IP": "1000000",
    "RATE_LIMIT_PER_EMAIL": "1000000",
}


def _free_port() -> int:

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(app: str, log_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run `gunicorn <app> -c config/gunicorn_conf.py` on a free loopback port."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_DB_", "WEB_CONC"))}
    env.update(SERVER_ENV, PORT=str(port), FORWARDED_ALLOW_IPS="127.0.0.1")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "-c",
                "config/gunicorn_conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(
                        f"{base}/hello" if "bare" in app else f"{base}/api/health"
                    ).is_success:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{app} did not start; see {log_path}")
                time.sleep(0.2)
            yield base, process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def wrk(url: str, duration: float, connections: int, script: str | None = None) -> dict[str, float]:
    """Run wrk and return requests/s, p50 and p99 (ms) and the count of non-2xx/3xx answers."""
    args = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{int(duration)}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    if script:
        args += ["-s", lua.name]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)\s*$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": _seconds(percentiles["50"]) * 1000 if "50" in percentiles else float("nan"),
        "p99": _seconds(percentiles["99"]) * 1000 if "99" in percentiles else float("nan"),
        "non2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",  # type: ignore[dict-item]
    }


Case = tuple[str, str, str | None, int | None]  # (name, url, wrk script, connections if not all)


def interleaved(
    bare_url: str, cases: list[Case], rounds: int, duration: float, connections: int
) -> tuple[list[dict[str, float]], dict[str, list[dict[str, float]]]]:
    """wrk runs in the order bare, case 1, bare, case 2, bare, ..., for `rounds` rounds.

    Every case run sits between two bare runs, and each result gets the key `ratio`: its
    requests/s over the mean of those two, so a slow spell of the machine weighs on both sides of
    the ratio. Returns the bare runs and each case's runs (one per round).
    """
    bare_runs = [wrk(bare_url, duration, connections)]
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in cases}
    for round_number in range(rounds):
        for name, url, script, own_connections in cases:
            result = wrk(url, duration, own_connections or connections, script)
            bare_runs.append(wrk(bare_url, duration, connections))
            result["ratio"] = result["rps"] / statistics.mean(run["rps"] for run in bare_runs[-2:])
            runs[name].append(result)
            print(
                f"  round {round_number + 1} {name}: {result['rps']:.0f} req/s,"
                f" {result['ratio']:.2f} of bare",
                flush=True,
            )
    return bare_runs, runs


def summary_row(name: str, results: list[dict[str, float]]) -> str:
    """A table row: medians over the rounds, the ratio's min–max, and every non-2xx answer."""
    ratios = [r.get("ratio", 1.0) for r in results]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    return (
        f"| {name} | {median('rps'):.0f} | {median('p50'):.2f} | {median('p99'):.2f} |"
        f" {statistics.median(ratios):.2f} | {min(ratios):.2f}–{max(ratios):.2f} |"
        f" {len(results)} | {sum(r['non2xx'] for r in results):.0f} |"
    )


def _lua(
    method: str = "GET", body: dict[str, object] | None = None, token: str | None = None
) -> str:
    lines = [f'wrk.method = "{method}"', 'wrk.headers["Content-Type"] = "application/json"']
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    if body is not None:
        lines.append(f"wrk.body = [[{json.dumps(body)}]]")
    return "\n".join(lines) + "\n"


def _event_body(i: int) -> dict[str, object]:
    start = datetime.now(UTC) + timedelta(days=1 + i % 60, hours=i % 24)
    return {
        "title": f"Orientation {i} for new hosts",
        "description": "Meet the coordinators and learn how hosting works",
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=2)).isoformat(),
        "tags": ["orientation"],
        "location": {"title": "Library", "latitude": 25.76 + (i % 50) / 100, "longitude": -80.19},
        "maxCapacity": 30,
        "public": True,
        "links": [],
        "imageIds": [],
    }


def _sign_in(base: str, email: str) -> str:
    response = httpx.post(
        f"{base}/api/auth/signin", json={"email": email, "password": DEMO_PASSWORD}
    )
    response.raise_for_status()
    return str(response.json()["token"])


def _prepare(base: str) -> str:
    """Some orgs and events to list; returns a coordinator's access token."""
    token = _sign_in(base, "coordinator@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers) as http:
        for i in range(50):
            http.post("/api/housing-orgs", json={"orgName": f"Org {i}", "programs": []})
        for i in range(200):
            http.post("/api/events", json=_event_body(i)).raise_for_status()
    return token


async def _signin_rounds(base: str, stop: asyncio.Event, timings: list[float]) -> None:
    """Rounds of 20 simultaneous sign-ins until told to stop."""
    emails = [
        "admin@example.com",
        "coordinator@example.com",
        "host@example.com",
        "guest@example.com",
    ]
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def one(email: str) -> None:
            started = time.perf_counter()
            response = await http.post(
                "/api/auth/signin", json={"email": email, "password": DEMO_PASSWORD}
            )
            response.raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)

        while not stop.is_set():
            await asyncio.gather(*(one(emails[i % 4]) for i in range(20)))


def health_during_signins(base: str, duration: float) -> tuple[dict[str, float], list[float]]:
    """wrk on /api/health (10 connections) while rounds of 20 sign-ins run."""
    timings: list[float] = []

    async def run() -> dict[str, float]:
        stop = asyncio.Event()
        signins = asyncio.create_task(_signin_rounds(base, stop, timings))
        result = await asyncio.to_thread(wrk, f"{base}/api/health", duration, 10)
        stop.set()
        await signins
        return result

    return asyncio.run(run()), timings


GROWTH_CASES = (
    ("events_list", "/api/events?limit=20"),
    ("events_search", "/api/events?q=orientation%2042&limit=20"),
    ("events_near", "/api/events?lat=25.8&lon=-80.2&radiusKm=5&limit=20"),
)


def growth(sizes: list[int]) -> list[dict[str, float]]:
    """List and search cost on the embedded store as the data grows (in process, CPU ms), each
    also as a multiple of the cheapest read of the same events measured alongside it."""
    return asyncio.run(_growth(sizes))


async def _cpu_ms(work: Awaitable[Any]) -> float:
    """CPU milliseconds of awaiting `work` (in process, all of it is this process's work)."""
    started = time.process_time()
    await work
    return (time.process_time() - started) * 1000


async def _cheapest_read() -> None:
    """The floor under any list: one `find` pass over every event with a one-field projection."""
    await db.collection("events").find({}, {"_id": 1}).to_list(None)


async def _growth_row(
    http: httpx.AsyncClient, headers: dict[str, str], repetitions: int
) -> dict[str, float]:
    """Median CPU ms of the cheapest read and of each list, and each list's multiple of it.

    Interleaved: each repetition measures the cheapest read and then every list, and a list's
    multiple is taken within its repetition, so a slow spell weighs on both sides.
    """

    async def fetch(url: str) -> None:
        (await http.get(url, headers=headers)).raise_for_status()

    samples: dict[str, list[float]] = {"cheapest_read": []}
    samples.update({name: [] for name, _ in GROWTH_CASES})
    multiples: dict[str, list[float]] = {name: [] for name, _ in GROWTH_CASES}
    await _cheapest_read()  # warm-up: the first call of each pays for one-off work
    for _, url in GROWTH_CASES:
        await fetch(url)
    for _ in range(repetitions):
        floor = await _cpu_ms(_cheapest_read())
        samples["cheapest_read"].append(floor)
        for name, url in GROWTH_CASES:
            samples[name].append(await _cpu_ms(fetch(url)))
            multiples[name].append(samples[name][-1] / floor)
    row = {name: statistics.median(values) for name, values in samples.items()}
    for name, values in multiples.items():
        row[f"{name}_x"] = statistics.median(values)
        row[f"{name}_x_min"] = min(values)
        row[f"{name}_x_max"] = max(values)
    return row


async def _growth(sizes: list[int]) -> list[dict[str, float]]:

    rows = []
    for size in sizes:
        settings = Settings(
            _env_file=None, LOG_LEVEL="WARNING", SEED_DEMO_DATA=True, RATE_LIMIT_PER_EMAIL=10**6
        )  # type: ignore[call-arg]
        app = create_app(settings, f"growth_{size}")
        async with app.router.lifespan_context(app):
            creator = await users.find_by_email("coordinator@example.com")
            assert creator is not None
            started = time.perf_counter()
            for i in range(size):
                await events.create_event(creator, EventCreate.model_validate(_event_body(i)))
            seeded = time.perf_counter() - started
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                signin = {"email": "coordinator@example.com", "password": DEMO_PASSWORD}
                token = (await http.post("/api/auth/signin", json=signin)).json()["token"]
                headers = {"Authorization": f"Bearer {token}"}
                row: dict[str, float] = {"size": size, "seed_s": seeded}
                row.update(await _growth_row(http, headers, 5 if size < 100_000 else 3))
                rows.append(row)
        print(
            f"  growth {size:>7}: "
            + ", ".join(
                f"{k} {v:.1f}"
                for k, v in row.items()
                if k != "size" and not k.endswith(("min", "max"))
            ),
            flush=True,
        )
    return rows


def plot(rows: list[dict[str, float]], path: Path) -> None:
    """The growth curve as a PNG."""
    figure, axis = plt.subplots(figsize=(7, 4.5))
    sizes = [r["size"] for r in rows]
    for key, label in (
        ("events_list", "GET /api/events"),
        ("events_search", "GET /api/events?q="),
        ("events_near", "GET /api/events?lat=&lon=&radiusKm="),
        ("cheapest_read", "cheapest read: one find pass, one-field projection"),
    ):
        axis.plot(sizes, [r[key] for r in rows], marker="o", label=label)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("documents in the collection")
    axis.set_ylabel("median CPU time per request (ms)")
    axis.set_title("List and search cost vs data size (embedded store)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def worker_rss_kib(master: subprocess.Popen[bytes]) -> int:
    """Resident memory of the gunicorn worker (the master's child), in KiB."""
    children = (
        Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text(encoding="ascii").split()
    )
    total = 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total


SOAK_LUA = """
local paths = {"/api/health", "/api/users/current", "/api/housing-orgs",
               "/api/events?q=orientation", "/api/events?lat=25.8&lon=-80.2&radiusKm=50",
               "/api/coordinator/dashboard/all"}
local n = 0
request = function()
  n = n + 1
  if n % 10 == 0 then
    return wrk.format("PATCH", "/api/users/current", nil, wrk.body)
  end
  return wrk.format("GET", paths[(n % #paths) + 1])
end
"""


def soak(
    base: str, master: subprocess.Popen[bytes], token: str, seconds: int, log_path: Path
) -> dict[str, object]:
    """A bounded mixed load with memory samples; reports 5xx, log errors and RSS growth."""
    samples: list[tuple[float, int]] = []
    # The writes (PATCH) change a user without adding documents, so the data set stays the same
    # size and resident memory can only grow by a leak.
    script = _lua("PATCH", {"phone": "+1 305 555 0100"}, token) + SOAK_LUA
    start = time.monotonic()

    async def sample() -> None:
        while time.monotonic() - start < seconds:
            samples.append((time.monotonic() - start, worker_rss_kib(master)))
            await asyncio.sleep(5)

    async def run() -> dict[str, float]:
        sampler = asyncio.create_task(sample())
        result = await asyncio.to_thread(wrk, f"{base}/", seconds, 20, script)
        await sampler
        return result

    result = asyncio.run(run())
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    statuses = Counter(re.findall(r'"status": (\d+)', log_text))
    five_xx = sum(count for status, count in statuses.items() if status.startswith("5"))
    errors = len(re.findall(r'"level": "ERROR"|Traceback', log_text))
    first_half = [rss for t, rss in samples if t < seconds / 2]
    second_half = [rss for t, rss in samples if t >= seconds / 2]
    return {
        "seconds": seconds,
        "requests_per_s": result["rps"],
        "p99_ms": result["p99"],
        "non_2xx": result["non2xx"],
        "5xx_in_log": five_xx,
        "errors_in_log": errors,
        "rss_start_mib": samples[0][1] / 1024,
        "rss_end_mib": samples[-1][1] / 1024,
        "rss_first_half_mean_mib": statistics.mean(first_half) / 1024 if first_half else 0,
        "rss_second_half_mean_mib": statistics.mean(second_half) / 1024 if second_half else 0,
    }


def _shown(path: Path) -> Path:
    """A path as the report shows it: relative to the project when inside it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds per route (at least 3)"
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="data sizes for the growth curve"
    )
    parser.add_argument("--soak", type=int, default=120, help="seconds of mixed load (0 to skip)")
    parser.add_argument(
        "--quick", action="store_true", help="3 s runs, 3 rounds, sizes 100,1000, 20 s soak"
    )
    parser.add_argument("--soak-only", action="store_true", help="only the soak")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: fewer give no spread worth the name")
    return args


def soak_only(seconds: int) -> None:
    """Just the soak, on a fresh server."""
    with tempfile.TemporaryDirectory() as tmp:
        soak_log = Path(tmp) / "soak.log"
        with gunicorn("app:app", soak_log) as (base, master):
            result = soak(base, master, _prepare(base), seconds, soak_log)
    print("\n".join(f"| {key} | {value} |" for key, value in result.items()))


def main() -> None:
    """Run everything and print the tables."""
    args = _arguments()
    if args.quick:
        args.duration, args.rounds, args.sizes, args.soak = 3, 3, "100,1000", 20
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    # A smoke run's figures are not the project's figures: they go to a scratch folder.
    results = Path(tempfile.gettempdir()) / "hosthome-bench-quick" if args.quick else RESULTS
    results.mkdir(parents=True, exist_ok=True)
    if args.soak_only:
        soak_only(args.soak or 120)
        return
    command = " ".join(["./run.sh python -m bench.benchmark", *sys.argv[1:]])
    report: list[str] = [
        f"# Benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`{command}` on {os.cpu_count()} cores (load average before:"
        f" {os.getloadavg()[0]:.1f}); wrk -t2 -c{args.connections} -d{int(args.duration)}s;"
        f" one gunicorn worker each; {args.rounds} interleaved rounds.",
        "",
    ]

    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "app.log"
        with (
            gunicorn("bench.bare_app:app", Path(tmp) / "bare.log") as (bare_base, _),
            gunicorn("app:app", log_path) as (base, master),
        ):
            token = _prepare(base)
            reads: list[Case] = [
                ("GET /api/health", f"{base}/api/health", None, None),
                ("GET /api/users/current", f"{base}/api/users/current", _lua(token=token), None),
                ("GET /api/housing-orgs", f"{base}/api/housing-orgs", _lua(token=token), None),
                # Slow enough that 50 connections queue for seconds and a short run completes
                # next to nothing (every queued request finishes near the end): 10 connections.
                (
                    "GET /api/events?q=orientation (10 connections)",
                    f"{base}/api/events?q=orientation",
                    None,
                    10,
                ),
            ]
            bare_url = f"{bare_base}/hello"
            bare_runs, runs = interleaved(
                bare_url, reads, args.rounds, args.duration, args.connections
            )
            # Writes last, in their own rounds: the events they add would slow later rounds of
            # the word search and widen its spread.
            write: Case = (
                "POST /api/events",
                f"{base}/api/events",
                _lua("POST", _event_body(1), token),
                None,
            )
            more_bare, write_runs = interleaved(
                bare_url, [write], args.rounds, args.duration, args.connections
            )
            bare_runs += more_bare
            runs.update(write_runs)
            alone = wrk(f"{base}/api/health", args.duration, 10)
            during, signin_ms = health_during_signins(base, args.duration)
        soak_result = None
        if args.soak:
            # A fresh server, so the soak starts from the same small data set every time.
            soak_log = Path(tmp) / "soak.log"
            with gunicorn("app:app", soak_log) as (base, master):
                token = _prepare(base)
                soak_result = soak(base, master, token, args.soak, soak_log)

    report += [
        "| route | req/s | p50 ms | p99 ms | vs bare | vs bare min–max | runs | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        summary_row("bare FastAPI GET /hello", bare_runs),
        *(summary_row(name, results) for name, results in runs.items()),
        "",
        "Medians over the rounds; each run's ratio is to the mean of the bare runs just before"
        " and after it.",
    ]
    report += [
        "",
        "",
        "| /api/health, 10 connections | p50 ms | p99 ms |",
        "|---|---:|---:|",
        f"| alone | {alone['p50']:.2f} | {alone['p99']:.2f} |",
        f"| while rounds of 20 sign-ins run | {during['p50']:.2f} | {during['p99']:.2f} |",
        "",
        f"Sign-ins during that run: {len(signin_ms)}, median"
        f" {statistics.median(signin_ms):.0f} ms, max {max(signin_ms):.0f} ms.",
        "",
    ]

    sizes = [int(s) for s in args.sizes.split(",")]
    growth_rows = growth(sizes)
    plot(growth_rows, results / "growth.png")
    report += [
        "| events | cheapest read ms | GET /api/events ms (×) | ?q= (words) ms (×)"
        " | ?lat=&lon=&radiusKm=5 ms (×) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in growth_rows:
        cells = [
            f"{row[name]:.1f} ({row[f'{name}_x']:.1f}×, {row[f'{name}_x_min']:.1f}–"
            f"{row[f'{name}_x_max']:.1f})"
            for name, _ in GROWTH_CASES
        ]
        report.append(
            f"| {int(row['size'])} | {row['cheapest_read']:.1f} | " + " | ".join(cells) + " |"
        )
    report += [
        "",
        "Growth measured in process on the embedded store, in CPU time per request (median of 5"
        " interleaved repetitions, 3 at 100,000). The cheapest read is one `find` pass over every"
        " event with a one-field projection, measured in each repetition; (×) is each list's"
        " cost as a multiple of it (median, min–max over the repetitions). Plot:"
        f" {_shown(results / 'growth.png')}.",
        "",
    ]
    if soak_result:
        report += ["| soak | value |", "|---|---:|"]
        report += [
            f"| {k} | {v:.1f} |" if isinstance(v, float) else f"| {k} | {v} |"
            for k, v in soak_result.items()
        ]
    text = "\n".join(report) + "\n"
    (results / "latest.md").write_text(text, encoding="utf-8")
    print("\n" + text + f"\nWritten to {results / 'latest.md'} and {results / 'growth.png'}.")


if __name__ == "__main__":
    main()
