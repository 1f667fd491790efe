"""Intake forms and intake profiles: stored documents and the bodies of /api/intake-profile."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from models.commons import APIModel, ExtendedBaseModel
from models.users import Role


class FieldType(StrEnum):
    """What kind of answer a field takes (see `Values by type` in /docs)."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    YES_NO = "yes_no"
    DROPDOWN = "dropdown"
    MULTIPLE_CHOICE = "multiple_choice"
    CONTACT_METHOD = "contact_method"
    ADDITIONAL_GUESTS = "additional_guests"
    PETS = "pets"


CHOICE_TYPES = (FieldType.DROPDOWN, FieldType.MULTIPLE_CHOICE, FieldType.CONTACT_METHOD)


class ProfileStatus(StrEnum):
    """Where an intake profile is."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    DENIED = "denied"


# The user may change the answers only in these statuses.
EDITABLE_STATUSES = (ProfileStatus.NEW, ProfileStatus.IN_PROGRESS, ProfileStatus.NEEDS_INFO)


class Choice(APIModel):
    """One option of a choice field."""

    id: str
    label: str


class FieldProperties(APIModel):
    """How a field is shown."""

    choices: list[Choice] | None = None
    max_length: int | None = Field(default=None, ge=1)


class RequiredIf(APIModel):
    """The field is required when the field `fieldId` holds `value`."""

    field_id: str
    value: Any


class FieldValidations(APIModel):
    """What an answer must satisfy."""

    required: bool | None = None
    required_if: RequiredIf | None = None
    max_length: int | None = Field(default=None, ge=1)


class FormField(APIModel):
    """One question."""

    id: str
    title: str
    type: FieldType
    properties: FieldProperties = Field(default_factory=FieldProperties)
    validations: FieldValidations = Field(default_factory=FieldValidations)


class FieldGroup(APIModel):
    """A titled group of questions (one page of the form in the frontend)."""

    id: str
    title: str
    fields: list[FormField]


class Form(APIModel):
    """A form as clients see it."""

    id: str
    title: str
    description: str
    field_groups: list[FieldGroup]


class FormFile(Form):
    """A form as shipped in models/forms/*.json: who fills it in, and its other names."""

    role: Role
    aliases: list[str] = Field(default_factory=list)


class FormDocument(ExtendedBaseModel):
    """A form as stored in `intake_forms`; `content_hash` tells whether its file changed."""

    title: str
    description: str
    field_groups: list[FieldGroup]
    role: Role
    aliases: list[str]
    content_hash: str


class Answer(APIModel):
    """One answer."""

    field_id: str = Field(min_length=1, max_length=100)
    value: Any = Field(default=None, description="Its type depends on the field's type.")


class ProfileDocument(ExtendedBaseModel):
    """A profile as stored in `intake_profiles`: one per user and form, `version` for ETags."""

    user_id: str
    form_id: str
    status: ProfileStatus
    responses: list[dict[str, Any]] = Field(default_factory=list)
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None


class Profile(APIModel):
    """A profile as clients see it."""

    id: str
    user_id: str
    form_id: str
    status: ProfileStatus
    responses: list[Answer]
    updated_at: datetime | None
    submitted_at: datetime | None


class ProfileSave(APIModel):
    """PUT /api/intake-profile/{formId}: every answer (they replace the saved ones)."""

    responses: list[Answer] = Field(max_length=500)
    submit: bool = False


class ReviewDecision(StrEnum):
    """What a coordinator decides about a submitted profile."""

    APPROVED = "approved"
    DENIED = "denied"
    NEEDS_INFO = "needs_info"


class Review(APIModel):
    """POST /api/intake-profile/{formId}/users/{userId}/review."""

    decision: ReviewDecision
    note: str | None = Field(default=None, max_length=2000)
