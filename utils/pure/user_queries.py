"""The filters and order of the users' lists, pure, so tests/test_real_mongodb.py can explain the
exact queries utils/users.py sends."""

from typing import Any

from models.users import Role, UserStatus
from utils.pure.search import words_condition

# The order of the users list: newest first (the `created` and `role_created` indexes).
USERS_ORDER = [("created_at", -1), ("_id", 1)]
# Every read of users for others leaves out an account that is being deleted.
LIVE: dict[str, Any] = {"status": {"$ne": UserStatus.DELETING}}


def list_users_query(role: Role | None, q: str | None) -> dict[str, Any]:
    """The filter of the users list (sorted by USERS_ORDER): by role and words in the name or
    e-mail. Pure, so a test can explain it on a server."""
    query: dict[str, Any] = dict(LIVE)
    if role is not None:
        query["role"] = role
    if q and q.strip():
        query["$and"] = words_condition(
            q, ("first_name", "middle_name", "last_name", "email_lower")
        )
    return query


def with_roles_query(roles: list[Role]) -> dict[str, Any]:
    """The filter of users with one of these roles (the dashboard's reconciliation). Pure."""
    return {"role": {"$in": [str(r) for r in roles]}, **LIVE}
