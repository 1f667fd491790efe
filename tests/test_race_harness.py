"""The race harness can fail: each concurrency test's scenario, run on a deliberately racy
read-then-write variant of the product function, breaks the rule the test checks.

A concurrency test that passes on racy code proves nothing. The embedded store yields to the event
loop around every operation (config/db.py), so a read-then-write variant loses the race here as it
would on a real server. One test: for each scenario, swap the variant in and watch the race show.
The product's own side of each scenario is tested in tests/test_rsvp.py, tests/test_races.py and
tests/test_events.py.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from config.db import db
from config.errors import AlreadyDecided, EmailAlreadyRegistered, EventFull
from config.settings import Settings
from models.commons import utcnow
from models.events import Attendance, Event
from models.users import User
from tests.factories import PASSWORD, create_event, quick_headers, signed_in
from utils import events as event_utils
from utils import users
from utils.flows import auth
from utils.pure.event_rules import to_event


async def _racy_attend(user: User, event_id: str) -> tuple[Attendance, bool]:
    """Read, check capacity and presence, then push: the pattern the real attend() avoids."""
    events = db.collection("events")
    document = await events.find_one({"_id": event_id})
    if user.id in document["attendee_ids"]:
        return Attendance(event_id=event_id, attendee_count=len(document["attendee_ids"])), False
    if len(document["attendee_ids"]) >= document["max_capacity"]:
        raise EventFull()
    await events.update_one({"_id": event_id}, {"$push": {"attendee_ids": user.id}})
    return Attendance(event_id=event_id, attendee_count=len(document["attendee_ids"]) + 1), True


async def _fifty_rsvps_to_ten_places(client: httpx.AsyncClient, settings: Settings) -> bool:
    """Whether more than ten of fifty simultaneous RSVPs got a place."""
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers, maxCapacity=10)
    people = [await quick_headers(settings) for _ in range(50)]
    url = f"/api/events/{event['id']}/attendees"
    await asyncio.gather(*(client.post(url, headers=headers) for headers in people))
    return (await client.get(f"/api/events/{event['id']}")).json()["attendeeCount"] > 10


async def _one_person_rsvps_ten_times(client: httpx.AsyncClient, _: Settings) -> bool:
    """Whether one person's ten simultaneous RSVPs counted more than once."""
    coordinator = await signed_in(client, "coordinator")
    guest = await signed_in(client, "guest")
    event = await create_event(client, coordinator.headers)
    url = f"/api/events/{event['id']}/attendees"
    await asyncio.gather(*(client.post(url, headers=guest.headers) for _ in range(10)))
    return (await client.get(f"/api/events/{event['id']}")).json()["attendeeCount"] > 1


async def _twenty_signups_with_one_address(client: httpx.AsyncClient, _: Settings) -> bool:
    """Whether more than one of twenty simultaneous sign-ups with one address made an account."""
    body = {"email": "racy@example.org", "password": PASSWORD, "firstName": "R", "role": "guest"}
    answers = await asyncio.gather(*(client.post("/api/auth/signup", json=body) for _ in range(20)))
    return [answer.status_code for answer in answers].count(201) > 1


async def _ten_simultaneous_approvals(client: httpx.AsyncClient, settings: Settings) -> bool:
    """Whether more than one of ten simultaneous decisions on one event was made."""
    host = await signed_in(client, "host")
    event = await create_event(client, host.headers)
    deciders = [await quick_headers(settings, "coordinator") for _ in range(10)]
    url = f"/api/events/{event['id']}/decision"
    answers = await asyncio.gather(
        *(client.post(url, json={"approve": True}, headers=headers) for headers in deciders)
    )
    return [answer.status_code for answer in answers].count(200) > 1


async def _racy_decide(_: User, event_id: str, approve: bool) -> Event:
    """Read, check, then write: the pattern the real decide() avoids."""
    collection = db.collection("events")
    document = await collection.find_one({"_id": event_id})
    if document["approval"] != "pending":
        raise AlreadyDecided()
    approval = "approved" if approve else "denied"
    await collection.update_one({"_id": event_id}, {"$set": {"approval": approval}})
    return to_event({**document, "approval": approval}, utcnow())


async def _read_then_write_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_utils, "decide", _racy_decide)


async def _check_then_register(monkeypatch: pytest.MonkeyPatch) -> None:
    """The naive sign-up: check, then insert, with no unique index to catch the loser."""
    await db.collection("users").drop_index("email_lower_unique")
    register = auth.register

    async def racy_register(body: Any, *args: Any) -> Any:
        if await users.find_by_email(str(body.email)) is not None:
            raise EmailAlreadyRegistered()
        return await register(body, *args)

    monkeypatch.setattr(auth, "register", racy_register)


async def _read_then_push_rsvp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_utils, "attend", _racy_attend)


Scenario = Callable[[httpx.AsyncClient, Settings], Awaitable[bool]]
Variant = Callable[[pytest.MonkeyPatch], Awaitable[None]]


@pytest.mark.parametrize(
    ("variant", "scenario"),
    [
        (_read_then_push_rsvp, _fifty_rsvps_to_ten_places),
        (_read_then_push_rsvp, _one_person_rsvps_ten_times),
        (_check_then_register, _twenty_signups_with_one_address),
        (_read_then_write_decision, _ten_simultaneous_approvals),
    ],
    ids=["rsvp-overbooks", "rsvp-counts-twice", "signup-duplicates", "decided-twice"],
)
async def test_each_race_shows_on_a_read_then_write_variant(
    client: httpx.AsyncClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    variant: Variant,
    scenario: Scenario,
) -> None:
    await variant(monkeypatch)
    assert await scenario(client, settings), "the racy variant should have lost the race"
