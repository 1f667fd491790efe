"""Shared model bases.

`ExtendedBaseModel` is the one fix for the `_id`/pydantic clash: documents carry a uuid4 string in
`_id` (pydantic field `id`), and `to_document()` dumps it back under `_id`.
`APIModel` is the base of request and response schemas: camelCase on the wire, snake_case in Python.
"""

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


def new_id() -> str:
    """A fresh document id: a uuid4 string."""
    return str(uuid4())


def as_utc(value: datetime) -> datetime:
    """A time in UTC to the millisecond MongoDB keeps; a naive time is taken to be UTC.

    ValueError (a 422 when validating input) when its offset carries it past year 9999 or before
    year 1: `9999-12-31T23:59:59-05:00` has no UTC time.
    """
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("this time is out of range once converted to UTC") from exc
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC, as MongoDB will store it."""
    return as_utc(datetime.now(UTC))


class ExtendedBaseModel(BaseModel):
    """Base of every stored document: a uuid4 string `_id` that survives a round trip."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(default_factory=new_id, alias="_id")

    def to_document(self, **kwargs: Any) -> dict[str, Any]:
        """The dict to store: field names as in Python, the id under `_id`."""
        data = self.model_dump(**kwargs)
        data["_id"] = data.pop("id")
        return data


class APIModel(BaseModel):
    """Base of request and response bodies: camelCase JSON, unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        extra="ignore",
    )


ItemT = TypeVar("ItemT")


class Page(APIModel, Generic[ItemT]):
    """One page of a collection."""

    items: list[ItemT]
    total: int = Field(description="How many items match, over all pages.")
    limit: int
    offset: int


class Message(APIModel):
    """A plain confirmation."""

    message: str


class ErrorDetail(APIModel):
    """One problem with one input field."""

    field: str = Field(examples=["body.email"])
    message: str


class ErrorCodeMessage(APIModel):
    """The code and message again, where the web app reads them (`detail.message`)."""

    code: str = Field(examples=["ValidationError"])
    message: str


class ErrorResponse(APIModel):
    """The one shape of every error response."""

    message: str = Field(description="What went wrong, for a person.")
    code: str = Field(description="A stable name to branch on.", examples=["ValidationError"])
    status: int = Field(description="The HTTP status, repeated.", examples=[422])
    details: list[ErrorDetail] | None = Field(
        default=None, description="On validation errors: one entry per bad field."
    )
    request_id: str = Field(description="Quote it when reporting a problem.")
    detail: ErrorCodeMessage = Field(
        description="`code` and `message` again: the web app reads `detail.message` on some pages."
    )


class ErrorWithItems(ErrorResponse):
    """The error shape on routes whose web-app page also reads a list of strings (user delete)."""

    items: list[str] = Field(
        description="One line per problem (the validation `details`); empty otherwise."
    )
