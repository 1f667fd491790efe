"""SIGTERM under load: the production server (gunicorn + uvicorn worker, as in the Procfile) lets
every in-flight request finish before it exits."""

import asyncio
import signal
import subprocess
import sys
import time

import httpx

from tests.factories import PASSWORD
from tests.server import ROOT, free_port


def _start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    env = {
        "PATH": str(ROOT / ".venv" / "bin") + ":/usr/bin:/bin",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "GRACEFUL_TIMEOUT": "20",
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


async def test_sigterm_lets_in_flight_requests_finish() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start_gunicorn(port)
    try:
        _wait_until_up(base, process)
        # No keep-alive: every request opens its own connection, so "refused after SIGTERM" and
        # "dropped while in flight" cannot be confused.
        limits = httpx.Limits(max_keepalive_connections=0, max_connections=100)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

            async def signup(i: int) -> str:
                body = {
                    "email": f"u{i}@example.org",
                    "password": PASSWORD,
                    "firstName": "U",
                    "role": "host",
                }
                try:
                    response = await http.post("/api/auth/signup", json=body)
                except httpx.ConnectError:
                    return "refused"  # arrived after the listener closed: never started
                return str(response.status_code)

            tasks = [asyncio.create_task(signup(i)) for i in range(40)]
            await asyncio.sleep(0.15)  # let the first requests reach the worker
            process.send_signal(signal.SIGTERM)
            finished_before_sigterm = sum(task.done() for task in tasks)
            outcomes = await asyncio.gather(*tasks)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert set(outcomes) <= {"201", "refused"}, outcomes
    # Requests were still in flight when the signal came, and every one of them finished.
    assert finished_before_sigterm < outcomes.count("201")
