"""What the database needs before the service is useful: indexes, seeded forms and demo data."""

import logging

from config.db import db, ensure_indexes_in_background
from config.settings import Settings
from utils import intake
from utils.flows import demo

log = logging.getLogger("hosthome.startup")


async def prepare_database(settings: Settings) -> None:
    """Create indexes (retrying until the server answers), then seed what the settings ask for."""
    await ensure_indexes_in_background(db)
    await intake.seed_forms()
    if settings.seed_demo_data:
        await demo.seed_demo_users(settings)
    log.info("database ready")
