"""The rules of events, pure: an event's status at a given time, who may see or change it, and
the query conditions of discovery, of RSVPs and of a user's lists. utils/events.py runs them."""

from datetime import datetime
from typing import Any

from config.errors import Conflict, Forbidden
from models.events import Approval, Event, EventFilters, EventStatus, ListedStatus, Location
from models.users import Role, User
from utils.pure.geo import distance_conditions
from utils.pure.roles import is_staff
from utils.pure.search import words_condition


def event_status(document: dict[str, Any], now: datetime) -> EventStatus:
    """The status of a stored event at `now`."""
    if document.get("cancelled"):
        return EventStatus.CANCELLED
    if now < document["starts_at"]:
        return EventStatus.ACTIVE
    if now < document["ends_at"]:
        return EventStatus.ONGOING
    return EventStatus.ENDED


def can_see(viewer: User | None, document: dict[str, Any]) -> bool:
    """Approved public events are everyone's; others are their creator's, attendees' and staff's."""
    if document["approval"] == Approval.APPROVED and document["public"]:
        return True
    if viewer is None:
        return False
    return (
        is_staff(viewer)
        or viewer.id == document["creator_id"]
        or viewer.id in document.get("attendee_ids", [])
    )


def status_condition(status: ListedStatus, now: datetime) -> dict[str, Any]:
    """The time condition that gives events of this status at `now`."""
    if status == ListedStatus.ACTIVE:
        return {"starts_at": {"$gt": now}}
    if status == ListedStatus.ONGOING:
        return {"starts_at": {"$lte": now}, "ends_at": {"$gt": now}}
    return {"ends_at": {"$lte": now}}


def discovery_query(filters: EventFilters, now: datetime, *, geo_operators: bool) -> dict[str, Any]:
    """The filter of GET /api/events (with DISCOVERY_ORDER as its sort): approved public events
    that are not cancelled, narrowed by the filters. Pure, so a test can explain it on a server."""
    conditions: list[dict[str, Any]] = [{"approval": Approval.APPROVED, "public": True}]
    conditions.append({"cancelled": False})
    if filters.tags:
        conditions.append({"tags": {"$in": [str(tag) for tag in filters.tags]}})
    if filters.starts_from is not None:
        conditions.append({"ends_at": {"$gte": filters.starts_from}})
    if filters.starts_to is not None:
        conditions.append({"starts_at": {"$lte": filters.starts_to}})
    if filters.q and filters.q.strip():
        conditions.extend(words_condition(filters.q, ("title", "description")))
    if filters.status is not None:
        conditions.append(status_condition(filters.status, now))
    if filters.lat is not None and filters.lon is not None and filters.radius_km is not None:
        conditions.extend(
            distance_conditions(
                filters.lat, filters.lon, filters.radius_km, geo_operators=geo_operators
            )
        )
    return {"$and": conditions}


def ensure_changeable(document: dict[str, Any], now: datetime) -> None:
    status = event_status(document, now)
    if status in (EventStatus.CANCELLED, EventStatus.ENDED):
        raise Conflict(f"This event has {status} and can no longer be changed.")


def ensure_manager(actor: User, document: dict[str, Any]) -> None:
    if actor.id != document["creator_id"] and actor.role != Role.ADMIN:
        raise Forbidden("Only the event's creator or an admin can do this.")


def approval_after_edit(actor: User, document: dict[str, Any], public: bool) -> Approval:
    """Private events need no approval; a public event edited by a non-staff creator is queued
    again (so approved content cannot be swapped); staff edits keep the approval as it is."""
    if not public:
        return Approval.APPROVED
    if is_staff(actor):
        return Approval(document["approval"])
    return Approval.PENDING


def rsvp_filter(event_id: str, user_id: str, now: datetime) -> dict[str, Any]:
    """The one condition under which an RSVP may be added."""
    return {
        "_id": event_id,
        "approval": Approval.APPROVED,
        "cancelled": False,
        "ends_at": {"$gt": now},
        "attendee_ids": {"$ne": user_id},
        "$expr": {"$lt": [{"$size": "$attendee_ids"}, "$max_capacity"]},
    }


def visible_condition(user: User) -> dict[str, Any]:
    if is_staff(user):
        return {}
    return {
        "$or": [
            {"approval": Approval.APPROVED, "public": True},
            {"creator_id": user.id},
            {"attendee_ids": user.id},
        ]
    }


def to_event(document: dict[str, Any], now: datetime, distance_km: float | None = None) -> Event:
    """The public view of a stored event, its status taken at `now`."""
    longitude, latitude = document["location"]["coordinates"]
    return Event(
        id=document["_id"],
        title=document["title"],
        description=document.get("description", ""),
        starts_at=document["starts_at"],
        ends_at=document["ends_at"],
        tags=document.get("tags", []),
        location=Location(title=document["location_title"], latitude=latitude, longitude=longitude),
        max_capacity=document["max_capacity"],
        public=document["public"],
        links=document.get("links", []),
        image_ids=document.get("image_ids", []),
        creator_id=document["creator_id"],
        approval=document["approval"],
        status=event_status(document, now),
        attendee_count=len(document.get("attendee_ids", [])),
        created_at=document["created_at"],
        distance_km=None if distance_km is None else round(distance_km, 3),
    )
