"""Cases and the coordinator dashboard."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from models.commons import APIModel, ExtendedBaseModel, utcnow
from models.intake import ProfileStatus
from models.users import Role


class CaseStatus(StrEnum):
    """Where a guest's or host's case is."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    DENIED = "denied"
    MATCHED = "matched"


class CaseDocument(ExtendedBaseModel):
    """A case as stored in `cases`: its `_id` is the user's id (one case per user).

    `user_type` is the user's role while it is guest or host; None once the user has another role
    (the case is kept for its history but leaves the dashboard).
    """

    user_type: Role | None
    case_status: CaseStatus = CaseStatus.NEW
    coordinator_id: str | None = None
    notes: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_updated: datetime = Field(default_factory=utcnow)


class DashboardUserType(StrEnum):
    """Who a dashboard row is about, spelt as the web app filters its tabs."""

    GUEST = "GUEST"
    HOST = "HOST"
    COORDINATOR = "COORDINATOR"


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


# The `userType` filter: `GUEST`, `HOST` or `COORDINATOR`, in any case (`guest` still works).
DashboardUserTypeFilter = Annotated[DashboardUserType, BeforeValidator(_upper)]


class DashboardItem(APIModel):
    """One guest, host or coordinator on the coordinator dashboard."""

    id: str = Field(description="The user's id, as `userId`: the row's key and the DELETE id.")
    user_id: str
    user_name: str
    user_type: DashboardUserType
    case_status: CaseStatus | None = Field(description="The case's status; null for coordinators.")
    coordinator_id: str | None
    coordinator_name: str | None
    last_updated: datetime = Field(
        description="When the case last changed (a coordinator's row: when the user last changed)."
    )
    notes: str | None
    profile_status: ProfileStatus | None = Field(
        description="The status of the user's intake profile (guest form for guests, host form for"
        " hosts); null for coordinators."
    )


class Dashboard(APIModel):
    """GET /api/coordinator/dashboard/all: the rows, as the web app reads them."""

    dashboard_items: list[DashboardItem]
    total: int = Field(description="How many rows match, over all pages.")


class CaseUpdate(APIModel):
    """PATCH /api/coordinator/cases/{userId}: only the fields sent change."""

    coordinator_id: str | None = Field(
        default=None, max_length=64, description="A coordinator's or admin's id; null unassigns."
    )
    case_status: CaseStatus | None = None
    notes: str | None = Field(default=None, max_length=10_000, description="Replaces the notes.")
