"""Six-digit codes sent by e-mail: stored keyed-hashed, single use, 24 hours, 5 tries each.

Owns the `verification_codes` collection. A code is identified by its purpose and user, so issuing
a new one replaces the old one.
"""

import hmac
import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any

from pymongo import ReturnDocument

from config.db import db
from config.errors import CodeExpired, InvalidCode, too_many_requests
from config.settings import active_settings
from models.commons import utcnow
from utils import rate_limits
from utils.pure.deletion import ForgetUser
from utils.pure.tokens import keyed_digest

CODE_LIFETIME = timedelta(hours=24)
MAX_TRIES = 5


class Purpose(StrEnum):
    """What a code proves."""

    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"
    INVITE = "invite"


def _codes() -> Any:
    return db.collection("verification_codes")


async def issue_code(purpose: Purpose, user_id: str) -> str:
    """A fresh code for this purpose and user, replacing any earlier one."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = utcnow()
    await _codes().replace_one(
        {"_id": f"{purpose}:{user_id}"},
        {
            "hash": keyed_digest(active_settings(), code),
            "created_at": now,
            "expires_at": now + CODE_LIFETIME,
            # Kept a day past expiry so a late try hears "expired", then removed by a TTL index.
            "purge_at": now + CODE_LIFETIME + timedelta(days=1),
            "tries": 0,
        },
        upsert=True,
    )
    return code


async def consume_code(purpose: Purpose, user_id: str | None, code: str) -> None:
    """Accept the code once, or raise InvalidCode, CodeExpired or 429 after too many tries.

    The try is counted before the comparison, in one atomic update, so parallel guesses cannot
    get more than MAX_TRIES between them; and each guess counts against the account's daily
    allowance across codes (rate_limits.check_code_guess).
    """
    if user_id is None:
        raise InvalidCode()
    await rate_limits.check_code_guess(user_id)
    key = f"{purpose}:{user_id}"
    stored = await _codes().find_one_and_update(
        {"_id": key, "tries": {"$lt": MAX_TRIES}},
        {"$inc": {"tries": 1}},
        return_document=ReturnDocument.AFTER,
    )
    if stored is None:
        if await _codes().find_one({"_id": key}, {"_id": 1}) is not None:
            raise too_many_requests(retry_after=60)
        raise InvalidCode()
    if stored["expires_at"] <= utcnow():
        raise CodeExpired()
    if not hmac.compare_digest(stored["hash"], keyed_digest(active_settings(), code.strip())):
        raise InvalidCode()
    deleted = await _codes().delete_one({"_id": key, "hash": stored["hash"]})
    if deleted.deleted_count != 1:
        raise InvalidCode()  # used by a parallel request a moment ago


async def discard_codes(user_id: str) -> None:
    """Remove every code of a user (account deleted)."""
    await _codes().delete_many({"_id": {"$in": [f"{p}:{user_id}" for p in Purpose]}})


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "verification_codes": discard_codes,
}
