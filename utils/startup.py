"""What the database needs before the service is useful: indexes, seeded forms and demo data."""

import logging

from config.db import db, ensure_indexes_in_background
from config.settings import Settings

log = logging.getLogger("hosthome.startup")


async def prepare_database(settings: Settings) -> None:
    """Create indexes (retrying until the server answers), then seed what the settings ask for."""
    await ensure_indexes_in_background(db)
    del settings  # used by the seeders added with the feature modules
    log.info("database ready")
