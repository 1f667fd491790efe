"""Rate limits kept in MongoDB, so every worker and dyno shares them.

Owns the `rate_limits` collection: one counter document per key and window (a minute, or a day
for code guesses), removed by a TTL index once the next window is over. The limit is a sliding
window, estimated from two fixed windows: the current window's count plus the previous one's,
weighted by how much of it still lies within the last window's length. Unlike plain fixed windows,
that allows no double burst across a window boundary.
"""

import math
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from config.errors import too_many_requests
from config.settings import active_settings
from models.commons import utcnow
from utils.pure.deletion import ForgetUser

WINDOW_SECONDS = 60
DAY_SECONDS = 24 * 3600


def _rate_limits() -> Any:
    return db.collection("rate_limits")


async def _count(document_id: str, now: datetime, window_end: int, window_seconds: int) -> int:
    """Add one to this window's counter and return the new count."""
    update = {
        "$inc": {"count": 1},
        # Kept through the next window too, which weighs this one in.
        "$setOnInsert": {
            "expires_at": datetime.fromtimestamp(window_end + window_seconds, now.tzinfo)
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


async def _hit(key: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> None:
    now = utcnow()
    timestamp = now.timestamp()
    window = math.floor(timestamp / window_seconds)
    window_end = (window + 1) * window_seconds
    retry_after = math.ceil(window_end - timestamp)
    current = await _count(f"{key}:{window}", now, window_end, window_seconds)
    if current > limit:
        raise too_many_requests(retry_after)
    previous = await _rate_limits().find_one({"_id": f"{key}:{window - 1}"}, {"count": 1})
    if previous is not None:
        still_inside = (window_end - timestamp) / window_seconds
        if previous["count"] * still_inside + current > limit:
            raise too_many_requests(retry_after)


async def check_auth_attempt(email: str | None, client_address: str | None) -> None:
    """Count one attempt by this e-mail and this client address; 429 past either limit."""
    settings = active_settings()
    if client_address:
        await _hit(f"ip:{client_address}", settings.RATE_LIMIT_PER_IP)
    if email:
        await _hit(f"email:{email.strip().lower()}", settings.RATE_LIMIT_PER_EMAIL)


async def check_signup(client_address: str | None) -> None:
    """Count one sign-up by this client address (each hashes a password and sends an e-mail);
    429 past RATE_LIMIT_SIGNUP_PER_IP. No count per e-mail: an address gets one code, a second
    sign-up with it is a 409 that sends nothing."""
    if client_address:
        await _hit(f"signup-ip:{client_address}", active_settings().RATE_LIMIT_SIGNUP_PER_IP)


async def check_code_guess(user_id: str) -> None:
    """Count one checked code guess for this account; 429 past CODE_GUESSES_PER_DAY.

    Each code allows a few tries, but every resend or reset request brings a fresh code with fresh
    tries: this bounds the guesses per account over a day, across all its codes.
    """
    await _hit(f"code-guess:{user_id}", active_settings().CODE_GUESSES_PER_DAY, DAY_SECONDS)


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    # Counters keyed by address, e-mail or user id expire by themselves (`expires_ttl`).
    "rate_limits": None,
}
