"""Build the FastAPI application: settings, lifespan (database), middleware, errors, routes."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from config.db import db
from config.errors import DEFAULT_RESPONSES, install_error_handlers
from config.logging import configure_logging
from config.middleware import ErrorShapedCORSMiddleware, RequestContextMiddleware
from config.settings import Settings, activated, get_settings
from config.version import VERSION
from docs import app as docs
from routes import auth, coordinator, events, health, housing_orgs, images, intake_profiles, users
from routes.deps import authenticate
from routes.openapi import install_openapi
from utils.startup import prepare_database

log = logging.getLogger("hosthome")

ROUTERS = [
    health.router,
    auth.router,
    users.router,
    events.router,
    events.current_router,
    images.router,
    housing_orgs.router,
    intake_profiles.router,
    coordinator.router,
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


def create_app(settings: Settings | None = None, database_name: str | None = None) -> FastAPI:
    """The application; tests pass their own settings and database name."""
    settings = settings or get_settings()
    configure_logging(settings.LOG_LEVEL, json_lines=settings.ENVIRONMENT == "production")

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        with activated(settings), db.connected(settings, database_name):
            async with _prepared_database(settings):
                yield

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
    )
    return app
