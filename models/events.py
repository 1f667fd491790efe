"""Events: the stored document, its public view, and the bodies of /api/events.

The status of an event (`active`, `ongoing`, `ended`, `cancelled`) is never stored: it is derived
from the clock and the `cancelled` flag each time an event is read, so it can never be stale.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
)

from models.commons import APIModel, ExtendedBaseModel, as_utc, utcnow

MAX_CAPACITY = 10_000
MAX_RADIUS_KM = 20_000.0
MAX_LINKS = 10
MAX_IMAGES = 10
# A distance search examines at most this many candidates from its bounding box or circle.
MAX_DISTANCE_CANDIDATES = 5000


UTCDateTime = Annotated[datetime, AfterValidator(as_utc)]


class Tag(StrEnum):
    """The known event tags."""

    SPORT = "sport"
    FOOD = "food"
    ART = "art"
    MUSIC = "music"
    MEETING = "meeting"
    CLASS = "class"
    PAID = "paid"
    ORIENTATION = "orientation"
    TRAINING = "training"


class Approval(StrEnum):
    """Where an event is in the approval queue."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class EventStatus(StrEnum):
    """An event's state, derived from the clock at read time."""

    ACTIVE = "active"
    ONGOING = "ongoing"
    ENDED = "ended"
    CANCELLED = "cancelled"


class ListedStatus(StrEnum):
    """The statuses discovery can filter by (cancelled events are never listed)."""

    ACTIVE = "active"
    ONGOING = "ongoing"
    ENDED = "ended"


class EventKind(StrEnum):
    """Which of the signed-in user's events to list."""

    CREATED = "created"
    ATTENDING = "attending"
    SAVED = "saved"
    ARCHIVED = "archived"


class GeoPoint(BaseModel):
    """A GeoJSON point as stored: coordinates are [longitude, latitude]."""

    type: str = "Point"
    coordinates: list[float]


class EventDocument(ExtendedBaseModel):
    """An event as stored in the `events` collection."""

    title: str
    description: str = ""
    starts_at: datetime
    ends_at: datetime
    tags: list[Tag] = Field(default_factory=list)
    location: GeoPoint
    location_title: str
    max_capacity: int
    public: bool = True
    links: list[str] = Field(default_factory=list)
    image_ids: list[str] = Field(default_factory=list)
    creator_id: str
    approval: Approval
    decided_by: str | None = None
    decided_at: datetime | None = None
    cancelled: bool = False
    cancelled_at: datetime | None = None
    attendee_ids: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Location(APIModel):
    """Where an event takes place."""

    title: str = Field(min_length=1, max_length=200, examples=["Community Center, Room 2"])
    latitude: float = Field(ge=-90, le=90, examples=[25.7617])
    longitude: float = Field(ge=-180, le=180, examples=[-80.1918])


Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=5000)]
Tags = Annotated[list[Tag], Field(max_length=len(Tag))]
Links = Annotated[list[HttpUrl], Field(max_length=MAX_LINKS)]
ImageIds = Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=MAX_IMAGES)]
Capacity = Annotated[int, Field(ge=1, le=MAX_CAPACITY)]


class EventCreate(APIModel):
    """POST /api/events: an event without its derived fields."""

    title: Title
    description: Description = ""
    starts_at: UTCDateTime
    ends_at: UTCDateTime
    tags: Tags = Field(default_factory=list)
    location: Location
    max_capacity: Capacity
    public: bool = True
    links: Links = Field(default_factory=list)
    image_ids: ImageIds = Field(default_factory=list)

    # A field validator, not a model one: it runs beside the other fields' checks (a model
    # validator runs only once every field is valid) and names body.endsAt.
    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is not None and ends_at <= starts_at:
            raise ValueError("Must be after startsAt.")
        return ends_at


