"""Texts for /api/events. Limits are quoted from the models, so the two cannot disagree."""

from models.events import (
    MAX_CAPACITY,
    MAX_DISTANCE_CANDIDATES,
    MAX_IMAGES,
    MAX_LINKS,
    MAX_RADIUS_KM,
    Tag,
)

CREATE_SUMMARY = "Create an event"
CREATE_DESCRIPTION = f"""
Any signed-in user; the caller becomes the creator. `endsAt` must be after `startsAt` and in the
future, `latitude` within ±90, `longitude` within ±180, `maxCapacity` 1 to \
{MAX_CAPACITY}, and `tags` among
{", ".join(Tag)}, `links` http(s) URLs (at
most {MAX_LINKS}), and `imageIds` ids of uploaded images (`POST /api/images`, at most \
{MAX_IMAGES}), otherwise 422.

Events of coordinators and admins, and private events (`public: false`), are approved at once;
other public events are `pending` until a coordinator or admin decides (`GET /api/events/queue`).
"""

LIST_SUMMARY = "Discover events"
LIST_DESCRIPTION = f"""
**Public.** Approved public events that are not cancelled. Filters (all optional, combined):
- `tags=a,b`: events with any of these tags;
- `from`, `to` (ISO 8601; a time without offset is UTC): events that end at or after `from` and
  start at or before `to`, i.e. that overlap the window (a time whose offset carries it past year
  9999 or before year 1 in UTC is `422`);
- `q`: words that must all appear (any case, anywhere in a word) in the title or description;
- `status`: `active` (not started), `ongoing` or `ended`, at the time of the request;
- `lat`, `lon`, `radiusKm` (together, or 422; `radiusKm` above 0, at most \
{MAX_RADIUS_KM:g}): events within
  that great-circle distance of the point, **sorted by distance** (each with `distanceKm`).

Without a point, events come soonest first. Paginated with `limit` and `offset`; `total` counts all
matches. The distance search narrows candidates (with the 2dsphere index on MongoDB, a bounding box
on the embedded store) and then measures the exact (haversine) distance, so it answers the same on
every database (at most {MAX_DISTANCE_CANDIDATES} candidates are examined per search; \
narrow the radius or add filters
in very dense areas).
"""

GET_SUMMARY = "Get an event"
GET_DESCRIPTION = """
**Public** for approved public events. Other events (pending, denied, private) are shown to their
creator, their attendees, coordinators and admins; anyone else gets `404 EventNotFound`, exactly
as for an event that does not exist. `status` is computed from the clock at each request.
"""

QUEUE_SUMMARY = "The approval queue"
QUEUE_DESCRIPTION = """
Coordinators and admins. Pending events that are not cancelled, oldest request first.
"""

UPDATE_SUMMARY = "Change an event"
UPDATE_DESCRIPTION = """
The creator or an admin; only the fields sent change (`null` is not accepted). `409 Conflict` once
the event is cancelled or has ended, or when `maxCapacity` would go below the number of attendees.
`endsAt` must stay after `startsAt` (422), with the stored value filling in what was not sent.

A public event changed by a creator who is not a coordinator or admin goes back to `pending`, so
approved content cannot be replaced unseen; making an event private approves it.
"""

CANCEL_SUMMARY = "Cancel an event"
CANCEL_DESCRIPTION = """
The creator or an admin. Attendees are e-mailed in the background: a mail that cannot be sent
never fails or undoes the cancellation. Cancelling a cancelled event answers it again
(no second e-mail); an event that has ended cannot be cancelled (`409 Conflict`).
"""

ATTEND_SUMMARY = "RSVP to an event"
ATTEND_DESCRIPTION = """
Adds the signed-in user to the attendees: `201 {eventId, attendeeCount}`, or `200` when already
attending. There are never more attendees than `maxCapacity`, however many people ask at once:
`409 EventFull` when full; `409 Conflict` when the event is cancelled, has ended or is not approved;
`404 EventNotFound` when you cannot see it (so a private event takes RSVPs from its creator,
coordinators and admins). RSVPs stay open while an event is ongoing.
"""

LEAVE_SUMMARY = "Withdraw your RSVP"
LEAVE_DESCRIPTION = "`204`, also when you were not attending. `404` when you cannot see the event."

ATTENDEES_SUMMARY = "Who is attending"
ATTENDEES_DESCRIPTION = """
The event's creator, coordinators and admins (`403` for others who can see the event). Users in
the order they answered; paginated.
"""

DECISION_SUMMARY = "Approve or deny a pending event"
DECISION_DESCRIPTION = """
Coordinators and admins. `{"approve": true}` approves, `false` denies. A decision is made once:
`409 AlreadyDecided` for an event that is not pending.
"""
