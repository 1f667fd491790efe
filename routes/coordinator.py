"""The coordinator dashboard, cases, and the hosts list."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from typing import Annotated

from fastapi import APIRouter, Query

from config import errors
from docs import coordinator as docs
from models.cases import CaseStatus, CaseUpdate, Dashboard, DashboardItem, DashboardUserTypeFilter
from models.commons import Page
from models.users import Role, User
from routes.deps import CoordinatorOrAdmin, Paging
from routes.http.error_responses import responses
from utils import users
from utils.flows import dashboard

router = APIRouter(tags=["coordinator"])


@router.get(
    "/api/coordinator/dashboard/all",
    summary=docs.DASHBOARD_SUMMARY,
    description=docs.DASHBOARD_DESCRIPTION,
    responses=responses(errors.Forbidden),
)
async def get_dashboard(
    caller: CoordinatorOrAdmin,
    *,
    user_type: Annotated[DashboardUserTypeFilter | None, Query(alias="userType")] = None,
    case_status: Annotated[CaseStatus | None, Query(alias="caseStatus")] = None,
    mine: bool = False,
    limit: Annotated[
        int | None, Query(ge=1, le=dashboard.MAX_DASHBOARD_ROWS, description="Rows per page.")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")] = 0,
) -> Dashboard:
    return await dashboard.list_dashboard(
        caller, user_type=user_type, case_status=case_status, mine=mine, limit=limit, offset=offset
    )


@router.patch(
    "/api/coordinator/cases/{user_id}",
    summary=docs.UPDATE_CASE_SUMMARY,
    description=docs.UPDATE_CASE_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.UserNotFound),
)
async def update_case(user_id: str, body: CaseUpdate, _: CoordinatorOrAdmin) -> DashboardItem:
    return await dashboard.update_case(user_id, body)


@router.get(
    "/api/hosts",
    summary=docs.HOSTS_SUMMARY,
    description=docs.HOSTS_DESCRIPTION,
    responses=responses(errors.Forbidden),
)
async def list_hosts(
    _: CoordinatorOrAdmin,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[User]:
    return await users.list_users(role=Role.HOST, q=q, limit=paging.limit, offset=paging.offset)
