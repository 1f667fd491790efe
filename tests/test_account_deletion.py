"""Deleting an account spans several collections without a transaction: it must never stop
half-way in a state that cannot be finished. The user document goes last, so an interrupted
deletion leaves the user in place and repeating it completes the job."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pymongo.errors import ConnectionFailure

from config.db import db
from tests.factories import event_body, signed_in
from utils import users
from utils.flows import accounts


async def _user_with_everything(client: httpx.AsyncClient) -> tuple[str, str, str, str]:
    """A guest with a created event (with an attendee), an RSVP, feedback, a saved event and an
    intake draft. Returns (guest id, admin id, the guest's event id, the other event id)."""
    guest = await signed_in(client, "guest")
    coordinator = await signed_in(client, "coordinator")
    admin = await signed_in(client, "admin")
    own = (await client.post("/api/events", json=event_body(), headers=guest.headers)).json()
    decision = await client.post(
        f"/api/events/{own['id']}/decision", json={"approve": True}, headers=coordinator.headers
    )
    assert decision.status_code == 200, decision.text
    other = (
        await client.post("/api/events", json=event_body(), headers=coordinator.headers)
    ).json()
    steps = [
        client.post(f"/api/events/{own['id']}/attendees", headers=coordinator.headers),
        client.post(f"/api/events/{other['id']}/attendees", headers=guest.headers),
        client.post(
            f"/api/events/{other['id']}/feedback", json={"comment": "Great"}, headers=guest.headers
        ),
        client.put(f"/api/users/current/saved-events/{other['id']}", headers=guest.headers),
        client.put("/api/intake-profile/guest", json={"responses": []}, headers=guest.headers),
    ]
    for step in steps:
        response = await step
        assert response.status_code < 300, response.text
    return guest.id, admin.id, own["id"], other["id"]


async def _traces_of(user_id: str) -> dict[str, int]:
    """How much of the user is left, collection by collection."""
    return {
        "users": await db.collection("users").count_documents({"_id": user_id}),
        "cases": await db.collection("cases").count_documents({"_id": user_id}),
        "intake_profiles": await db.collection("intake_profiles").count_documents(
            {"user_id": user_id}
        ),
        "feedback": await db.collection("feedback").count_documents({"creator_id": user_id}),
        "rsvps": await db.collection("events").count_documents({"attendee_ids": user_id}),
        "live_events": await db.collection("events").count_documents(
            {"creator_id": user_id, "cancelled": False}
        ),
    }


def _dying_after(allowed: int, run: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """A database guard whose process "dies" after `allowed` operations."""
    calls = {"n": 0}

    async def dying_run(operation: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > allowed:
            raise ConnectionFailure("the process died here")
        return await run(operation, *args, **kwargs)

    return dying_run


async def test_an_interrupted_deletion_keeps_the_user_and_a_retry_finishes_it(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    guest_id, admin_id, _, _ = await _user_with_everything(client)
    admin = await users.get_user(admin_id)
    before = await _traces_of(guest_id)
    assert all(before.values()), before
    original_run = db.guard.run
    interruptions = 0
    for allowed in range(200):
        monkeypatch.setattr(db.guard, "run", _dying_after(allowed, original_run))
        try:
            await accounts.delete_account(admin, guest_id)
        except ConnectionFailure:
            interruptions += 1
            monkeypatch.setattr(db.guard, "run", original_run)
            # Interrupted somewhere: the user is still there, so the deletion can be repeated.
            assert (await _traces_of(guest_id))["users"] == 1
            continue
        monkeypatch.setattr(db.guard, "run", original_run)
        break
    print(f"deletion interrupted at {interruptions} points, then completed")
    assert interruptions > 5  # it really was cut at many points
    assert await _traces_of(guest_id) == dict.fromkeys(before, 0)
