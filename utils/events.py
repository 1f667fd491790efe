"""Events: creation, approval, discovery, RSVPs, cancellation and each user's event lists.

Owns the `events` collection. Rules that matter under concurrency are single conditional updates:
an RSVP is one `find_one_and_update` whose filter says "not cancelled, not ended, not already
attending, fewer attendees than the capacity", so no number of simultaneous requests can overbook
an event. The status (`active`, `ongoing`, `ended`, `cancelled`) is derived from the clock whenever
an event is read; nothing is ever written on a read.

Distance search narrows the candidates in the query, then computes the exact great-circle
(haversine) distance here, drops events outside the radius, sorts the rest by distance and only
then paginates, so `total` is exact. On a real server the narrowing is `$geoWithin` a
`$centerSphere` (served by the 2dsphere index); the embedded store has no geo operators, so there
it is a bounding box on the stored GeoJSON coordinates. Both narrowings keep every event within the
radius, so the exact distance makes the answers the same; `db.geo_operators` picks one.
"""

import asyncio
import logging
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from config.db import db
from config.errors import (
    AlreadyDecided,
    Conflict,
    EventFull,
    EventNotFound,
    Forbidden,
    InvalidToken,
    ValidationFailed,
)
from models.commons import Page, utcnow
from models.events import (
    MAX_DISTANCE_CANDIDATES,
    Approval,
    Attendance,
    Event,
    EventCreate,
    EventDocument,
    EventFilters,
    EventKind,
    EventStatus,
    EventUpdate,
    document_fields,
)
from models.users import User
from utils import images, users
from utils.flows import email
from utils.pages import page_of
from utils.pure.deletion import ForgetUser
from utils.pure.event_rules import (
    approval_after_edit,
    can_see,
    discovery_query,
    ensure_changeable,
    ensure_manager,
    event_status,
    rsvp_filter,
    to_event,
    visible_condition,
)
from utils.pure.geo import within_radius
from utils.pure.roles import is_staff

log = logging.getLogger("hosthome.events")

# The order of the discovery list (and of the distance candidates): served by `discovery_sorted`.
DISCOVERY_ORDER = [("starts_at", 1), ("_id", 1)]
# Optimistic retries of an edit that raced with another edit of the same event.
EDIT_ATTEMPTS = 3


def _events() -> Any:
    return db.collection("events")


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"field": field, "message": message}])


async def _document(event_id: str) -> dict[str, Any] | None:
    return await _events().find_one({"_id": event_id})


async def visible_document(viewer: User | None, event_id: str) -> dict[str, Any]:
    """The stored event if the viewer may see it; EventNotFound otherwise (no existence leak)."""
    document = await _document(event_id)
    if document is None or not can_see(viewer, document):
        raise EventNotFound()
    return document


async def ensure_visible(viewer: User | None, event_id: str) -> None:
    """EventNotFound unless the event exists and the viewer may see it."""
    await visible_document(viewer, event_id)


async def _check_images(image_ids: list[str] | None) -> None:
    """422 when an event names an image that was never uploaded (or was deleted)."""
    missing = await images.missing_ids(image_ids or [])
    if missing:
        raise _invalid("body.imageIds", f"No such image: {', '.join(missing)}.")


async def create_event(creator: User, body: EventCreate) -> Event:
    """Store a new event; staff's and private events are approved at once, others wait."""
    now = utcnow()
    if body.ends_at <= now:
        raise _invalid("body.endsAt", "Must be in the future.")
    await _check_images(body.image_ids)
    approved = is_staff(creator) or not body.public
    document = EventDocument(
        **document_fields(body),
        creator_id=creator.id,
        approval=Approval.APPROVED if approved else Approval.PENDING,
        decided_at=now if approved else None,
    ).to_document()
    await _events().insert_one(document)
    if not await users.is_live(creator.id):  # the creator is being deleted: take it back
        await _events().delete_one({"_id": document["_id"]})
        raise InvalidToken("The account this token belongs to no longer exists.")
    log.info("event %s created by %s (%s)", document["_id"], creator.id, document["approval"])
    return to_event(document, now)


async def get_event(viewer: User | None, event_id: str) -> Event:
    """One event, if the viewer may see it; EventNotFound otherwise."""
    return to_event(await visible_document(viewer, event_id), utcnow())


