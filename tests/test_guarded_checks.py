"""Checks that no other test would miss if they were deleted: each was found by deleting one
authorisation, ownership, visibility or state check at a time and running the tests (see the
branch's report); each test here fails without its check."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from config.db import db
from config.settings import Settings
from models.users import Role, UserStatus
from tests.conftest import assert_error
from tests.factories import create_event, make_user, quick_headers, read_outbox
from utils import codes, users


async def test_a_stranger_cannot_rsvp_to_a_private_event(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    creator = await quick_headers(settings, "host")
    stranger = await quick_headers(settings, "guest")
    event = await create_event(client, creator, public=False)
    response = await client.post(f"/api/events/{event['id']}/attendees", headers=stranger)
    assert_error(response, 404, "EventNotFound")
    stored = await db.collection("events").find_one({"_id": event["id"]})
    assert stored["attendee_ids"] == []


async def test_a_cancelled_event_that_has_not_ended_takes_no_rsvp(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    coordinator = await quick_headers(settings, "coordinator")
    guest = await quick_headers(settings, "guest")
    event = await create_event(client, coordinator)
    await client.post(f"/api/events/{event['id']}/cancel", headers=coordinator)
    response = await client.post(f"/api/events/{event['id']}/attendees", headers=guest)
    assert_error(response, 409, "Conflict")
    stored = await db.collection("events").find_one({"_id": event["id"]})
    assert stored["attendee_ids"] == []


async def test_an_edit_cannot_move_an_event_into_the_past(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    host = await quick_headers(settings, "host")
    event = await create_event(client, host)
    past = datetime.now(UTC) - timedelta(days=2)
    response = await client.patch(
        f"/api/events/{event['id']}",
        json={"startsAt": past.isoformat(), "endsAt": (past + timedelta(hours=1)).isoformat()},
        headers=host,
    )
    body = assert_error(response, 422, "ValidationError")
    assert [d["field"] for d in body["details"]] == ["body.endsAt"]  # type: ignore[union-attr]
    stored = await db.collection("events").find_one({"_id": event["id"]})
    assert stored["ends_at"] > datetime.now(UTC)


async def test_capacity_below_the_attendees_is_409_saying_so(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    coordinator = await quick_headers(settings, "coordinator")
    event = await create_event(client, coordinator, maxCapacity=5)
    for _ in range(2):
        guest = await quick_headers(settings, "guest")
        await client.post(f"/api/events/{event['id']}/attendees", headers=guest)
    response = await client.patch(
        f"/api/events/{event['id']}", json={"maxCapacity": 1}, headers=coordinator
    )
    body = assert_error(response, 409, "Conflict")
    # Not the generic "changed while being edited": the client is told what is wrong.
    assert "maxCapacity" in str(body["message"])
    stored = await db.collection("events").find_one({"_id": event["id"]})
    assert stored["max_capacity"] == 5


async def test_a_private_event_edited_by_its_creator_stays_approved(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    host = await quick_headers(settings, "host")
    private = await create_event(client, host, public=False)
    edited = await client.patch(
        f"/api/events/{private['id']}", json={"title": "Our picnic"}, headers=host
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["approval"] == "approved"
    pending = await create_event(client, host)
    assert pending["approval"] == "pending"
    made_private = await client.patch(
        f"/api/events/{pending['id']}", json={"public": False}, headers=host
    )
    assert made_private.json()["approval"] == "approved"


async def test_deleting_feedback_on_an_event_you_cannot_see_is_404_not_403(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    creator = await quick_headers(settings, "host")
    stranger = await quick_headers(settings, "guest")
    private = await create_event(client, creator, public=False)
    url = f"/api/events/{private['id']}/feedback"
    written = await client.post(url, json={"comment": "Mine"}, headers=creator)
    response = await client.delete(f"{url}/{written.json()['id']}", headers=stranger)
    # A 403 would tell a stranger that this private event and this comment exist.
    assert_error(response, 404, "EventNotFound")


async def test_an_old_confirmation_code_does_nothing_once_the_account_is_active(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.GUEST)
    code = await codes.issue_code(codes.Purpose.CONFIRM_EMAIL, user.id)
    response = await client.get(
        "/api/auth/signup/confirm", params={"email": user.email, "code": code}
    )
    assert_error(response, 400, "InvalidCode")


async def test_forgot_password_sends_an_invited_user_nothing(
    client: httpx.AsyncClient, outbox: Path
) -> None:
    invited = await make_user(Role.GUEST, status=UserStatus.INVITED)
    response = await client.post("/api/auth/forgot-password", json={"email": invited.email})
    assert response.status_code == 200
    assert not read_outbox(outbox, invited.email)


async def test_a_reset_code_cannot_set_the_first_password_of_an_invited_user(
    client: httpx.AsyncClient,
) -> None:
    invited = await make_user(Role.GUEST, status=UserStatus.INVITED)
    code = await codes.issue_code(codes.Purpose.RESET_PASSWORD, invited.id)
    response = await client.post(
        "/api/auth/forgot-password/confirm",
        json={"email": invited.email, "code": code, "password": "N3w-password!"},
    )
    assert_error(response, 400, "InvalidCode")
    assert (await users.find_by_email(invited.email)).status == UserStatus.INVITED  # type: ignore[union-attr]


async def test_resending_a_confirmation_code_to_an_active_account_sends_nothing(
    client: httpx.AsyncClient, outbox: Path
) -> None:
    user = await make_user(Role.HOST)
    response = await client.post("/api/auth/resend_confirmation_code", json={"email": user.email})
    assert response.status_code == 200
    assert not read_outbox(outbox, user.email)


async def test_an_invitation_code_does_nothing_once_the_account_is_active(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user(Role.GUEST)
    code = await codes.issue_code(codes.Purpose.INVITE, user.id)
    response = await client.get(
        "/api/auth/confirm-invite", params={"email": user.email, "code": code}
    )
    assert_error(response, 400, "InvalidCode")


async def test_one_invitation_code_sent_five_times_at_once_gives_one_session(
    client: httpx.AsyncClient,
) -> None:
    invited = await make_user(Role.HOST, status=UserStatus.INVITED)
    code = await codes.issue_code(codes.Purpose.INVITE, invited.id)
    responses = await asyncio.gather(
        *(
            client.get("/api/auth/confirm-invite", params={"email": invited.email, "code": code})
            for _ in range(5)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400, 400]


async def test_a_put_naming_one_program_id_twice_is_409(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    coordinator = await quick_headers(settings, "coordinator")
    created = await client.post(
        "/api/housing-orgs",
        json={"orgName": "Twice", "programs": [{"programName": "A"}]},
        headers=coordinator,
    )
    org = created.json()
    program_id = org["programs"][0]["id"]
    body = {
        "orgName": "Twice",
        "programs": [
            {"id": program_id, "programName": "A"},
            {"id": program_id, "programName": "B"},
        ],
    }
    response = await client.put(f"/api/housing-orgs/{org['id']}", json=body, headers=coordinator)
    assert_error(response, 409, "Conflict")
    stored = await client.get(f"/api/housing-orgs/{org['id']}", headers=coordinator)
    assert [p["programName"] for p in stored.json()["programs"]] == ["A"]
