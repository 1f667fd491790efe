"""The coordinator dashboard: cases joined with their users and intake profiles.

Touches no collection itself: cases come from utils.cases, people from utils.users and profile
statuses from utils.intake.
"""

import logging
from typing import Any

from models.cases import CaseStatus, CaseUpdate, DashboardItem
from models.commons import Page
from models.intake import ProfileStatus
from models.users import Role, User
from utils import cases, intake, users
from utils.errors import UserNotFound, ValidationFailed

log = logging.getLogger("hosthome.dashboard")

STAFF_ROLES = (Role.COORDINATOR, Role.ADMIN)


async def reconcile_cases() -> None:
    """Make the cases match the users: a case for every guest and host, none on the dashboard
    for anyone else. Cheap when they already match (two counts); otherwise one pass.

    Every guest and host gets a case when they sign up or are invited, so a mismatch means an
    interrupted write (or data older than that rule); it is repaired, not shown as a crash.
    """
    case_roles = list(cases.CASE_ROLES)
    if await cases.count_open_cases() == await users.count_with_roles(case_roles):
        return
    people = await users.roles_with_roles(case_roles)
    open_ids = await cases.open_case_ids()
    for user_id in people.keys() - open_ids:
        await cases.open_case(user_id, people[user_id])
    strays = list(open_ids - people.keys())
    still_there = await users.get_users(strays)
    for user_id in strays:
        if user_id in still_there:  # now of another role: the case leaves the dashboard
            await cases.open_case(user_id, still_there[user_id].role)
        else:  # the user is gone
            await cases.delete_case(user_id)
    log.warning(
        "cases reconciled: %d opened, %d closed", len(people.keys() - open_ids), len(strays)
    )


def _item(
    case: dict[str, Any],
    person: User,
    people: dict[str, User],
    statuses: dict[str, ProfileStatus],
) -> DashboardItem:
    coordinator = people.get(case.get("coordinator_id") or "")
    return DashboardItem(
        user_id=person.id,
        user_name=users.display_name(person),
        user_type=person.role,
        case_status=CaseStatus(case.get("case_status", CaseStatus.NEW)),
        coordinator_id=case.get("coordinator_id"),
        coordinator_name=users.display_name(coordinator) if coordinator else None,
        last_updated=case["last_updated"],
        notes=case.get("notes"),
        profile_status=statuses.get(person.id, ProfileStatus.NEW),
    )


async def _items(documents: list[dict[str, Any]]) -> list[DashboardItem]:
    """Dashboard items for these cases, in their order; a case whose user is gone is left out."""
    ids = {d["_id"] for d in documents} | {
        d["coordinator_id"] for d in documents if d.get("coordinator_id")
    }
    people = await users.get_users(list(ids))
    present = [people[d["_id"]] for d in documents if d["_id"] in people]
    statuses = await intake.profile_statuses(present)
    return [_item(d, people[d["_id"]], people, statuses) for d in documents if d["_id"] in people]


async def list_dashboard(
    caller: User,
    *,
    user_type: Role | None = None,
    case_status: CaseStatus | None = None,
    mine: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> Page[DashboardItem]:
    """A page of every guest's and host's case, most recently changed first.

    `mine` keeps the cases assigned to the caller.
    """
    await reconcile_cases()
    documents, total = await cases.list_cases(
        user_types=[user_type] if user_type else list(cases.CASE_ROLES),
        case_status=case_status,
        coordinator_id=caller.id if mine else None,
        limit=limit,
        offset=offset,
    )
    return Page[DashboardItem](
        items=await _items(documents), total=total, limit=limit, offset=offset
    )


async def _case_user(user_id: str) -> User:
    user = await users.get_user(user_id)
    if user.role not in cases.CASE_ROLES:
        raise UserNotFound("No guest or host has this id; only they have cases.")
    return user


async def update_case(user_id: str, body: CaseUpdate) -> DashboardItem:
    """Assign a coordinator, set the status and/or write the notes of a guest's or host's case.

    UserNotFound for anyone else; ValidationFailed when `coordinatorId` is not a coordinator's
    or admin's id, or `caseStatus` is null.
    """
    user = await _case_user(user_id)
    changes = body.model_dump(exclude_unset=True)
    if "case_status" in changes and changes["case_status"] is None:
        raise ValidationFailed(
            details=[{"field": "body.caseStatus", "message": "Must not be null."}]
        )
    coordinator_id = changes.get("coordinator_id")
    if coordinator_id is not None:
        found = (await users.get_users([coordinator_id])).get(coordinator_id)
        if found is None or found.role not in STAFF_ROLES:
            raise ValidationFailed(
                "Cases are assigned to coordinators and admins.",
                details=[{"field": "body.coordinatorId", "message": "Not a coordinator or admin."}],
            )
    document = await cases.update_case(user.id, user.role, changes)
    # Write, then check: a deletion that marked either user meanwhile must not find its clean-up
    # undone by this upsert (see utils.accounts.delete_account).
    if not await users.is_live(user.id):
        await cases.delete_case(user.id)
        raise UserNotFound()
    if coordinator_id is not None and not await users.is_live(coordinator_id):
        await cases.unassign_coordinator(coordinator_id)
        raise ValidationFailed(
            "Cases are assigned to coordinators and admins.",
            details=[{"field": "body.coordinatorId", "message": "Not a coordinator or admin."}],
        )
    items = await _items([document])
    if not items:  # the user was deleted meanwhile
        raise UserNotFound()
    return items[0]