async def _embedded_discovery(
    query: dict[str, Any], filters: EventFilters, limit: int, offset: int
) -> tuple[list[tuple[float | None, dict[str, Any]]], int]:
    """The page of `query` in DISCOVERY_ORDER (or by distance) and the total, on the embedded store.

    mongomock sorts through slow comparison objects and copies every matching document before
    the page is cut, so a page cost many passes over the events. Here one pass reads only each
    match's sort key (and location), Python sorts those (every `starts_at` is a datetime and
    every id a string, so tuple order is MongoDB's order), and only the page's documents are
    read, by id: one of them changed meanwhile so as to leave the query is left out, as if read
    a moment later. A real server keeps the sorted, index-served query of list_events.
    """
    near = filters.lat is not None and filters.lon is not None and filters.radius_km is not None
    fields = {"starts_at": 1, "location": 1} if near else {"starts_at": 1}
    keys = await _events().find(query, fields).to_list(None)
    keys.sort(key=lambda key: (key["starts_at"], key["_id"]))
    ranked: list[tuple[float | None, dict[str, Any]]]
    if near:
        assert filters.lat is not None and filters.lon is not None and filters.radius_km is not None
        close = within_radius(
            keys[:MAX_DISTANCE_CANDIDATES], filters.lat, filters.lon, filters.radius_km
        )
        ranked = list(close)
    else:
        ranked = [(None, key) for key in keys]
    page = []
    for shown_km, key in ranked[offset : offset + limit]:
        document = await _events().find_one({"_id": key["_id"], "$and": query["$and"]})
        if document is not None:
            page.append((shown_km, document))
    return page, len(ranked)


async def list_events(filters: EventFilters, *, limit: int = 20, offset: int = 0) -> Page[Event]:
    """Discovery: approved public events that are not cancelled, filtered; see the module doc."""
    now = utcnow()
    query = discovery_query(filters, now, geo_operators=db.geo_operators)
    if db.embedded:
        found, total = await _embedded_discovery(query, filters, limit, offset)
        items = [to_event(document, now, km) for km, document in found]
        return Page[Event](items=items, total=total, limit=limit, offset=offset)
    if filters.lat is None or filters.lon is None or filters.radius_km is None:
        return await page_of(
            _events(),
            query,
            DISCOVERY_ORDER,
            lambda document: to_event(document, now),
            Event,
            limit=limit,
            offset=offset,
        )
    candidates = (
        await _events()
        .find(query)
        .sort(DISCOVERY_ORDER)
        .limit(MAX_DISTANCE_CANDIDATES)
        .to_list(None)
    )
    near = within_radius(candidates, filters.lat, filters.lon, filters.radius_km)
    page = near[offset : offset + limit]
    items = [to_event(document, now, distance) for distance, document in page]
    return Page[Event](items=items, total=len(near), limit=limit, offset=offset)


async def pending_events(*, limit: int = 20, offset: int = 0) -> Page[Event]:
    """The approval queue: pending events that are not cancelled, oldest request first."""
    query = {"approval": Approval.PENDING, "cancelled": False}
    now = utcnow()
    return await page_of(
        _events(),
        query,
        [("created_at", 1), ("_id", 1)],
        lambda document: to_event(document, now),
        Event,
        limit=limit,
        offset=offset,
    )


