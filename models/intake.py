"""Intake forms and intake profiles: stored documents and the bodies of /api/intake-profile."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models.commons import APIModel, ExtendedBaseModel
from models.users import Role


class FieldType(StrEnum):
    """What kind of answer a field takes: exactly the types the web app renders (`phone` and
    `multiple_choice` have no widget there and blank its page)."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    EMAIL = "email"
    NUMBER = "number"  # a phone number, as a string: the app's only use of it
    DATE = "date"
    DROPDOWN = "dropdown"
    YES_NO = "yes_no"
    CONTACT_METHOD = "contact_method"
    ADDITIONAL_GUESTS = "additional_guests"
    PETS = "pets"


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
    """One option of a dropdown; the answer is its `label`."""

    id: str
    label: str


class FieldProperties(APIModel):
    """How a field is shown."""

    choices: list[Choice] | None = None


class SnakeCaseModel(BaseModel):
    """The web app reads `validations` in snake_case (`required_if`, `field_id`)."""

    model_config = ConfigDict(extra="ignore")


class RequiredIf(SnakeCaseModel):
    """The field is required when the field `field_id` holds `value` (`"yes"` or `"no"`)."""

    field_id: str
    value: str


class FieldValidations(SnakeCaseModel):
    """What an answer must satisfy."""

    required: bool | None = None
    required_if: RequiredIf | None = None
    max_characters: int | None = Field(default=None, ge=1)


class LinkedFields(APIModel):
    """The fields whose answers a `contact_method` field offers to contact by."""

    email_field_id: str
    phone_field_id: str


class FormField(APIModel):
    """One question."""

    id: str
    title: str
    type: FieldType
    properties: FieldProperties = Field(default_factory=FieldProperties)
    validations: FieldValidations = Field(default_factory=FieldValidations)
    linked_fields: LinkedFields | None = None


class FieldGroup(APIModel):
    """A titled group of questions: one section (page) of the form in the web app."""

    id: str
    order: int
    title: str
    fields: list[FormField]


class Form(APIModel):
    """A form as clients see it."""

    id: str
    title: str
    field_groups: list[FieldGroup]


class FormFile(Form):
    """A form as shipped in models/forms/*.json: who fills it in, its other names, and the ids it
    had before (their profiles are moved to this form at start-up)."""

    role: Role
    aliases: list[str] = Field(default_factory=list)
    former_ids: list[str] = Field(default_factory=list)


class FormDocument(ExtendedBaseModel):
    """A form as stored in `intake_forms`; `content_hash` tells whether its file changed."""

    title: str
    field_groups: list[FieldGroup]
    role: Role
    aliases: list[str]
    former_ids: list[str] = Field(default_factory=list)
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


class SectionSave(APIModel):
    """POST /api/profile/responses: some answers (the web app sends one section's), merged into
    the saved ones. Extra keys of each answer, such as an echoed `id`, are ignored."""

    responses: list[Answer] = Field(max_length=500)


class Responses(APIModel):
    """GET /api/intake-profile/responses/{formId}: the caller's answers."""

    responses: list[Answer]


class ReviewDecision(StrEnum):
    """What a coordinator decides about a submitted profile."""

    APPROVED = "approved"
    DENIED = "denied"
    NEEDS_INFO = "needs_info"


class Review(APIModel):
    """POST /api/intake-profile/{formId}/users/{userId}/review."""

    decision: ReviewDecision
    note: str | None = Field(default=None, max_length=2000)
