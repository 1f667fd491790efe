"""Feedback on events: add, list as the event is visible, delete by its author or an admin."""

import httpx

from tests.conftest import assert_error
from tests.factories import create_event, signed_in


async def test_feedback_is_201_and_listed_oldest_first(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}/feedback"
    first = await client.post(url, json={"comment": "  Very useful  "}, headers=guest.headers)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["eventId"] == event["id"]
    assert body["creatorId"] == guest.id
    assert body["comment"] == "Very useful"
    assert set(body) == {"id", "eventId", "comment", "creatorId", "createdAt"}
    await client.post(url, json={"comment": "Second"}, headers=coordinator.headers)
    listed = await client.get(url, headers=guest.headers)
    assert [f["comment"] for f in listed.json()["items"]] == ["Very useful", "Second"]
    assert listed.json()["total"] == 2


async def test_feedback_must_be_1_to_2000_characters(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}/feedback"
    for comment in ("", "   ", "x" * 2001):
        response = await client.post(url, json={"comment": comment}, headers=coordinator.headers)
        assert_error(response, 422, "ValidationError")
    longest = await client.post(url, json={"comment": "x" * 2000}, headers=coordinator.headers)
    assert longest.status_code == 201


async def test_feedback_on_an_event_you_cannot_see_is_404(client: httpx.AsyncClient) -> None:
    host = await signed_in(client, "host")
    guest = await signed_in(client, "guest")
    pending = await create_event(client, host.headers)
    url = f"/api/events/{pending['id']}/feedback"
    added = await client.post(url, json={"comment": "Hi"}, headers=guest.headers)
    assert_error(added, 404, "EventNotFound")
    assert_error(await client.get(url, headers=guest.headers), 404, "EventNotFound")
    assert (await client.get(url, headers=host.headers)).status_code == 200
    missing = await client.post(
        "/api/events/nope/feedback", json={"comment": "Hi"}, headers=guest.headers
    )
    assert_error(missing, 404, "EventNotFound")


async def test_only_the_author_or_an_admin_may_delete_feedback(client: httpx.AsyncClient) -> None:
    creator = await signed_in(client, "coordinator")
    author = await signed_in(client, "guest")
    other = await signed_in(client, "host")
    admin = await signed_in(client, "admin")
    event = await create_event(client, creator.headers)
    url = f"/api/events/{event['id']}/feedback"
    first = (await client.post(url, json={"comment": "One"}, headers=author.headers)).json()
    second = (await client.post(url, json={"comment": "Two"}, headers=author.headers)).json()
    for who in (other, creator):
        response = await client.delete(f"{url}/{first['id']}", headers=who.headers)
        assert_error(response, 403, "Forbidden")
    assert (await client.delete(f"{url}/{first['id']}", headers=author.headers)).status_code == 204
    assert (await client.delete(f"{url}/{second['id']}", headers=admin.headers)).status_code == 204
    gone = await client.delete(f"{url}/{first['id']}", headers=author.headers)
    assert_error(gone, 404, "FeedbackNotFound")
    assert (await client.get(url, headers=author.headers)).json()["total"] == 0


async def test_feedback_is_deleted_only_through_its_own_event(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    first = await create_event(client, coordinator.headers)
    second = await create_event(client, coordinator.headers)
    comment = (
        await client.post(
            f"/api/events/{first['id']}/feedback",
            json={"comment": "Hi"},
            headers=coordinator.headers,
        )
    ).json()
    wrong = await client.delete(
        f"/api/events/{second['id']}/feedback/{comment['id']}", headers=coordinator.headers
    )
    assert_error(wrong, 404, "FeedbackNotFound")
