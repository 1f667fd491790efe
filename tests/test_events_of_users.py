"""The signed-in user's events (created, attending, saved, archived) and saved events."""

from datetime import timedelta

import httpx

from tests.conftest import assert_error
from tests.factories import Clock, create_event, signed_in


async def _mine(client: httpx.AsyncClient, headers: dict[str, str], kind: str = "") -> list[str]:
    query = f"?kind={kind}" if kind else ""
    response = await client.get(f"/api/users/current/events{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [event["title"] for event in response.json()["items"]]


async def test_created_lists_your_current_events_in_any_approval_and_is_the_default(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    other = await signed_in(client, "coordinator")
    await create_event(client, host.headers, title="Mine, pending")
    await create_event(client, host.headers, title="Mine, private", public=False)
    await create_event(client, other.headers, title="Not mine")
    assert sorted(await _mine(client, host.headers)) == ["Mine, pending", "Mine, private"]
    assert sorted(await _mine(client, host.headers, "created")) == [
        "Mine, pending",
        "Mine, private",
    ]


async def test_attending_lists_the_events_you_rsvped_to(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    going = await create_event(client, coordinator.headers, title="Going")
    await create_event(client, coordinator.headers, title="Not going")
    await client.post(f"/api/events/{going['id']}/attendees", headers=guest.headers)
    assert await _mine(client, guest.headers, "attending") == ["Going"]
    await client.delete(f"/api/events/{going['id']}/attendees/me", headers=guest.headers)
    assert await _mine(client, guest.headers, "attending") == []


async def test_saving_is_idempotent_and_only_for_events_you_can_see(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    host = await signed_in(client, "host")
    guest = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers, title="Worth saving")
    pending = await create_event(client, host.headers, title="Pending")
    url = f"/api/users/current/saved-events/{event['id']}"
    assert (await client.put(url, headers=guest.headers)).status_code == 204
    assert (await client.put(url, headers=guest.headers)).status_code == 204
    assert await _mine(client, guest.headers, "saved") == ["Worth saving"]
    hidden = await client.put(
        f"/api/users/current/saved-events/{pending['id']}", headers=guest.headers
    )
    assert_error(hidden, 404, "EventNotFound")
    unknown = await client.put("/api/users/current/saved-events/nope", headers=guest.headers)
    assert_error(unknown, 404, "EventNotFound")
    assert (await client.delete(url, headers=guest.headers)).status_code == 204
    assert (await client.delete(url, headers=guest.headers)).status_code == 204
    assert await _mine(client, guest.headers, "saved") == []


async def test_a_saved_event_that_is_no_longer_visible_drops_out_of_the_list(
    client: httpx.AsyncClient,
) -> None:
    host = await signed_in(client, "host")
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    event = await create_event(client, host.headers, title="Changes")
    url = f"/api/events/{event['id']}"
    await client.post(f"{url}/decision", json={"approve": True}, headers=coordinator.headers)
    await client.put(f"/api/users/current/saved-events/{event['id']}", headers=guest.headers)
    assert await _mine(client, guest.headers, "saved") == ["Changes"]
    await client.patch(url, json={"title": "Changed"}, headers=host.headers)  # back to pending
    assert await _mine(client, guest.headers, "saved") == []


async def test_archived_lists_ended_or_cancelled_events_you_created_or_attended(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    attended = await create_event(client, coordinator.headers, title="Attended")
    cancelled = await create_event(client, coordinator.headers, title="Cancelled")
    await create_event(client, coordinator.headers, title="Ignored")
    await client.post(f"/api/events/{attended['id']}/attendees", headers=guest.headers)
    await client.post(f"/api/events/{cancelled['id']}/attendees", headers=guest.headers)
    await client.post(f"/api/events/{cancelled['id']}/cancel", headers=coordinator.headers)
    assert await _mine(client, guest.headers, "archived") == ["Cancelled"]
    assert await _mine(client, guest.headers, "attending") == ["Attended"]
    clock.advance(timedelta(days=2))
    assert sorted(await _mine(client, guest.headers, "archived")) == ["Attended", "Cancelled"]
    assert await _mine(client, guest.headers, "attending") == []
    assert len(await _mine(client, coordinator.headers, "archived")) == 3
    assert await _mine(client, coordinator.headers, "created") == []


async def test_an_unknown_kind_is_422_and_the_list_needs_sign_in(
    client: httpx.AsyncClient,
) -> None:
    guest = await signed_in(client, "guest")
    response = await client.get("/api/users/current/events?kind=everything", headers=guest.headers)
    assert_error(response, 422, "ValidationError")
    assert_error(await client.get("/api/users/current/events"), 401, "NotAuthenticated")
