"""Run the real server in a subprocess on a free loopback port (for browser and signal tests)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(command: list[str] | None = None, **env: str) -> Iterator[str]:
    """Start the app (uvicorn by default) and yield its base URL once /api/health answers."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MONGO_DB_")}
    # Mail goes to a fresh temporary folder unless the caller names one: never ./outbox.
    outbox = tempfile.mkdtemp(prefix="hosthome-outbox-")
    environment.update(
        {"PORT": str(port), "LOG_LEVEL": "WARNING", "EMAIL_OUTBOX_DIR": outbox, **env}
    )
    args = command or [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port)]
    process = subprocess.Popen(args, cwd=ROOT, env=environment)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(outbox, ignore_errors=True)