def _drop_null(schema: dict[str, Any]) -> None:
    """Document the fields of a partial update without `null`, which they refuse."""
    for documented in schema.get("properties", {}).values():
        options = documented.get("anyOf", [])
        if {"type": "null"} in options:
            rest = [option for option in options if option != {"type": "null"}]
            del documented["anyOf"]
            if documented.get("default", "") is None:
                del documented["default"]
            if len(rest) == 1:
                documented.update(rest[0])
            else:
                documented["anyOf"] = rest


class EventUpdate(APIModel):
    """PATCH /api/events/{eventId}: only the fields sent are changed."""

    title: Title | None = None
    description: Description | None = None
    starts_at: UTCDateTime | None = None
    ends_at: UTCDateTime | None = None
    tags: Tags | None = None
    location: Location | None = None
    max_capacity: Capacity | None = None
    public: bool | None = None
    links: Links | None = None
    image_ids: ImageIds | None = None

    model_config = ConfigDict(json_schema_extra=_drop_null)

    # Runs only for the fields sent (defaults are not validated), so leaving a field out is fine.
    @field_validator("*", mode="before")
    @classmethod
    def _no_nulls(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("Cannot be null; leave the field out to keep its value.")
        return value


class Event(APIModel):
    """An event as clients see it."""

    id: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    tags: list[Tag]
    location: Location
    max_capacity: int
    public: bool
    links: list[str]
    image_ids: list[str]
    creator_id: str
    approval: Approval
    status: EventStatus
    attendee_count: int
    created_at: datetime
    distance_km: float | None = Field(
        default=None, description="Only when searching by distance: kilometres from the point."
    )


class Decision(APIModel):
    """POST /api/events/{eventId}/decision."""

    approve: bool


class Attendance(APIModel):
    """The answer to an RSVP."""

    event_id: str
    attendee_count: int


def _split_commas(value: Any) -> Any:
    """`?tags=a,b` and `?tags=a&tags=b` alike become [a, b]."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    return value


class EventFilters(APIModel):
    """The filters of GET /api/events, checked together."""

    tags: Annotated[list[Tag], BeforeValidator(_split_commas)] = Field(
        default_factory=list, description="Comma-separated; events with any of these tags."
    )
    starts_from: UTCDateTime | None = Field(
        default=None, alias="from", description="Events that end at or after this time."
    )
    starts_to: UTCDateTime | None = Field(
        default=None, alias="to", description="Events that start at or before this time."
    )
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Words that must all appear in title or text.",
    )
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float | None = Field(default=None, gt=0, le=MAX_RADIUS_KM, validate_default=True)
    status: ListedStatus | None = None

    # Field validators (not a model one), so each problem names its parameter and shows up
    # beside the others; radiusKm is checked even when missing (validate_default).
    @field_validator("radius_km")
    @classmethod
    def _whole_circle(cls, radius_km: float | None, info: ValidationInfo) -> float | None:
        if "lat" not in info.data or "lon" not in info.data:
            return radius_km  # lat or lon is itself wrong and already reported
        given = [value is not None for value in (info.data["lat"], info.data["lon"], radius_km)]
        if any(given) and not all(given):
            raise ValueError("Send lat, lon and radiusKm together, or none of them.")
        return radius_km

    @field_validator("starts_to")
    @classmethod
    def _window_in_order(cls, starts_to: datetime | None, info: ValidationInfo) -> datetime | None:
        starts_from = info.data.get("starts_from")
        if starts_from and starts_to and starts_from > starts_to:
            raise ValueError("Must not be before from.")
        return starts_to


def document_fields(model: BaseModel) -> dict[str, Any]:
    """The stored form of an EventCreate or the sent fields of an EventUpdate."""
    data = model.model_dump(exclude_unset=isinstance(model, EventUpdate))
    if "links" in data:
        data["links"] = [str(link) for link in data["links"]]
    if "location" in data:
        place = data.pop("location")
        data["location"] = {"type": "Point", "coordinates": [place["longitude"], place["latitude"]]}
        data["location_title"] = place["title"]
    return data
