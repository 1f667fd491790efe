"""Events: creation, visibility, status from the clock, approval, editing, cancellation, and what
deleting an account does to events. Shared helpers are in tests/factories.py, the clock in
tests/conftest.py."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from config.db import db
from config.settings import Settings
from tests.conftest import assert_error
from tests.factories import (
    MIAMI,
    Clock,
    create_event,
    event_body,
    iso,
    quick_headers,
    read_outbox,
    signed_in,
)

# --- creation -----------------------------------------------------------------------------------


async def test_create_event_is_201_with_every_field_and_the_caller_as_creator(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    body = event_body()
    event = await create_event(client, host.headers)
    assert event["creatorId"] == host.id
    assert event["title"] == body["title"]
    assert event["location"] == MIAMI
    assert event["tags"] == ["orientation"]
    assert event["maxCapacity"] == 10
    assert event["links"] == ["https://example.org/orientation"]
    assert event["imageIds"] == []
    assert event["attendeeCount"] == 0
    assert event["status"] == "active"
    assert event["approval"] == "pending"
    assert datetime.fromisoformat(event["startsAt"]) == datetime.fromisoformat(body["startsAt"])
    assert set(event) >= {"id", "description", "endsAt", "public", "createdAt"}


@pytest.mark.parametrize(
    ("role", "public", "approval"),
    [
        ("guest", True, "pending"),
        ("host", True, "pending"),
        ("coordinator", True, "approved"),
        ("admin", True, "approved"),
        ("guest", False, "approved"),
    ],
)
async def test_staff_and_private_events_are_approved_at_once_others_wait(
    client: httpx.AsyncClient, role: str, public: bool, approval: str
) -> None:
    user = await signed_in(client, role)
    event = await create_event(client, user.headers, public=public)
    assert event["approval"] == approval


def _start(days: float = 1) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"endsAt": iso(_start()), "startsAt": iso(_start())}, "body"),
        ({"endsAt": iso(_start(1) - timedelta(hours=1)), "startsAt": iso(_start(1))}, "body"),
        ({"location": {**MIAMI, "latitude": 90.5}}, "body.location.latitude"),
        ({"location": {**MIAMI, "longitude": -180.5}}, "body.location.longitude"),
        ({"maxCapacity": 0}, "body.maxCapacity"),
        ({"maxCapacity": 10_001}, "body.maxCapacity"),
        ({"tags": ["karaoke"]}, "body.tags.0"),
        ({"title": ""}, "body.title"),
        ({"links": ["javascript:alert(1)"]}, "body.links.0"),
    ],
)
async def test_create_event_with_invalid_fields_is_422(
    client: httpx.AsyncClient, overrides: dict[str, Any], field: str
) -> None:
    host = await signed_in(client, "host")
    response = await client.post("/api/events", json=event_body(**overrides), headers=host.headers)
    body = assert_error(response, 422, "ValidationError")
    assert any(detail["field"].startswith(field) for detail in body["details"]), body


async def test_an_event_that_has_already_ended_cannot_be_created(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    body = event_body(startsAt=iso(_start(-2)), endsAt=iso(_start(-1)))
    response = await client.post("/api/events", json=body, headers=host.headers)
    assert_error(response, 422, "ValidationError")


async def test_a_time_without_offset_means_utc(client: httpx.AsyncClient) -> None:
    host = await signed_in(client, "coordinator")
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0, tzinfo=None)
    event = await create_event(
        client,
        host.headers,
        startsAt=start.isoformat(),
        endsAt=(start + timedelta(hours=1)).isoformat(),
    )
    assert datetime.fromisoformat(event["startsAt"]) == start.replace(tzinfo=UTC)


async def test_creating_an_event_needs_sign_in(client: httpx.AsyncClient) -> None:
    assert_error(await client.post("/api/events", json=event_body()), 401, "NotAuthenticated")


# --- visibility ---------------------------------------------------------------------------------


async def test_a_pending_event_is_invisible_to_the_public_and_to_other_users(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    other = await signed_in(client, "guest")
    event = await create_event(client, host.headers)
    assert event["approval"] == "pending"
    url = f"/api/events/{event['id']}"
    assert_error(await client.get(url), 404, "EventNotFound")
    assert_error(await client.get(url, headers=other.headers), 404, "EventNotFound")
    assert (await client.get("/api/events", headers=other.headers)).json()["total"] == 0
    assert (await client.get("/api/events")).json()["total"] == 0
    assert (await client.get(url, headers=host.headers)).status_code == 200
    for role in ("coordinator", "admin"):
        staff = await signed_in(client, role)
        assert (await client.get(url, headers=staff.headers)).status_code == 200


async def test_a_private_event_is_seen_by_its_creator_and_staff_only(
    client: httpx.AsyncClient,
) -> None:
    guest = await signed_in(client, "guest")
    stranger = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, guest.headers, public=False)
    url = f"/api/events/{event['id']}"
    assert (await client.get(url, headers=guest.headers)).status_code == 200
    assert (await client.get(url, headers=coordinator.headers)).status_code == 200
    assert_error(await client.get(url, headers=stranger.headers), 404, "EventNotFound")
    assert_error(await client.get(url), 404, "EventNotFound")


async def test_an_approved_public_event_is_public_even_with_a_stale_token(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}"
    assert (await client.get(url)).json()["id"] == event["id"]
    stale = {"Authorization": "Bearer not-a-token"}
    assert (await client.get(url, headers=stale)).status_code == 200


async def test_an_unknown_event_is_404_event_not_found(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/events/nope"), 404, "EventNotFound")


# --- status from the clock ----------------------------------------------------------------------


async def test_status_follows_the_clock_and_reading_writes_nothing(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}"
    stored_before = await db.collection("events").find_one({"_id": event["id"]})
    assert (await client.get(url)).json()["status"] == "active"
    clock.advance(timedelta(days=1, hours=1))
    assert (await client.get(url)).json()["status"] == "ongoing"
    clock.advance(timedelta(hours=2))
    assert (await client.get(url)).json()["status"] == "ended"
    assert await db.collection("events").find_one({"_id": event["id"]}) == stored_before
    assert "status" not in stored_before


# --- approval -----------------------------------------------------------------------------------


async def test_the_queue_lists_pending_events_for_staff_only(client: httpx.AsyncClient) -> None:
    host = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    pending = await create_event(client, host.headers, title="First")
    await create_event(client, coordinator.headers, title="Approved already")
    queue = await client.get("/api/events/queue", headers=coordinator.headers)
    assert queue.status_code == 200
    assert [e["id"] for e in queue.json()["items"]] == [pending["id"]]
    assert queue.json()["total"] == 1
    assert_error(await client.get("/api/events/queue", headers=host.headers), 403, "Forbidden")
    assert_error(await client.get("/api/events/queue"), 401, "NotAuthenticated")


async def test_approving_makes_an_event_public_and_a_second_decision_is_409(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, host.headers)
    url = f"/api/events/{event['id']}/decision"
    decided = await client.post(url, json={"approve": True}, headers=coordinator.headers)
    assert decided.status_code == 200
    assert decided.json()["approval"] == "approved"
    assert (await client.get(f"/api/events/{event['id']}")).status_code == 200
    again = await client.post(url, json={"approve": False}, headers=coordinator.headers)
    assert_error(again, 409, "AlreadyDecided")
    queue = await client.get("/api/events/queue", headers=coordinator.headers)
    assert queue.json()["total"] == 0


async def test_a_denied_event_stays_hidden_from_the_public(client: httpx.AsyncClient) -> None:
    host = await signed_in(client, "host")
    admin = await signed_in(client, "admin")
    event = await create_event(client, host.headers)
    url = f"/api/events/{event['id']}/decision"
    denied = await client.post(url, json={"approve": False}, headers=admin.headers)
    assert denied.json()["approval"] == "denied"
    assert_error(await client.get(f"/api/events/{event['id']}"), 404, "EventNotFound")
    assert (await client.get(f"/api/events/{event['id']}", headers=host.headers)).status_code == 200


async def test_deciding_needs_staff_and_an_existing_event(client: httpx.AsyncClient) -> None:
    host = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, host.headers)
    url = f"/api/events/{event['id']}/decision"
    assert_error(
        await client.post(url, json={"approve": True}, headers=host.headers), 403, "Forbidden"
    )
    missing = await client.post(
        "/api/events/nope/decision", json={"approve": True}, headers=coordinator.headers
    )
    assert_error(missing, 404, "EventNotFound")
    assert_error(
        await client.post(url, json={}, headers=coordinator.headers), 422, "ValidationError"
    )


async def test_simultaneous_decisions_are_made_exactly_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    host = await signed_in(client, "host")
    event = await create_event(client, host.headers)
    deciders = [await quick_headers(settings, "coordinator") for _ in range(10)]
    url = f"/api/events/{event['id']}/decision"
    answers = await asyncio.gather(
        *(
            client.post(url, json={"approve": i % 2 == 0}, headers=headers)
            for i, headers in enumerate(deciders)
        )
    )
    assert sorted(a.status_code for a in answers) == [200] + [409] * 9
    winner = next(a for a in answers if a.status_code == 200).json()["approval"]
    assert (await client.get(f"/api/events/{event['id']}", headers=host.headers)).json()[
        "approval"
    ] == winner


async def test_a_get_of_the_queue_decides_nothing(client: httpx.AsyncClient) -> None:
    host = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, host.headers)
    for _ in range(2):
        await client.get("/api/events/queue", headers=coordinator.headers)
        await client.get(f"/api/events/{event['id']}", headers=coordinator.headers)
    assert (await client.get(f"/api/events/{event['id']}", headers=host.headers)).json()[
        "approval"
    ] == "pending"


# --- editing ------------------------------------------------------------------------------------


async def test_the_creator_changes_only_the_fields_sent(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    response = await client.patch(
        f"/api/events/{event['id']}",
        json={"title": "Renamed", "maxCapacity": 3},
        headers=coordinator.headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["title"] == "Renamed"
    assert changed["maxCapacity"] == 3
    assert changed["description"] == event["description"]
    assert changed["approval"] == "approved"


async def test_a_non_staff_creator_editing_an_approved_event_sends_it_back_to_the_queue(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, host.headers)
    await client.post(
        f"/api/events/{event['id']}/decision", json={"approve": True}, headers=coordinator.headers
    )
    edited = await client.patch(
        f"/api/events/{event['id']}", json={"title": "Swapped"}, headers=host.headers
    )
    assert edited.json()["approval"] == "pending"
    assert_error(await client.get(f"/api/events/{event['id']}"), 404, "EventNotFound")


async def test_only_the_creator_or_an_admin_may_edit(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    other_coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    admin = await signed_in(client, "admin")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}"
    for who in (other_coordinator, guest):
        assert_error(
            await client.patch(url, json={"title": "X"}, headers=who.headers), 403, "Forbidden"
        )
    by_admin = await client.patch(url, json={"title": "By admin"}, headers=admin.headers)
    assert by_admin.json()["title"] == "By admin"
    missing = await client.patch("/api/events/nope", json={"title": "X"}, headers=admin.headers)
    assert_error(missing, 404, "EventNotFound")


async def test_an_edit_must_keep_the_end_after_the_start(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    before_start = datetime.fromisoformat(event["startsAt"]) - timedelta(minutes=1)
    response = await client.patch(
        f"/api/events/{event['id']}",
        json={"endsAt": iso(before_start)},
        headers=coordinator.headers,
    )
    body = assert_error(response, 422, "ValidationError")
    assert body["details"][0]["field"] == "body.endsAt"
    nulls = await client.patch(
        f"/api/events/{event['id']}", json={"title": None}, headers=coordinator.headers
    )
    assert_error(nulls, 422, "ValidationError")


async def test_capacity_cannot_drop_below_the_attendees(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers, maxCapacity=5)
    for _ in range(2):
        headers = await quick_headers(settings)
        await client.post(f"/api/events/{event['id']}/attendees", headers=headers)
    url = f"/api/events/{event['id']}"
    assert_error(
        await client.patch(url, json={"maxCapacity": 1}, headers=coordinator.headers),
        409,
        "Conflict",
    )
    assert (await client.patch(url, json={"maxCapacity": 2}, headers=coordinator.headers)).json()[
        "maxCapacity"
    ] == 2


async def test_cancelled_or_ended_events_cannot_be_edited(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    coordinator = await signed_in(client, "coordinator")
    cancelled = await create_event(client, coordinator.headers)
    await client.post(f"/api/events/{cancelled['id']}/cancel", headers=coordinator.headers)
    ended = await create_event(client, coordinator.headers)
    clock.advance(timedelta(days=2))
    for event in (cancelled, ended):
        response = await client.patch(
            f"/api/events/{event['id']}", json={"title": "Late"}, headers=coordinator.headers
        )
        assert_error(response, 409, "Conflict")


# --- cancellation -------------------------------------------------------------------------------


async def test_cancelling_e_mails_the_attendees_once_and_hides_the_event_from_discovery(
    client: httpx.AsyncClient, outbox: Any
) -> None:
    coordinator = await signed_in(client, "coordinator")
    attendee = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers, title="Budget workshop")
    await client.post(f"/api/events/{event['id']}/attendees", headers=attendee.headers)
    url = f"/api/events/{event['id']}/cancel"
    response = await client.post(url, headers=coordinator.headers)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    messages = read_outbox(outbox, attendee.user.email)
    assert len(messages) == 1
    assert "Budget workshop" in messages[0]["Subject"]
    again = await client.post(url, headers=coordinator.headers)
    assert again.json()["status"] == "cancelled"
    assert len(read_outbox(outbox, attendee.user.email)) == 1
    assert (await client.get("/api/events")).json()["total"] == 0
    assert (await client.get(f"/api/events/{event['id']}")).json()["status"] == "cancelled"


async def test_only_the_creator_or_an_admin_may_cancel(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    admin = await signed_in(client, "admin")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}/cancel"
    assert_error(await client.post(url, headers=guest.headers), 403, "Forbidden")
    assert (await client.post(url, headers=admin.headers)).json()["status"] == "cancelled"
    assert_error(
        await client.post("/api/events/nope/cancel", headers=admin.headers), 404, "EventNotFound"
    )


async def test_an_ended_event_cannot_be_cancelled(client: httpx.AsyncClient, clock: Clock) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    clock.advance(timedelta(days=2))
    response = await client.post(f"/api/events/{event['id']}/cancel", headers=coordinator.headers)
    assert_error(response, 409, "Conflict")


# --- deleting an account ------------------------------------------------------------------------


async def test_deleting_a_user_cancels_their_events_and_removes_their_rsvps_saves_and_feedback(
    client: httpx.AsyncClient, outbox: Any
) -> None:
    leaving = await signed_in(client, "coordinator")
    attendee = await signed_in(client, "guest")
    other = await signed_in(client, "coordinator")
    theirs = await create_event(client, leaving.headers, title="Leaving party")
    others = await create_event(client, other.headers)
    await client.post(f"/api/events/{theirs['id']}/attendees", headers=attendee.headers)
    await client.post(f"/api/events/{others['id']}/attendees", headers=leaving.headers)
    await client.put(f"/api/users/current/saved-events/{others['id']}", headers=leaving.headers)
    await client.post(
        f"/api/events/{others['id']}/feedback", json={"comment": "Great"}, headers=leaving.headers
    )
    deleted = await client.delete(f"/api/users/{leaving.id}", headers=leaving.headers)
    assert deleted.status_code == 204
    assert (await client.get(f"/api/events/{theirs['id']}")).json()["status"] == "cancelled"
    assert any("Leaving party" in m["Subject"] for m in read_outbox(outbox, attendee.user.email))
    assert (await client.get(f"/api/events/{others['id']}")).json()["attendeeCount"] == 0
    comments = await client.get(f"/api/events/{others['id']}/feedback", headers=other.headers)
    assert comments.json()["total"] == 0
    assert (await client.get(f"/api/events/{theirs['id']}")).status_code == 200


async def test_an_event_may_only_name_uploaded_images(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    upload = await client.post(
        "/api/images", files={"file": ("a.png", png, "image/png")}, headers=coordinator.headers
    )
    image_id = upload.json()["id"]
    event = await create_event(client, coordinator.headers, imageIds=[image_id])
    assert event["imageIds"] == [image_id]
    unknown = await client.post(
        "/api/events", json=event_body(imageIds=[image_id, "nope"]), headers=coordinator.headers
    )
    body = assert_error(unknown, 422, "ValidationError")
    assert body["details"][0]["field"] == "body.imageIds"
    patched = await client.patch(
        f"/api/events/{event['id']}", json={"imageIds": ["nope"]}, headers=coordinator.headers
    )
    assert_error(patched, 422, "ValidationError")
