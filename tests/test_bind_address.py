"""Where gunicorn listens: loopback on the embedded store (its demo password is published), every
interface on a real deployment, and HOST overrides both."""

import os
import subprocess
import sys
from pathlib import Path

from config.gunicorn_conf import bind_address

ROOT = Path(__file__).resolve().parent.parent


def test_embedded_store_listens_on_loopback_only() -> None:
    assert bind_address({}) == "127.0.0.1:8000"


def test_real_deployment_listens_on_every_interface() -> None:
    environ = {"MONGO_DB_URI": "mongodb://db.example.net/", "PORT": "5123"}
    assert bind_address(environ) == "0.0.0.0:5123"


def test_host_overrides_the_default_on_either_store() -> None:
    assert bind_address({"HOST": "0.0.0.0"}) == "0.0.0.0:8000"  # noqa: S104
    assert bind_address({"HOST": "10.0.0.5", "MONGO_DB_URI": "mongodb://x/"}) == "10.0.0.5:8000"


def test_gunicorn_reads_the_bind_from_the_environment() -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("HOST", "MONGO_DB_URI")}
    env["PORT"] = "8123"
    result = subprocess.run(
        [sys.executable, "-c", "import config.gunicorn_conf as conf; print(conf.bind)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "127.0.0.1:8123"
