"""Cases and the coordinator dashboard."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field

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


class DashboardItem(APIModel):
    """One guest or host on the coordinator dashboard."""

    user_id: str
    user_name: str
    user_type: Role
    case_status: CaseStatus
    coordinator_id: str | None
    coordinator_name: str | None
    last_updated: datetime = Field(description="When the case last changed.")
    notes: str | None
    profile_status: ProfileStatus = Field(
        description="The status of the user's intake profile (guest form or host form)."
    )


class CaseUpdate(APIModel):
    """PATCH /api/coordinator/cases/{userId}: only the fields sent change."""

    coordinator_id: str | None = Field(
        default=None, max_length=64, description="A coordinator's or admin's id; null unassigns."
    )
    case_status: CaseStatus | None = None
    notes: str | None = Field(default=None, max_length=10_000, description="Replaces the notes.")
