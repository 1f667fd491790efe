"""Deleting an account while the same user is still acting: after the deletion returns, nothing of
the user remains, whatever ran beside it; and an interrupted deletion never lets the dashboard
rebuild the user's case.

The deletion marks the user first and cleans up after; every write that adds a reference to a
user checks the mark after its own write and undoes itself (utils.users.is_live). Each race test
runs the two requests with the deletion started 0, 1, 2, ... event-loop turns later, so the
interleavings are walked through one by one; `_racy` replaces that check by "always live" and the
same walk must then leave something behind (shown by the tests named `..._without_the_check_...`).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pymongo.errors import ConnectionFailure

from config.db import db
from tests.factories import SignedInUser, create_event, event_body, signed_in
from tests.test_account_deletion import _dying_after
from utils import cases, events, feedback, images, intake, users
from utils.flows import accounts, dashboard

SHIFTS = range(0, 40, 2)  # event-loop turns by which the user's writes land late


class _SlowWrites:
    """A collection whose inserts and conditional updates take `turns` extra event-loop turns,
    as a round trip to a busy server may: the write lands well after the request decided to
    make it."""

    def __init__(self, collection: Any, turns: int) -> None:
        self._collection = collection
        self._turns = turns

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if name not in ("insert_one", "find_one_and_update"):
            return attr

        async def slow(*args: Any, **kwargs: Any) -> Any:
            for _ in range(self._turns):
                await asyncio.sleep(0)
            return await attr(*args, **kwargs)

        return slow


_COLLECTIONS = [
    (events, "_events", events._events),  # pylint: disable=protected-access
    (feedback, "_feedback", feedback._feedback),  # pylint: disable=protected-access
    (images, "_images", images._images),  # pylint: disable=protected-access
    (intake, "_profiles", intake._profiles),  # pylint: disable=protected-access
    (cases, "_cases", cases._cases),  # pylint: disable=protected-access
]


def _slow_writes(monkeypatch: pytest.MonkeyPatch, turns: int) -> None:
    """Make every write that adds a reference to a user land `turns` turns late."""
    for module, name, original in _COLLECTIONS:
        monkeypatch.setattr(module, name, lambda original=original: _SlowWrites(original(), turns))


def _racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The racy variant: writes no longer look for the deletion mark after writing."""

    async def always_live(_: str) -> bool:
        return True

    monkeypatch.setattr(users, "is_live", always_live)


async def _delete_beside(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    user: SignedInUser,
    action: Callable[[], Awaitable[httpx.Response]],
    turns: int,
    *,
    lead: int = 0,
) -> httpx.Response:
    """Delete the user while `action` runs (started `lead` turns ahead); the action's response."""

    async def deletion() -> httpx.Response:
        for _ in range(lead):
            await asyncio.sleep(0)
        return await client.delete(f"/api/users/{user.id}", headers=user.headers)

    _slow_writes(monkeypatch, turns)
    deleted, acted = await asyncio.gather(deletion(), action())
    _slow_writes(monkeypatch, 0)
    assert deleted.status_code == 204, deleted.text
    assert acted.status_code < 500, acted.text
    return acted