async def decide(decider: User, event_id: str, approve: bool) -> Event:
    """Approve or deny a pending event, once: AlreadyDecided after that."""
    now = utcnow()
    document = await _events().find_one_and_update(
        {"_id": event_id, "approval": Approval.PENDING},
        {
            "$set": {
                "approval": Approval.APPROVED if approve else Approval.DENIED,
                "decided_by": decider.id,
                "decided_at": now,
                "updated_at": now,
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        if await _document(event_id) is None:
            raise EventNotFound()
        raise AlreadyDecided()
    log.info("event %s %s by %s", event_id, document["approval"], decider.id)
    return to_event(document, now)


async def update_event(actor: User, event_id: str, body: EventUpdate) -> Event:
    """Change the sent fields of an event (its creator or an admin; not once cancelled or ended).

    The checks that involve stored values (endsAt after startsAt, capacity not below the number
    of attendees) are repeated in the update's filter, so a concurrent edit or RSVP cannot slip
    between the check and the write; if one did, the edit is retried on fresh data.
    """
    changes = document_fields(body)
    await _check_images(changes.get("image_ids"))
    for _ in range(EDIT_ATTEMPTS):
        document = await visible_document(actor, event_id)
        ensure_manager(actor, document)
        now = utcnow()
        ensure_changeable(document, now)
        if not changes:
            return to_event(document, now)
        starts_at = changes.get("starts_at", document["starts_at"])
        ends_at = changes.get("ends_at", document["ends_at"])
        if ends_at <= starts_at:
            raise _invalid("body.endsAt", "Must be after startsAt.")
        if ends_at <= now:
            raise _invalid("body.endsAt", "Must be in the future.")
        capacity = changes.get("max_capacity", document["max_capacity"])
        if capacity < len(document.get("attendee_ids", [])):
            raise Conflict("maxCapacity cannot go below the number of people attending.")
        approval = approval_after_edit(actor, document, changes.get("public", document["public"]))
        update: dict[str, Any] = {**changes, "approval": approval, "updated_at": now}
        if approval != document["approval"]:
            update["decided_by"] = None
            update["decided_at"] = now if approval == Approval.APPROVED else None
        updated = await _events().find_one_and_update(
            {
                "_id": event_id,
                "cancelled": False,
                "starts_at": document["starts_at"],
                "ends_at": document["ends_at"],
                "$expr": {"$lte": [{"$size": "$attendee_ids"}, capacity]},
            },
            {"$set": update},
            return_document=ReturnDocument.AFTER,
        )
        if updated is not None:
            return to_event(updated, now)
    raise Conflict("The event changed while it was being edited; try again.")


async def _tell_attendees(document: dict[str, Any]) -> None:
    """E-mail every attendee that the event is cancelled."""
    attendees = await users.get_users(list(document.get("attendee_ids", [])))
    starts_at = document["starts_at"].isoformat()
    await asyncio.gather(
        *(
            email.send_event_cancelled(attendee.email, document["title"], starts_at)
            for attendee in attendees.values()
        )
    )


async def _cancel(event_id: str, now: datetime) -> dict[str, Any] | None:
    """Cancel an event that has not ended, once; the cancelled event, or None if nothing changed."""
    document = await _events().find_one_and_update(
        {"_id": event_id, "cancelled": False, "ends_at": {"$gt": now}},
        {"$set": {"cancelled": True, "cancelled_at": now, "updated_at": now}},
        return_document=ReturnDocument.AFTER,
    )
    if document is not None:
        # In the background: no failure to notify can undo or half-do the cancellation.
        cancelled = document
        email.run_in_background(
            lambda: _tell_attendees(cancelled), f"cancellation of event {event_id}"
        )
    return document


async def cancel_event(actor: User, event_id: str) -> Event:
    """Cancel an event (its creator or an admin) and e-mail its attendees; idempotent.

    Conflict when the event has already ended.
    """
    document = await visible_document(actor, event_id)
    ensure_manager(actor, document)
    now = utcnow()
    cancelled = await _cancel(event_id, now)
    if cancelled is not None:
        log.info("event %s cancelled by %s", event_id, actor.id)
        return to_event(cancelled, now)
    document = await visible_document(actor, event_id)
    if event_status(document, now) == EventStatus.ENDED:
        raise Conflict("This event has ended and can no longer be cancelled.")
    return to_event(document, now)


async def attend(user: User, event_id: str) -> tuple[Attendance, bool]:
    """RSVP: (attendance, True) when added, (attendance, False) when already attending.

    One conditional update adds the user, so the capacity holds however many ask at once. When it
    does not match, a read says why: EventNotFound, already attending, Conflict when the event is
    not open (cancelled, ended or not approved), or EventFull.
    """
    await visible_document(user, event_id)
    now = utcnow()
    document = await _events().find_one_and_update(
        rsvp_filter(event_id, user.id, now),
        {"$addToSet": {"attendee_ids": user.id}},
        return_document=ReturnDocument.AFTER,
    )
    if document is not None:
        if not await users.is_live(user.id):  # the user is being deleted: withdraw the RSVP
            await _withdraw(event_id, user.id)
            raise InvalidToken("The account this token belongs to no longer exists.")
        return Attendance(event_id=event_id, attendee_count=len(document["attendee_ids"])), True
    document = await visible_document(user, event_id)
    if user.id in document.get("attendee_ids", []):
        return Attendance(event_id=event_id, attendee_count=len(document["attendee_ids"])), False
    status = event_status(document, now)
    if status in (EventStatus.CANCELLED, EventStatus.ENDED):
        raise Conflict(f"This event has {status}; RSVPs are closed.")
    if document["approval"] != Approval.APPROVED:
        raise Conflict("This event is not approved yet.")
    raise EventFull()


async def _withdraw(event_id: str, user_id: str) -> bool:
    """Take the user off the event's attendees; whether they were on it."""
    removed = await _events().find_one_and_update(
        {"_id": event_id, "attendee_ids": user_id},
        {"$pull": {"attendee_ids": user_id}},
    )
    return removed is not None


async def leave(user: User, event_id: str) -> None:
    """Withdraw an RSVP (idempotent); EventNotFound when the event is not visible."""
    if not await _withdraw(event_id, user.id):
        await ensure_visible(user, event_id)


async def list_attendees(
    actor: User, event_id: str, *, limit: int = 20, offset: int = 0
) -> Page[User]:
    """The people attending, in RSVP order (the creator, coordinators and admins)."""
    document = await visible_document(actor, event_id)
    if actor.id != document["creator_id"] and not is_staff(actor):
        raise Forbidden("Only the event's creator, coordinators and admins see the attendees.")
    attendee_ids = list(document.get("attendee_ids", []))
    page_ids = attendee_ids[offset : offset + limit]
    found = await users.get_users(page_ids)
    items = [found[user_id] for user_id in page_ids if user_id in found]
    return Page[User](items=items, total=len(attendee_ids), limit=limit, offset=offset)


async def save_for_user(user: User, event_id: str) -> None:
    """Add a visible event to the user's saved events (idempotent)."""
    await ensure_visible(user, event_id)
    await users.save_event(user.id, event_id)


async def unsave_for_user(user: User, event_id: str) -> None:
    """Remove an event from the user's saved events (idempotent, even for a vanished event)."""
    await users.unsave_event(user.id, event_id)


async def user_events(
    user: User, kind: EventKind, *, limit: int = 20, offset: int = 0
) -> Page[Event]:
    """The user's events of one kind: created, attending and saved list current events (not
    ended, not cancelled) soonest first; archived lists created or attended events that ended or
    were cancelled, latest first."""
    now = utcnow()
    current = {"cancelled": False, "ends_at": {"$gt": now}}
    order = 1
    conditions: list[dict[str, Any]]
    if kind == EventKind.CREATED:
        conditions = [{"creator_id": user.id}, current]
    elif kind == EventKind.ATTENDING:
        conditions = [{"attendee_ids": user.id}, current]
    elif kind == EventKind.SAVED:
        saved = await users.saved_event_ids(user.id)
        conditions = [{"_id": {"$in": saved}}, current, visible_condition(user)]
    else:
        conditions = [
            {"$or": [{"creator_id": user.id}, {"attendee_ids": user.id}]},
            {"$or": [{"cancelled": True}, {"ends_at": {"$lte": now}}]},
        ]
        order = -1
    query = {"$and": conditions}
    return await page_of(
        _events(),
        query,
        [("starts_at", order), ("_id", 1)],
        lambda document: to_event(document, now),
        Event,
        limit=limit,
        offset=offset,
    )


async def forget_user(user_id: str) -> None:
    """For account deletion: cancel the user's events that have not ended (attendees are
    e-mailed) and withdraw the user's RSVPs everywhere. Idempotent."""
    now = utcnow()
    own = (
        await _events()
        .find({"creator_id": user_id, "cancelled": False, "ends_at": {"$gt": now}}, {"_id": 1})
        .to_list(None)
    )
    for document in own:
        await _cancel(document["_id"], now)
    await _events().update_many(
        {"attendee_ids": user_id},
        {"$pull": {"attendee_ids": user_id}},
    )


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "events": forget_user,  # their future events cancelled, their RSVPs withdrawn
}
