"""GET /api/health."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from fastapi import APIRouter

from config.version import VERSION
from docs import health as docs
from models.health import Health
from utils.flows import health

router = APIRouter(prefix="/api/health", tags=["health"])


@router.get("", summary=docs.HEALTH_SUMMARY, description=docs.HEALTH_DESCRIPTION)
async def get_health() -> Health:
    await health.check_database()
    return Health(version=VERSION)
