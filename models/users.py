"""Users: the stored document, its public view, and the bodies of /api/users."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, EmailStr, Field, PlainSerializer

from models.commons import APIModel, ExtendedBaseModel, utcnow

# The password rule. utils.pure.passwords enforces it and answers 422 WeakPassword, as the contract
# says, so the bounds are stated in the schema rather than enforced by pydantic (which would
# answer ValidationError): /docs and generated clients show the rule the server applies.
PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH = 8, 256
NewPasswordText = Annotated[
    str,
    Field(
        description=f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters with a lower-case"
        " letter, an upper-case letter, a digit and a symbol; 422 WeakPassword otherwise.",
        json_schema_extra={"minLength": PASSWORD_MIN_LENGTH, "maxLength": PASSWORD_MAX_LENGTH},
    ),
]


class Role(StrEnum):
    """What a user may do."""

    GUEST = "guest"
    HOST = "host"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class UserStatus(StrEnum):
    """Where a user is in the account life cycle."""

    UNCONFIRMED = "unconfirmed"
    ACTIVE = "active"
    INVITED = "invited"
    # Being deleted: the user is hidden from every read and their references are being removed
    # (see utils.flows.accounts.delete_account); never shown, the account is gone for everyone.
    DELETING = "deleting"


class RoleObject(APIModel):
    """A role as the web app reads it: `{"type": "guest"}`."""

    type: Role


def _role_from_object(value: Any) -> Any:
    """Accept the object form back (a client echoing a user it read) as well as the string."""
    if isinstance(value, dict) and "type" in value:
        return value["type"]
    return value


# The role inside Python is the plain enum; in JSON responses it is the object the web app reads
# (`user.role.type`). Request bodies and query filters keep taking the plain string.
RoleInResponse = Annotated[
    Role,
    BeforeValidator(_role_from_object),
    PlainSerializer(lambda role: RoleObject(type=role), return_type=RoleObject, when_used="json"),
]


class SessionEntry(APIModel):
    """One signed-in session, stored in the user document under `sessions.<session id>`.

    No token is stored: refresh tokens are derived from (user, session, generation) under a key,
    so the session keeps only its current generation and when its latest rotations happened.
    """

    generation: int = 0
    retired_at: list[datetime] = Field(default_factory=list)
    created_at: datetime
    expires_at: datetime


class UserDocument(ExtendedBaseModel):
    """A user as stored in the `users` collection."""

    email: str
    email_lower: str
    first_name: str
    middle_name: str | None = None
    last_name: str | None = None
    role: Role
    status: UserStatus
    phone: str | None = None
    image_id: str | None = None
    password_hash: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    sessions: dict[str, SessionEntry] = Field(default_factory=dict)
    saved_event_ids: list[str] = Field(default_factory=list)


OptionalName = Field(default=None, max_length=100)


class User(APIModel):
    """A user as clients see it: never a password or its hash."""

    id: str
    email: str
    first_name: str
    middle_name: str | None = None
    last_name: str | None = None
    role: RoleInResponse = Field(
        description='`{"type": "guest"}`: guest, host, coordinator or admin.'
    )
    status: UserStatus
    phone: str | None = None
    image_id: str | None = None
    created_at: datetime
    updated_at: datetime


class UserUpdate(APIModel):
    """PATCH /api/users/current: only the fields sent are changed (`null` clears optional ones)."""

    first_name: str = Field(default=None, min_length=1, max_length=100)  # type: ignore[assignment]
    middle_name: str | None = OptionalName
    last_name: str | None = OptionalName
    phone: str | None = Field(default=None, max_length=40, pattern=r"^[0-9+()\-. ]*$")
    image_id: str | None = Field(default=None, max_length=64)


class RoleChange(APIModel):
    """PATCH /api/users/{userId}/role."""

    role: Role


class PasswordChange(APIModel):
    """POST /api/users/current/password."""

    current_password: str = Field(max_length=1024)
    new_password: NewPasswordText


class EmailAddress(APIModel):
    """A body with just an e-mail address."""

    email: EmailStr
