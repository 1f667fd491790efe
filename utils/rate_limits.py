"""Fixed-window rate limits kept in MongoDB, so every worker and dyno shares them.

Owns the `rate_limits` collection: one document per key and minute, removed by a TTL index.
"""

import math

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from config.settings import active_settings
from models.commons import utcnow
from utils.errors import too_many_requests

WINDOW_SECONDS = 60


async def _hit(key: str, limit: int) -> None:
    now = utcnow()
    window = math.floor(now.timestamp() / WINDOW_SECONDS)
    window_end = (window + 1) * WINDOW_SECONDS
    document_id = f"{key}:{window}"
    collection = db.collection("rate_limits")
    update = {
        "$inc": {"count": 1},
        "$setOnInsert": {"expires_at": now.fromtimestamp(window_end, now.tzinfo)},
    }
    try:
        counter = await collection.find_one_and_update(
            {"_id": document_id}, update, upsert=True, return_document=ReturnDocument.AFTER
        )
    except DuplicateKeyError:
        # Two first hits raced on the upsert; the document exists now.
        counter = await collection.find_one_and_update(
            {"_id": document_id}, update, return_document=ReturnDocument.AFTER
        )
    if counter["count"] > limit:
        raise too_many_requests(retry_after=math.ceil(window_end - now.timestamp()))


async def check_auth_attempt(email: str | None, client_address: str | None) -> None:
    """Count one attempt by this e-mail and this client address; 429 past either limit."""
    settings = active_settings()
    if client_address:
        await _hit(f"ip:{client_address}", settings.RATE_LIMIT_PER_IP)
    if email:
        await _hit(f"email:{email.strip().lower()}", settings.RATE_LIMIT_PER_EMAIL)
