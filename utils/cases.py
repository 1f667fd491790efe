"""Cases: every guest and host has one, from sign-up or invitation on.

Owns the `cases` collection (one document per user, keyed by the user's id). Every change sets
`last_updated` to the time of that change. A case whose document is missing is created on its
first change (an upsert), so no caller has to care whether it exists yet.
"""

import contextlib
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from models.cases import CaseDocument, CaseStatus
from models.commons import utcnow
from models.users import Role
from utils.pure.deletion import ForgetUser

CASE_ROLES = (Role.GUEST, Role.HOST)
# Saving or submitting an intake profile moves a case out of these statuses (see profile_saved).
_OPEN_FOR_DRAFT = (CaseStatus.NEW,)
_OPEN_FOR_SUBMISSION = (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.NEEDS_INFO)
# The dashboard's order: most recently changed first (the `*_updated` indexes).
DASHBOARD_ORDER = [("last_updated", -1), ("_id", 1)]


def _cases() -> Any:
    return db.collection("cases")


def _on_insert(
    role: Role, coordinator_id: str | None, now: Any, *, skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The fields a case gets when an upsert creates it, less those the update itself sets."""
    fields = CaseDocument(
        user_type=role, coordinator_id=coordinator_id, created_at=now, last_updated=now
    ).to_document()
    for name in ("_id", "user_type", *skip):
        fields.pop(name, None)
    return fields


async def open_case(user_id: str, role: Role, coordinator_id: str | None = None) -> None:
    """Give a guest or host their case (status `new`); other roles have none. Idempotent.

    An existing case follows the user's role: a guest who becomes a host keeps their case as a
    host's, and a user who leaves both roles keeps the case for its history but off the dashboard.
    """
    if role not in CASE_ROLES:
        await _cases().update_one({"_id": user_id}, {"$set": {"user_type": None}})
        return
    with contextlib.suppress(DuplicateKeyError):  # two upserts racing: the other one created it
        await _cases().update_one(
            {"_id": user_id},
            {
                "$set": {"user_type": str(role)},
                "$setOnInsert": _on_insert(role, coordinator_id, utcnow()),
            },
            upsert=True,
        )
    if coordinator_id is not None:  # a case opened meanwhile by a repair still gets its coordinator
        await _cases().update_one(
            {"_id": user_id, "coordinator_id": None}, {"$set": {"coordinator_id": coordinator_id}}
        )


async def delete_case(user_id: str) -> None:
    """Remove a user's case (account deleted)."""
    await _cases().delete_one({"_id": user_id})


async def unassign_coordinator(coordinator_id: str) -> None:
    """Take a coordinator off every case assigned to them (their account deleted)."""
    await _cases().update_many(
        {"coordinator_id": coordinator_id},
        {"$set": {"coordinator_id": None, "last_updated": utcnow()}},
    )


async def get_case(user_id: str) -> dict[str, Any] | None:
    """The stored case of this user, or None."""
    return await _cases().find_one({"_id": user_id})


def dashboard_query(
    user_types: list[Role], case_status: CaseStatus | None, coordinator_id: str | None
) -> dict[str, Any]:
    """The filter of the dashboard's cases (sorted by DASHBOARD_ORDER). Pure, so a test can
    explain it on a server."""
    query: dict[str, Any] = {"user_type": {"$in": [str(t) for t in user_types]}}
    if case_status is not None:
        query["case_status"] = str(case_status)
    if coordinator_id is not None:
        query["coordinator_id"] = coordinator_id
    return query


async def list_cases(
    *,
    user_types: list[Role],
    case_status: CaseStatus | None = None,
    coordinator_id: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the open cases that match, most recently changed first, and how many match.

    One round trip: the filter (served by the indexes) and then a `$facet` that both counts and
    pages what it let through.
    """
    query = dashboard_query(user_types, case_status, coordinator_id)
    page = [{"$sort": dict(DASHBOARD_ORDER)}, {"$skip": offset}, {"$limit": max(limit, 1)}]
    pipeline = [{"$match": query}, {"$facet": {"items": page, "total": [{"$count": "n"}]}}]
    # One document always on a server; the embedded store gives none when nothing matched.
    result: dict[str, Any] = next(
        iter(await _cases().aggregate(pipeline).to_list(None)), {"items": [], "total": []}
    )
    total = result["total"][0]["n"] if result["total"] else 0
    return (result["items"] if limit > 0 else []), total


async def count_open_cases() -> int:
    """How many cases belong to a current guest or host."""
    return int(await _cases().count_documents(dashboard_query(list(CASE_ROLES), None, None)))


async def open_case_ids() -> set[str]:
    """The user ids of every case on the dashboard (for reconciling with the users)."""
    query = dashboard_query(list(CASE_ROLES), None, None)
    documents = await _cases().find(query, {"_id": 1}).to_list(None)
    return {d["_id"] for d in documents}


async def update_case(user_id: str, role: Role, changes: dict[str, Any]) -> dict[str, Any]:
    """Set `coordinator_id`, `case_status` and/or `notes` (those given); returns the case.

    Creates the case when it is missing. With no changes the case is returned as it is.
    """
    allowed = {
        k: (str(v) if k == "case_status" else v)
        for k, v in changes.items()
        if k in ("coordinator_id", "case_status", "notes")
    }
    now = utcnow()
    update: dict[str, Any] = {
        "$set": {**allowed, "user_type": str(role)},
        "$setOnInsert": _on_insert(role, None, now, skip=tuple(allowed)),
    }
    if allowed:
        update["$set"]["last_updated"] = now
        update["$setOnInsert"].pop("last_updated", None)
    for _ in range(2):  # a DuplicateKeyError means a racing upsert created it: the retry updates
        with contextlib.suppress(DuplicateKeyError):
            document: dict[str, Any] = await _cases().find_one_and_update(
                {"_id": user_id}, update, upsert=True, return_document=ReturnDocument.AFTER
            )
            return document
    raise RuntimeError("the case could not be written")  # pragma: no cover


async def _move(
    user_id: str, role: Role, from_statuses: tuple[CaseStatus, ...], to: CaseStatus
) -> None:
    """Move the case to `to` if it is in one of `from_statuses` (creating it if missing)."""
    now = utcnow()
    with contextlib.suppress(DuplicateKeyError):  # the case exists in another status: unchanged
        await _cases().update_one(
            {"_id": user_id, "case_status": {"$in": [str(s) for s in from_statuses]}},
            {
                "$set": {"case_status": str(to), "last_updated": now, "user_type": str(role)},
                "$setOnInsert": _on_insert(role, None, now, skip=("case_status", "last_updated")),
            },
            upsert=True,
        )


async def profile_saved(user_id: str, role: Role, *, submitted: bool) -> None:
    """Let the case follow the user's intake profile.

    A first draft moves a `new` case to `in_progress`. A submission moves a `new`, `in_progress`
    or `needs_info` case to `in_progress` (a coordinator now has something to review) and counts
    as a change of the case. Approved, denied and matched cases are left alone.
    """
    if role not in CASE_ROLES:
        return
    if submitted:
        await _move(user_id, role, _OPEN_FOR_SUBMISSION, CaseStatus.IN_PROGRESS)
    else:
        await _move(user_id, role, _OPEN_FOR_DRAFT, CaseStatus.IN_PROGRESS)


async def record_review(
    user_id: str, role: Role, decision: CaseStatus, note: str | None, reviewer_name: str
) -> None:
    """A coordinator's review of the intake profile: the case takes the decision as its status,
    and the note (with date, decision and reviewer) is appended to the case notes."""
    if role not in CASE_ROLES:
        return
    now = utcnow()
    await update_case(user_id, role, {"case_status": decision})
    if note and note.strip():
        line = f"{now:%Y-%m-%d} {reviewer_name} ({decision}): {note.strip()}"
        await append_note(user_id, line)


async def append_note(user_id: str, line: str) -> None:
    """Add a line to the case notes in one atomic update (no lost note when two append at once)."""
    existing = {"$ifNull": ["$notes", ""]}
    separator = {"$cond": [{"$eq": [existing, ""]}, "", "\n"]}
    await _cases().update_one(
        {"_id": user_id},
        [
            {
                "$set": {
                    "notes": {"$concat": [existing, separator, line]},
                    "last_updated": utcnow(),
                }
            }
        ],
    )


async def forget_user(user_id: str) -> None:
    """Remove the user's own case, then take them off the cases they coordinate."""
    await delete_case(user_id)
    await unassign_coordinator(user_id)


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "cases": forget_user,
}
