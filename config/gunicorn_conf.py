"""Gunicorn settings shared by the Procfile and run.sh: uvicorn workers, $PORT, WEB_CONCURRENCY."""

import os
import sys
from collections.abc import Mapping


def bind_address(environ: Mapping[str, str]) -> str:
    """host:port to listen on: loopback on the embedded store unless HOST says otherwise.

    The embedded store seeds demo users whose password the README publishes, so it must not be
    reachable from the network by default; a real deployment (MONGO_DB_URI set) listens on every
    interface, as Heroku's router needs.
    """
    default_host = "0.0.0.0" if environ.get("MONGO_DB_URI") else "127.0.0.1"  # noqa: S104
    host = environ.get("HOST") or default_host
    return f"{host}:{environ.get('PORT') or '8000'}"


bind = bind_address(os.environ)
# uvicorn's worker with a deadline on request headers (routes/http/server.py).
worker_class = "routes.http.server.Worker"

if os.environ.get("MONGO_DB_URI"):
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
else:
    # Each worker would hold its own in-memory database: users signed up in one would not exist
    # in the next. One worker keeps the embedded default coherent.
    workers = 1
    print(
        "gunicorn: embedded in-memory database (no MONGO_DB_URI), so starting 1 worker",
        file=sys.stderr,
    )

# Let in-flight requests finish on SIGTERM (Heroku allows 30 s before SIGKILL).
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "25"))
timeout = 60
keepalive = 5
# X-Forwarded-For is read by the app (routes/http/middleware.py, FORWARDED_ALLOW_IPS);
# kept for gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app writes its own access log line (with the request id); gunicorn's would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
