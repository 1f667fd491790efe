"""SIGTERM under load: the production server (gunicorn + uvicorn worker, as in the Procfile) lets
every in-flight request finish before it exits."""

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from tests.factories import PASSWORD
from tests.server import ROOT, free_port


def _start_gunicorn(port: int, outbox: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": str(ROOT / ".venv" / "bin") + ":/usr/bin:/bin",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "GRACEFUL_TIMEOUT": "20",
        "EMAIL_OUTBOX_DIR": str(outbox),  # never the developer's ./outbox
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "app:app", "-c", "config/gunicorn_conf.py"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


async def test_sigterm_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start_gunicorn(port, tmp_path / "outbox")
    try:
        _wait_until_up(base, process)
        limits = httpx.Limits(max_keepalive_connections=0, max_connections=100)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

            async def slow_signup(i: int, sent_half: asyncio.Event) -> int:
                # The body trickles in over about a second, so the request is surely in flight
                # (accepted, headers read, body arriving) when SIGTERM comes.
                body = json.dumps(
                    {
                        "email": f"u{i}@example.org",
                        "password": PASSWORD,
                        "firstName": "U",
                        "role": "host",
                    }
                ).encode()
                pieces = [body[j : j + 12] for j in range(0, len(body), 12)]

                async def trickle() -> AsyncIterator[bytes]:
                    for number, piece in enumerate(pieces):
                        if number == len(pieces) // 2:
                            sent_half.set()
                        yield piece
                        await asyncio.sleep(1.0 / len(pieces))

                response = await http.post(
                    "/api/auth/signup",
                    content=trickle(),
                    headers={"content-type": "application/json"},
                )
                return response.status_code

            halves = [asyncio.Event() for _ in range(10)]
            tasks = [asyncio.create_task(slow_signup(i, halves[i])) for i in range(10)]
            await asyncio.gather(*(half.wait() for half in halves))
            process.send_signal(signal.SIGTERM)
            finished_before_sigterm = sum(task.done() for task in tasks)
            statuses = await asyncio.gather(*tasks)
            # New connections are refused once the server is draining.
            await asyncio.sleep(0.5)
            try:
                late = await http.get("/api/health")
                late_status = str(late.status_code)
            except httpx.TransportError:
                late_status = "refused"
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert finished_before_sigterm == 0
    assert statuses == [201] * 10
    assert late_status == "refused"
