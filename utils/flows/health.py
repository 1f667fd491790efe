"""Health of the service's dependencies."""

import asyncio

from config.db import db
from config.errors import DatabaseUnavailable

# Answer a health check before a load balancer's usual 5-second timeout runs out.
HEALTH_TIMEOUT_SECONDS = 4.5


async def check_database() -> None:
    """One round trip to the database; DatabaseUnavailable (503) when it does not answer in time."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await db.ping()
    except TimeoutError as exc:
        raise DatabaseUnavailable() from exc
