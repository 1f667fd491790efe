"""The roof: build the FastAPI application (settings, lifespan, middleware, errors, routes).

The ASGI entry point is `app` at the bottom: `gunicorn app:app` (see Procfile) or `uvicorn app:app`.
"""

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline
from pydantic import ValidationError

from config.db import db
from config.logging import configure_logging
from config.settings import Settings, activated, get_settings
from config.version import VERSION
from docs import app as docs
from routes import (
    auth,
    coordinator,
    events,
    feedback,
    health,
    housing_orgs,
    images,
    intake_profiles,
    users,
)
from routes.deps import authenticate
from routes.http.error_responses import DEFAULT_RESPONSES, install_error_handlers
from routes.http.middleware import (
    ErrorShapedCORSMiddleware,
    ForwardedClientMiddleware,
    RequestContextMiddleware,
)
from routes.http.webapp import install_web_app
from routes.openapi import install_openapi
from utils.flows import email
from utils.flows.startup import prepare_database

log = logging.getLogger("hosthome")

# How long shutdown waits for mail still being sent; what is left is logged (see utils.flows.email).
MAIL_DRAIN_SECONDS = 15.0

# Requests are matched against the routers in this order, route by route, so the most requested
# come first and the auth router (18 routes, each request's own prefix) comes last; no two routers
# share a path (tests/test_request_cost.py checks it), so the order changes nothing else.
ROUTERS = [
    health.router,
    users.router,
    housing_orgs.router,
    events.router,
    feedback.router,
    users.current_router,
    images.router,
    intake_profiles.router,
    intake_profiles.web_app_router,
    coordinator.router,
    auth.router,
]


@contextlib.asynccontextmanager
async def _prepared_database(settings: Settings) -> AsyncIterator[None]:
    """Indexes and seed data before serving; start anyway when the server is not reachable yet.

    Health answers 503 meanwhile, and the setup finishes by itself when the database comes back.
    """
    setup = asyncio.create_task(prepare_database(settings))
    try:
        await asyncio.wait_for(asyncio.shield(setup), timeout=settings.DB_TIMEOUT_MS / 1000 + 1)
    except TimeoutError:
        log.warning("database not reachable at start-up; setup continues in the background")
    try:
        yield
    finally:
        setup.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await setup


def _clear_stale_outbox(settings: Settings) -> None:
    """The embedded store starts empty, so codes written to the outbox by an earlier run point
    at accounts that no longer exist: remove them (never on a real database)."""
    removed = email.clear_outbox(Path(settings.EMAIL_OUTBOX_DIR))
    if removed:
        log.warning(
            "embedded store: removed %d stale e-mails from %s", removed, settings.EMAIL_OUTBOX_DIR
        )


def create_app(settings: Settings | None = None, database_name: str | None = None) -> FastAPI:
    """The application; tests pass their own settings and database name."""
    settings = settings or get_settings()
    configure_logging(settings.LOG_LEVEL, json_lines=settings.ENVIRONMENT == "production")

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        with activated(settings), db.connected(settings, database_name):
            if settings.embedded:
                _clear_stale_outbox(settings)
            elif not settings.FRONTEND_URL:
                log.warning(
                    "FRONTEND_URL is not set: e-mails carry their codes but no links, and the web"
                    " app cannot complete invitations; set it to the web app's URL"
                )
            async with _prepared_database(settings):
                yield
                # Mail still being sent (codes, cancellations) finishes before the database goes.
                await email.drain(within_seconds=MAIL_DRAIN_SECONDS)

    app = FastAPIOffline(
        title=docs.TITLE,
        description=docs.DESCRIPTION,
        version=VERSION,
        openapi_tags=docs.TAGS,
        responses=DEFAULT_RESPONSES,
        lifespan=lifespan,
        dependencies=[Depends(authenticate)],
        swagger_ui_parameters={"persistAuthorization": True},
    )
    app.state.settings = settings
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    if settings.WEBAPP_DIR:
        install_web_app(app, settings.WEBAPP_DIR)
    install_openapi(app)
    app.add_middleware(
        ErrorShapedCORSMiddleware,
        allow_origins=settings.CORS_ORIGINS,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "ETag", "Location", "Retry-After", "WWW-Authenticate"],
    )
    app.add_middleware(
        RequestContextMiddleware,
        max_json_bytes=settings.MAX_JSON_BYTES,
        max_upload_bytes=settings.MAX_UPLOAD_BYTES,
        body_timeout_seconds=settings.BODY_TIMEOUT_SECONDS,
    )
    # Outermost: every later layer and the access log see the client's real address.
    app.add_middleware(ForwardedClientMiddleware, trusted=settings.FORWARDED_ALLOW_IPS)
    return app


# The ASGI app, built from the environment. An unsafe configuration stops the import with one
# clear line and a non-zero exit, instead of a trace.
try:
    get_settings()
except ValidationError as exc:
    problems = "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
    )
    print(f"configuration error: {problems}", file=sys.stderr)
    raise SystemExit(1) from None

app = create_app()
