"""Rate limits kept in MongoDB, so every worker and dyno shares them.

Owns the `rate_limits` collection: one counter document per key and minute, removed by a TTL index
once the next minute is over. The limit is a sliding window, estimated from two fixed windows: the
current minute's count plus the previous minute's, weighted by how much of it still lies within
the last 60 seconds. Unlike plain fixed windows, that allows no double burst across a minute
boundary.
"""

import math
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from config.settings import active_settings
from models.commons import utcnow
from utils.errors import too_many_requests

WINDOW_SECONDS = 60


def _rate_limits() -> Any:
    return db.collection("rate_limits")


async def _count(document_id: str, now: datetime, window_end: int) -> int:
    """Add one to this window's counter and return the new count."""
    update = {
        "$inc": {"count": 1},
        # Kept through the next window too, which weighs this one in.
        "$setOnInsert": {
            "expires_at": datetime.fromtimestamp(window_end + WINDOW_SECONDS, now.tzinfo)
        },
    }
    try:
        counter = await _rate_limits().find_one_and_update(
            {"_id": document_id}, update, upsert=True, return_document=ReturnDocument.AFTER
        )
    except DuplicateKeyError:
        # Two first hits raced on the upsert; the document exists now.
        counter = await _rate_limits().find_one_and_update(
            {"_id": document_id}, update, return_document=ReturnDocument.AFTER
        )
    return int(counter["count"])


async def _hit(key: str, limit: int) -> None:
    now = utcnow()
    timestamp = now.timestamp()
    window = math.floor(timestamp / WINDOW_SECONDS)
    window_end = (window + 1) * WINDOW_SECONDS
    retry_after = math.ceil(window_end - timestamp)
    current = await _count(f"{key}:{window}", now, window_end)
    if current > limit:
        raise too_many_requests(retry_after)
    previous = await _rate_limits().find_one({"_id": f"{key}:{window - 1}"}, {"count": 1})
    if previous is not None:
        still_inside = (window_end - timestamp) / WINDOW_SECONDS
        if previous["count"] * still_inside + current > limit:
            raise too_many_requests(retry_after)


async def check_auth_attempt(email: str | None, client_address: str | None) -> None:
    """Count one attempt by this e-mail and this client address; 429 past either limit."""
    settings = active_settings()
    if client_address:
        await _hit(f"ip:{client_address}", settings.RATE_LIMIT_PER_IP)
    if email:
        await _hit(f"email:{email.strip().lower()}", settings.RATE_LIMIT_PER_EMAIL)
