"""The coordinator dashboard: cases joined with their users and intake profiles, then the
coordinators (who have no case) as rows of their own.

Touches no collection itself: cases come from utils.cases, people from utils.users and profile
statuses from utils.intake.
"""

import logging
from typing import Any

from config.errors import UserNotFound, ValidationFailed
from models.cases import CaseStatus, CaseUpdate, Dashboard, DashboardItem, DashboardUserType
from models.intake import ProfileStatus
from models.users import Role, User
from utils import cases, intake, users
from utils.pure.roles import is_staff

log = logging.getLogger("hosthome.dashboard")

# The web app reads every row at once and pages itself; a request without `limit` gets this many.
MAX_DASHBOARD_ROWS = 1000


def _item(
    case: dict[str, Any],
    person: User,
    people: dict[str, User],
    statuses: dict[str, ProfileStatus],
) -> DashboardItem:
    coordinator = people.get(case.get("coordinator_id") or "")
    return DashboardItem(
        id=person.id,
        user_id=person.id,
        user_name=users.display_name(person),
        user_type=DashboardUserType(str(person.role).upper()),
        case_status=CaseStatus(case.get("case_status", CaseStatus.NEW)),
        coordinator_id=case.get("coordinator_id"),
        coordinator_name=users.display_name(coordinator) if coordinator else None,
        last_updated=case["last_updated"],
        notes=case.get("notes"),
        profile_status=statuses.get(person.id, ProfileStatus.NEW),
    )


def _people_ids(documents: list[dict[str, Any]]) -> list[str]:
    """Everyone these cases name: their users and their coordinators."""
    ids = {d["_id"] for d in documents} | {
        d["coordinator_id"] for d in documents if d.get("coordinator_id")
    }
    return sorted(ids)


async def _items(
    documents: list[dict[str, Any]], people: dict[str, User] | None = None
) -> list[DashboardItem]:
    """Dashboard items for these cases, in their order; a case whose user is gone is left out.
    `people` when the caller already read them (by `_people_ids`)."""
    if people is None:
        people = await users.get_users(_people_ids(documents))
    present = [people[d["_id"]] for d in documents if d["_id"] in people]
    statuses = await intake.profile_statuses(present)
    return [_item(d, people[d["_id"]], people, statuses) for d in documents if d["_id"] in people]


def _coordinator_item(person: User) -> DashboardItem:
    """A coordinator's row: no case, so no status, coordinator, notes or profile."""
    return DashboardItem(
        id=person.id,
        user_id=person.id,
        user_name=users.display_name(person),
        user_type=DashboardUserType.COORDINATOR,
        case_status=None,
        coordinator_id=None,
        coordinator_name=None,
        last_updated=person.updated_at,
        notes=None,
        profile_status=None,
    )


async def list_dashboard(
    caller: User,
    *,
    user_type: DashboardUserType | None = None,
    case_status: CaseStatus | None = None,
    mine: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> Dashboard:
    """Every guest's and host's case, most recently changed first, then every coordinator,
    newest first; `limit` rows from `offset` (without `limit`, up to MAX_DASHBOARD_ROWS).

    `mine` keeps the cases assigned to the caller. Coordinators have no case, so `caseStatus` and
    `mine` leave them out. A read and nothing else, in at most three round trips: the page of
    cases, then the people it names with the page of coordinators, then the profile statuses.
    Cases are made when users are (and repaired at start-up, utils.flows.startup).
    """
    limit = min(limit or MAX_DASHBOARD_ROWS, MAX_DASHBOARD_ROWS)
    case_types = [r for r in cases.CASE_ROLES if user_type in (None, str(r).upper())]
    with_coordinators = user_type in (None, DashboardUserType.COORDINATOR)
    with_coordinators = with_coordinators and case_status is None and not mine
    documents: list[dict[str, Any]] = []
    total = 0
    if case_types:
        documents, total = await cases.list_cases(
            user_types=case_types,
            case_status=case_status,
            coordinator_id=caller.id if mine else None,
            limit=limit,
            offset=offset,
        )
    if not with_coordinators:
        return Dashboard(dashboard_items=await _items(documents), total=total)
    # Coordinators come after every case: their page starts where the cases ran out. Read with
    # the people the cases name, in one round trip.
    people, page = await users.people_and_page(
        _people_ids(documents),
        Role.COORDINATOR,
        limit=limit - len(documents),
        offset=max(0, offset - total),
    )
    items = await _items(documents, people)
    items += [_coordinator_item(person) for person in page.items]
    return Dashboard(dashboard_items=items, total=total + page.total)


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
        if found is None or not is_staff(found):
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