async def _seats_left_by_deleted_rsvps(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> int:
    """Walk every shift: a guest RSVPs to a capacity-1 event while deleting their account.

    Returns how many times a seat was still held afterwards.
    """
    coordinator = await signed_in(client, "coordinator")
    held = 0
    for turns in SHIFTS:
        event = await create_event(client, coordinator.headers, maxCapacity=1)
        guest = await signed_in(client, "guest")
        await _delete_beside(
            client,
            monkeypatch,
            guest,
            lambda e=event, g=guest: client.post(  # type: ignore[misc]
                f"/api/events/{e['id']}/attendees", headers=g.headers
            ),
            turns,
        )
        stored = await db.collection("events").find_one({"_id": event["id"]})
        if stored["attendee_ids"]:
            held += 1
            continue
        # The seat is really free: a real guest gets it.
        other = await signed_in(client, "guest")
        taken = await client.post(f"/api/events/{event['id']}/attendees", headers=other.headers)
        assert taken.status_code == 201, taken.text
    return held


async def test_deleting_an_account_while_it_rsvps_leaves_no_seat_held(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _seats_left_by_deleted_rsvps(client, monkeypatch) == 0


async def test_without_the_check_after_the_write_a_deleted_user_keeps_a_seat(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _racy(monkeypatch)
    left = await _seats_left_by_deleted_rsvps(client, monkeypatch)
    print(f"racy variant: {left} seats held over {len(SHIFTS)} runs")
    assert left > 0


async def _events_left_by_deleted_creators(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> int:
    """Walk every shift: a user creates an event while deleting their account.

    Returns how many live events of a deleted creator were left.
    """
    left = 0
    for turns in SHIFTS:
        creator = await signed_in(client, "host")
        await _delete_beside(
            client,
            monkeypatch,
            creator,
            lambda c=creator: client.post(  # type: ignore[misc]
                "/api/events", json=event_body(public=False), headers=c.headers
            ),
            turns,
        )
        left += await db.collection("events").count_documents(
            {"creator_id": creator.id, "cancelled": False}
        )
    return left


async def test_deleting_an_account_while_it_creates_events_leaves_no_live_event(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _events_left_by_deleted_creators(client, monkeypatch) == 0


async def test_without_the_check_after_the_write_a_deleted_creator_keeps_a_live_event(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _racy(monkeypatch)
    left = await _events_left_by_deleted_creators(client, monkeypatch)
    print(f"racy variant: {left} live events left over {len(SHIFTS)} runs")
    assert left > 0


async def _documents_of(user_id: str) -> int:
    counts = [
        await db.collection("users").count_documents({"_id": user_id}),
        await db.collection("cases").count_documents({"_id": user_id}),
        await db.collection("intake_profiles").count_documents({"user_id": user_id}),
        await db.collection("feedback").count_documents({"creator_id": user_id}),
        await db.collection("images").count_documents({"uploader_id": user_id}),
        await db.collection("events").count_documents({"attendee_ids": user_id}),
        await db.collection("verification_codes").count_documents(
            {"_id": {"$regex": f":{user_id}$"}}
        ),
    ]
    return sum(counts)


async def _traces_left_by_every_write(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> int:
    """Walk every shift: a guest RSVPs, comments, saves an intake draft, uploads an image and
    asks for a reset code while deleting their account. Returns the documents left of them."""
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers, maxCapacity=1000)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    left = 0
    for turns in SHIFTS:
        guest = await signed_in(client, "guest")
        headers = guest.headers
        _slow_writes(monkeypatch, turns)
        answers = await asyncio.gather(
            client.delete(f"/api/users/{guest.id}", headers=headers),
            client.post(f"/api/events/{event['id']}/attendees", headers=headers),
            client.post(
                f"/api/events/{event['id']}/feedback", json={"comment": "Hi"}, headers=headers
            ),
            client.put("/api/intake-profile/guest", json={"responses": []}, headers=headers),
            client.post("/api/images", files={"file": ("a.png", png)}, headers=headers),
            client.post("/api/auth/forgot-password", json={"email": guest.user.email}),
        )
        _slow_writes(monkeypatch, 0)
        assert answers[0].status_code == 204, answers[0].text
        for answer in answers[1:]:
            assert answer.status_code < 500, answer.text
        left += await _documents_of(guest.id)
    return left


async def test_after_a_deletion_returns_nothing_of_the_user_remains_whatever_ran_beside_it(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _traces_left_by_every_write(client, monkeypatch) == 0


async def test_without_the_check_after_the_write_traces_of_a_deleted_user_remain(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _racy(monkeypatch)
    left = await _traces_left_by_every_write(client, monkeypatch)
    print(f"racy variant: {left} documents left over {len(SHIFTS)} runs")
    assert left > 0


async def _cases_left_by_coordinator_updates(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> int:
    """Walk every shift: a coordinator writes a guest's case notes while the guest deletes their
    account. Returns how many cases of deleted guests were left (rebuilt by the update)."""
    coordinator = await signed_in(client, "coordinator")
    left = 0
    for turns in SHIFTS:
        guest = await signed_in(client, "guest")
        await _delete_beside(
            client,
            monkeypatch,
            guest,
            lambda g=guest: client.patch(  # type: ignore[misc]
                f"/api/coordinator/cases/{g.id}",
                json={"notes": "Called today."},
                headers=coordinator.headers,
            ),
            turns,
            lead=4,  # the coordinator's request reads the user before the deletion's mark
        )
        left += await db.collection("cases").count_documents({"_id": guest.id})
    return left


async def test_a_case_update_beside_a_deletion_never_rebuilds_the_case(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _cases_left_by_coordinator_updates(client, monkeypatch) == 0


async def test_without_the_check_after_the_write_a_case_update_rebuilds_a_deleted_users_case(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _racy(monkeypatch)
    left = await _cases_left_by_coordinator_updates(client, monkeypatch)
    print(f"racy variant: {left} cases rebuilt over {len(SHIFTS)} runs")
    assert left > 0


# --- interrupted deletions and the dashboard -----------------------------------------------------


async def test_an_interrupted_deletion_never_lets_the_dashboard_rebuild_the_case(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = await signed_in(client, "coordinator")
    admin = await signed_in(client, "admin")
    guest = await signed_in(client, "guest")
    assigned = await client.patch(
        f"/api/coordinator/cases/{guest.id}",
        json={"coordinatorId": coordinator.id, "notes": "Met on Monday."},
        headers=coordinator.headers,
    )
    assert assigned.status_code == 200, assigned.text
    staff = await users.get_user(admin.id)
    original_run = db.guard.run
    interruptions = 0
    for allowed in range(100):
        monkeypatch.setattr(db.guard, "run", _dying_after(allowed, original_run))
        try:
            await accounts.delete_account(staff, guest.id)
        except ConnectionFailure:
            interruptions += 1
            monkeypatch.setattr(db.guard, "run", original_run)
            # The case is never rebuilt as new: it is the original (notes kept) or gone.
            page = await dashboard.list_dashboard(await users.get_user(coordinator.id), limit=100)
            case = await db.collection("cases").find_one({"_id": guest.id})
            assert case is None or case.get("notes") == "Met on Monday.", case
            if allowed:  # the mark (the first write) was made: signed out, off the dashboard
                assert guest.id not in {item.user_id for item in page.dashboard_items}
                response = await client.get("/api/users/current", headers=guest.headers)
                assert response.status_code == 401, response.text
            continue
        monkeypatch.setattr(db.guard, "run", original_run)
        break
    assert interruptions > 5
    assert await _documents_of(guest.id) == 0
