"""/docs renders its operations in a real browser with no internet (assets served by the app)."""

import os
import shutil
import subprocess
import tempfile

import pytest

from tests.server import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.browser


def _render(url: str) -> str:
    assert CHROMIUM
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(  # noqa: S603
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    return result.stdout


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="chromium is not installed (apt-get install chromium); CI installs it",
)
def test_docs_and_redoc_render_every_operation_offline() -> None:
    with running_server() as base:
        swagger = _render(f"{base}/docs")
        assert "opblock-summary-path" in swagger, swagger[:2000]
        assert "/api/health" in swagger
        redoc = _render(f"{base}/redoc")
        assert "Check the service and its database" in redoc, redoc[:2000]
