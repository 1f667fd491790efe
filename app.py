"""The ASGI entry point: `gunicorn app:app` (see Procfile) or `uvicorn app:app`."""

import sys

from pydantic import ValidationError

from config.main import create_app
from config.settings import get_settings

try:
    get_settings()
except ValidationError as exc:
    # One clear line and a non-zero exit, instead of a trace, when the configuration is unsafe.
    problems = "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
    )
    print(f"configuration error: {problems}", file=sys.stderr)
    raise SystemExit(1) from None

app = create_app()
