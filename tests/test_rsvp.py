"""RSVPs: within capacity however many ask at once, idempotent, cancellable; the attendee list."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from config.db import db
from config.settings import Settings
from tests.conftest import assert_error
from tests.factories import Clock, create_event, quick_headers, signed_in


async def test_rsvp_is_201_then_200_when_already_attending(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}/attendees"
    first = await client.post(url, headers=guest.headers)
    assert first.status_code == 201
    assert first.json() == {"eventId": event["id"], "attendeeCount": 1}
    second = await client.post(url, headers=guest.headers)
    assert second.status_code == 200
    assert second.json()["attendeeCount"] == 1


async def test_withdrawing_is_204_and_idempotent(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers)
    await client.post(f"/api/events/{event['id']}/attendees", headers=guest.headers)
    url = f"/api/events/{event['id']}/attendees/me"
    assert (await client.delete(url, headers=guest.headers)).status_code == 204
    assert (await client.delete(url, headers=guest.headers)).status_code == 204
    assert (await client.get(f"/api/events/{event['id']}")).json()["attendeeCount"] == 0
    stored = await db.collection("events").find_one({"_id": event["id"]})
    assert stored["attendee_ids"] == []
    missing = await client.delete("/api/events/nope/attendees/me", headers=guest.headers)
    assert_error(missing, 404, "EventNotFound")


async def test_a_full_event_is_409_event_full(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    first = await signed_in(client, "guest")
    second = await signed_in(client, "host")
    event = await create_event(client, coordinator.headers, maxCapacity=1)
    url = f"/api/events/{event['id']}/attendees"
    assert (await client.post(url, headers=first.headers)).status_code == 201
    assert_error(await client.post(url, headers=second.headers), 409, "EventFull")


async def test_rsvp_to_a_cancelled_or_ended_event_is_409_conflict(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    cancelled = await create_event(client, coordinator.headers)
    await client.post(f"/api/events/{cancelled['id']}/cancel", headers=coordinator.headers)
    ended = await create_event(client, coordinator.headers)
    clock.advance(timedelta(days=2))
    for event in (cancelled, ended):
        response = await client.post(f"/api/events/{event['id']}/attendees", headers=guest.headers)
        assert_error(response, 409, "Conflict")


async def test_rsvp_is_open_while_an_event_is_ongoing(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers)
    clock.advance(timedelta(days=1, hours=1))
    response = await client.post(f"/api/events/{event['id']}/attendees", headers=guest.headers)
    assert response.status_code == 201


async def test_rsvp_to_an_invisible_or_unapproved_event(client: httpx.AsyncClient) -> None:
    host = await signed_in(client, "host")
    guest = await signed_in(client, "guest")
    pending = await create_event(client, host.headers)
    url = f"/api/events/{pending['id']}/attendees"
    assert_error(await client.post(url, headers=guest.headers), 404, "EventNotFound")
    assert_error(await client.post(url, headers=host.headers), 409, "Conflict")
    missing = await client.post("/api/events/nope/attendees", headers=guest.headers)
    assert_error(missing, 404, "EventNotFound")


async def test_fifty_simultaneous_rsvps_to_ten_places_give_exactly_ten_attendees(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers, maxCapacity=10)
    people = [await quick_headers(settings) for _ in range(50)]
    url = f"/api/events/{event['id']}/attendees"
    answers = await asyncio.gather(*(client.post(url, headers=headers) for headers in people))
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(201) == 10
    assert statuses.count(409) == 40
    for answer in answers:
        if answer.status_code == 409:
            assert_error(answer, 409, "EventFull")
    assert (await client.get(f"/api/events/{event['id']}")).json()["attendeeCount"] == 10
    listed = await client.get(f"{url}?limit=100", headers=coordinator.headers)
    assert listed.json()["total"] == 10
    stored = await db.collection("events").find_one({"_id": event["id"]})
    assert len(stored["attendee_ids"]) == 10


async def test_simultaneous_rsvps_of_one_person_count_once(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}/attendees"
    answers = await asyncio.gather(*(client.post(url, headers=guest.headers) for _ in range(10)))
    assert sorted(a.status_code for a in answers) == [200] * 9 + [201]
    assert (await client.get(f"/api/events/{event['id']}")).json()["attendeeCount"] == 1


async def test_attendees_are_listed_for_the_creator_and_staff_only(
    client: httpx.AsyncClient,
) -> None:
    creator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    host = await signed_in(client, "host")
    admin = await signed_in(client, "admin")
    event = await create_event(client, creator.headers)
    url = f"/api/events/{event['id']}/attendees"
    await client.post(url, headers=guest.headers)
    await client.post(url, headers=host.headers)
    for who in (creator, admin):
        listed = await client.get(url, headers=who.headers)
        assert listed.status_code == 200
        body: dict[str, Any] = listed.json()
        assert [u["id"] for u in body["items"]] == [guest.id, host.id]
        assert "passwordHash" not in body["items"][0]
    assert_error(await client.get(url, headers=guest.headers), 403, "Forbidden")
    assert_error(await client.get(url), 401, "NotAuthenticated")
    page = await client.get(f"{url}?limit=1&offset=1", headers=creator.headers)
    assert [u["id"] for u in page.json()["items"]] == [host.id]
    assert page.json()["total"] == 2


async def test_an_attendee_still_sees_an_event_that_went_back_to_the_queue(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    attendee = await signed_in(client, "guest")
    stranger = await signed_in(client, "guest")
    event = await create_event(client, host.headers)
    url = f"/api/events/{event['id']}"
    await client.post(f"{url}/decision", json={"approve": True}, headers=coordinator.headers)
    await client.post(f"{url}/attendees", headers=attendee.headers)
    await client.patch(url, json={"description": "New text"}, headers=host.headers)
    assert (await client.get(url, headers=attendee.headers)).json()["approval"] == "pending"
    assert_error(await client.get(url, headers=stranger.headers), 404, "EventNotFound")
