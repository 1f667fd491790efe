"""Cases: every guest and host has one, from sign-up or invitation on.

Owns the `cases` collection (one document per user, keyed by the user's id).
"""

import contextlib
from typing import Any

from pymongo.errors import DuplicateKeyError

from config.db import db
from models.commons import utcnow
from models.users import Role

CASE_ROLES = (Role.GUEST, Role.HOST)


def _cases() -> Any:
    return db.collection("cases")


async def open_case(user_id: str, role: Role, coordinator_id: str | None = None) -> None:
    """Give a guest or host their case (status `new`); other roles have none. Idempotent."""
    if role not in CASE_ROLES:
        return
    now = utcnow()
    with contextlib.suppress(DuplicateKeyError):
        await _cases().insert_one(
            {
                "_id": user_id,
                "user_type": str(role),
                "case_status": "new",
                "coordinator_id": coordinator_id,
                "notes": None,
                "created_at": now,
                "last_updated": now,
            }
        )


async def delete_case(user_id: str) -> None:
    """Remove a user's case (account deleted)."""
    await _cases().delete_one({"_id": user_id})


async def get_case_status(user_id: str) -> str | None:
    """The case status of a user, or None when they have no case."""
    case = await _cases().find_one({"_id": user_id}, {"case_status": 1})
    return case["case_status"] if case else None


async def get_case_coordinator(user_id: str) -> str | None:
    """The id of the coordinator assigned to a user's case, if any."""
    case = await _cases().find_one({"_id": user_id}, {"coordinator_id": 1})
    return case.get("coordinator_id") if case else None
