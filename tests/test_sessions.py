"""Sessions and refresh tokens as the web app uses them: several sessions per user, parallel
refreshes with one cookie, the 30 s grace, replays, forged cookies, and what ends a session.

Refresh calls build their request by hand (`_get`), so each sends exactly the cookie given and
never one the shared client's cookie jar picked up from a parallel answer.
"""

import asyncio
import base64
import hashlib
import hmac
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import jwt
import pytest
from fastapi import FastAPI

from config.db import db
from config.errors import InvalidToken, SessionRevoked
from config.settings import Settings
from models.commons import utcnow
from tests.conftest import assert_error
from tests.factories import PASSWORD, Clock, last_code, make_user, sign_in
from utils import users
from utils.pure import sessions as session_rules
from utils.pure import tokens

NEW_PASSWORD = "An0ther-pass!"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Control the time utils.users sees."""
    moving = Clock()
    monkeypatch.setattr(users, "utcnow", moving.now)
    return moving


async def _get(
    client: httpx.AsyncClient, path: str, *, cookie: str | None = None, token: str | None = None
) -> httpx.Response:
    headers = {}
    if cookie is not None:
        headers["Cookie"] = f"refresh_token={cookie}"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return await client.send(httpx.Request("GET", f"{client.base_url}{path}", headers=headers))


async def _refresh(client: httpx.AsyncClient, cookie: str, path: str = "/refresh") -> str:
    """Refresh (200 expected) and return the new cookie."""
    response = await _get(client, f"/api/auth{path}", cookie=cookie)
    assert response.status_code == 200, response.text
    return str(response.cookies["refresh_token"])


async def _is_live(client: httpx.AsyncClient, access_token: str) -> bool:
    response = await _get(client, "/api/users/current", token=access_token)
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


def _claims(access_token: str) -> tuple[str, str]:
    """The user id and session id any holder of an access token can read."""
    payload = jwt.decode(access_token, options={"verify_signature": False})
    return str(payload["sub"]), str(payload["sid"])


async def _stored_sessions(user_id: str) -> Any:
    document = await db.collection("users").find_one({"_id": user_id}, {"sessions": 1})
    assert document is not None
    return document.get("sessions")


# --- several sessions per user ------------------------------------------------------------------


async def test_every_session_of_a_user_refreshes_twice_and_none_is_revoked(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user("guest")
    sessions = [await sign_in(client, user.email) for _ in range(3)]
    cookies = [s.refresh_cookie for s in sessions]
    # The third first: with the positional `$` the embedded store rotated the first one instead.
    for index in (2, 0, 1, 2, 0, 1):
        response = await _get(client, "/api/auth/refresh", cookie=cookies[index])
        assert response.status_code == 200, (index, response.text)
        cookies[index] = response.cookies["refresh_token"]
        assert await _is_live(client, response.json()["token"]), index
    for index, session in enumerate(sessions):
        assert await _is_live(client, session.token), index
        assert await _refresh(client, cookies[index])


# --- parallel refreshes with one cookie ---------------------------------------------------------


async def _parallel(client: httpx.AsyncClient, cookies: list[str]) -> list[httpx.Response]:
    # As the web app does: /refresh after each failed call and /session on the page load.
    paths = [f"/api/auth/{'session' if i % 3 == 0 else 'refresh'}" for i in range(len(cookies))]
    calls = (_get(client, path, cookie=cookie) for path, cookie in zip(paths, cookies, strict=True))
    return list(await asyncio.gather(*calls))


async def test_parallel_refreshes_and_sessions_with_one_cookie_all_succeed_and_a_cookie_works(
    client: httpx.AsyncClient,
) -> None:
    me = await sign_in(client, (await make_user("guest")).email)
    first = await _parallel(client, [me.refresh_cookie] * 8)
    assert [r.status_code for r in first] == [200] * 8, [r.text for r in first]
    # Every answer carries the same cookie, so whichever arrives last the browser holds a good one.
    assert len({r.cookies["refresh_token"] for r in first}) == 1
    for response in first:
        assert await _is_live(client, response.json()["token"])
    newer = first[-1].cookies["refresh_token"]
    # A second wave with the new cookie, while stragglers with the first one still arrive.
    second = await _parallel(client, [newer, me.refresh_cookie] * 4)
    assert [r.status_code for r in second] == [200] * 8, [r.text for r in second]
    # A straggler read before the new cookie rotated answers that one: each works, in any order.
    for cookie in {r.cookies["refresh_token"] for r in second}:
        assert await _refresh(client, cookie)
    assert await _is_live(client, me.token)


async def test_without_the_grace_parallel_refreshes_revoke_the_session(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The deliberately racy variant: every non-current token is taken for a replay.
    monkeypatch.setattr(session_rules, "REFRESH_GRACE", timedelta(0))
    me = await sign_in(client, (await make_user("guest")).email)
    answers = await _parallel(client, [me.refresh_cookie] * 8)
    assert any(r.status_code == 401 for r in answers), "the race should show without the grace"
    assert not await _is_live(client, me.token)


async def test_remembering_one_rotation_is_not_enough_for_stragglers_of_two_waves(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The variant that keeps only the latest rotation: a straggler two generations old is revoked.
    monkeypatch.setattr(session_rules, "ROTATIONS_REMEMBERED", 1)
    me = await sign_in(client, (await make_user("guest")).email)
    newer = await _refresh(client, me.refresh_cookie)
    answers = await _parallel(client, [newer, me.refresh_cookie] * 4)
    assert any(r.status_code == 401 for r in answers)


# --- the grace and replays ----------------------------------------------------------------------


async def test_a_rotated_token_refreshes_within_30_s_and_revokes_the_session_after(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    me = await sign_in(client, (await make_user("guest")).email)
    rotated = await _refresh(client, me.refresh_cookie)
    clock.advance(timedelta(seconds=29))
    within = await _get(client, "/api/auth/refresh", cookie=me.refresh_cookie)
    assert within.status_code == 200, within.text
    assert within.cookies["refresh_token"] == rotated  # the current token, not a new rotation
    clock.advance(timedelta(seconds=2))
    replay = await _get(client, "/api/auth/refresh", cookie=me.refresh_cookie)
    assert_error(replay, 401, "InvalidToken")
    assert_error(await _get(client, "/api/auth/refresh", cookie=rotated), 401, "InvalidToken")
    assert_error(
        await _get(client, "/api/users/current", token=within.json()["token"]),
        401,
        "SessionRevoked",
    )
    assert not await _is_live(client, me.token)


async def test_the_grace_runs_from_each_tokens_own_rotation(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    me = await sign_in(client, (await make_user("guest")).email)
    second = await _refresh(client, me.refresh_cookie)
    clock.advance(timedelta(seconds=20))
    third = await _refresh(client, second)
    clock.advance(timedelta(seconds=15))
    # The first token was retired 35 s ago, the second 15 s ago.
    assert await _refresh(client, second) == third
    assert_error(
        await _get(client, "/api/auth/refresh", cookie=me.refresh_cookie), 401, "InvalidToken"
    )
    assert_error(await _get(client, "/api/auth/refresh", cookie=third), 401, "InvalidToken")


# --- forged and never-issued tokens -------------------------------------------------------------


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def test_a_forged_refresh_cookie_revokes_nothing(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    victim = await sign_in(client, (await make_user("guest")).email)
    attacker = await sign_in(client, (await make_user("guest")).email)
    user_id, session_id = _claims(victim.token)
    _, attacker_session = _claims(attacker.token)
    attacker_mac = attacker.refresh_cookie.rsplit(".", 1)[1]
    forged = [
        f"{session_id}.junk",  # the old `<session>.<secret>` shape
        f"{user_id}.{session_id}.0.{'A' * 43}",
        f"{user_id}.{session_id}.0.{attacker_mac}",  # a real MAC, of another session
        f"{user_id}.{attacker_session}.0.{attacker_mac}",
        # Signed with the JWT key itself: refresh tokens use a key derived under their own label.
        f"{user_id}.{session_id}.0.{_mac(settings.jwt_key.encode(), f'{user_id}.{session_id}.0')}",
        f"{user_id}.{session_id}.00.{'A' * 43}",
        f"{user_id}.{session_id}.-1.{'A' * 43}",
        f"{user_id}.{session_id}.0.{'A' * 43}.x",
        f"{user_id}.$where.0.{'A' * 43}",
        "x" * 500,
    ]
    for value in forged:
        assert_error(await _get(client, "/api/auth/refresh", cookie=value), 401, "InvalidToken")
        assert_error(await _get(client, "/api/auth/session", cookie=value), 401, "InvalidToken")
    assert await _is_live(client, victim.token)
    assert await _refresh(client, victim.refresh_cookie)
    assert await _refresh(client, attacker.refresh_cookie)


async def test_an_authentic_token_of_a_generation_never_issued_revokes_nothing(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    me = await sign_in(client, (await make_user("guest")).email)
    user_id, session_id = _claims(me.token)
    future = tokens.new_refresh_token(settings, user_id, session_id, 7)
    assert_error(await _get(client, "/api/auth/refresh", cookie=future), 401, "InvalidToken")
    unknown = tokens.new_refresh_token(settings, user_id, str(uuid4()), 0)
    assert_error(await _get(client, "/api/auth/refresh", cookie=unknown), 401, "InvalidToken")
    assert await _refresh(client, me.refresh_cookie)


def test_refresh_tokens_are_checked_part_by_part_before_their_mac(settings: Settings) -> None:
    user_id, session_id = "u-1", "0b0e7f7c-9d2a-4c1e-8f00-123456789abc"
    good = tokens.new_refresh_token(settings, user_id, session_id, 3)
    assert tokens.read_refresh_token(settings, good) == tokens.RefreshClaims(user_id, session_id, 3)
    # An authentic MAC over a session id that is no uuid (it would become a field path).
    for bad_session in ("$ne", "a.b", session_id.upper(), f"{session_id}x"):
        body = f"{user_id}.{bad_session}.3"
        with pytest.raises(InvalidToken):
            mac = tokens._refresh_mac(settings, body)  # pylint: disable=protected-access
            tokens.read_refresh_token(settings, f"{body}.{mac}")


# --- what ends sessions -------------------------------------------------------------------------


async def test_sign_out_ends_the_refresh_token_of_that_session_only(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user("host")
    laptop = await sign_in(client, user.email)
    phone = await sign_in(client, user.email)
    laptop_cookie = await _refresh(client, laptop.refresh_cookie)
    signout = await client.post("/api/auth/signout", headers=laptop.headers)
    assert signout.status_code == 200
    for cookie in (laptop.refresh_cookie, laptop_cookie):
        assert_error(await _get(client, "/api/auth/refresh", cookie=cookie), 401, "InvalidToken")
    assert not await _is_live(client, laptop.token)
    assert await _refresh(client, phone.refresh_cookie)


async def test_a_password_change_keeps_this_rotated_session_and_ends_the_others(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user("guest")
    here = await sign_in(client, user.email)
    elsewhere = await sign_in(client, user.email)
    cookie = await _refresh(client, await _refresh(client, here.refresh_cookie))
    body = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    changed = await client.post("/api/users/current/password", json=body, headers=here.headers)
    assert changed.status_code == 200, changed.text
    assert await _is_live(client, here.token)
    assert await _refresh(client, cookie)
    assert_error(
        await _get(client, "/api/auth/refresh", cookie=elsewhere.refresh_cookie),
        401,
        "InvalidToken",
    )
    assert not await _is_live(client, elsewhere.token)


async def test_a_password_change_racing_a_refresh_of_the_kept_session_keeps_its_newest_token(
    app: FastAPI,
) -> None:
    del app  # the running app's database
    user = await make_user("guest")
    for delay in range(6):
        session_id, token = await users.open_session(user.id)

        async def rotate(delay: int = delay, token: str = token) -> str:
            for _ in range(delay):
                await asyncio.sleep(0)
            return (await users.rotate_session(token))[2]

        _, newest = await asyncio.gather(
            users.set_password(user.id, "hash", keep_session=session_id), rotate()
        )
        assert (await users.rotate_session(newest))[1] == session_id, delay
        await users.get_session_user(user.id, session_id)


async def test_a_password_reset_ends_every_refresh_token(
    client: httpx.AsyncClient, outbox: Path
) -> None:
    user = await make_user("host", email_address="reset-sessions@example.org")
    one = await sign_in(client, user.email)
    two = await sign_in(client, user.email)
    rotated = await _refresh(client, one.refresh_cookie)
    await client.post("/api/auth/forgot-password", json={"email": user.email})
    code = last_code(outbox, user.email)
    body = {"email": user.email, "code": code, "password": NEW_PASSWORD}
    assert (await client.post("/api/auth/forgot-password/confirm", json=body)).status_code == 200
    for cookie in (rotated, two.refresh_cookie):
        assert_error(await _get(client, "/api/auth/refresh", cookie=cookie), 401, "InvalidToken")
    assert not await _is_live(client, one.token)
    assert not await _is_live(client, two.token)


# --- pruning, expiry and documents of the old shape ---------------------------------------------


async def test_a_user_keeps_the_newest_sessions_only(app: FastAPI) -> None:
    del app  # the running app's database
    user = await make_user("guest")
    count = session_rules.MAX_SESSIONS_PER_USER + 2
    opened = [(await users.open_session(user.id))[0] for _ in range(count)]
    for session_id in opened[:2]:
        with pytest.raises(SessionRevoked):
            await users.get_session_user(user.id, session_id)
    for session_id in opened[2:]:
        await users.get_session_user(user.id, session_id)
    assert set(await _stored_sessions(user.id)) == set(opened[2:])


async def test_expired_sessions_end_and_are_removed_at_the_next_sign_in(
    client: httpx.AsyncClient, clock: Clock, settings: Settings
) -> None:
    user = await make_user("guest")
    old = await sign_in(client, user.email)
    clock.advance(timedelta(days=settings.REFRESH_TOKEN_DAYS, seconds=1))
    assert_error(
        await _get(client, "/api/auth/refresh", cookie=old.refresh_cookie), 401, "InvalidToken"
    )
    assert not await _is_live(client, old.token)
    new_session, _ = await users.open_session(user.id)
    assert list(await _stored_sessions(user.id)) == [new_session]


async def test_a_user_stored_with_the_old_session_list_signs_in_again_without_a_500(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    user = await make_user("guest")
    old_session = "6f1c1f4e-2a7b-4d8e-9c3a-0123456789ab"
    now = utcnow()
    old_entry = {
        "id": old_session,
        "refresh_hash": "0" * 64,
        "created_at": now,
        "expires_at": now + timedelta(days=1),
    }
    await db.collection("users").update_one({"_id": user.id}, {"$set": {"sessions": [old_entry]}})
    access = tokens.create_token(settings, user.id, old_session, timedelta(minutes=5))
    assert_error(await _get(client, "/api/users/current", token=access), 401, "SessionRevoked")
    old_cookie = f"{old_session}.{'s' * 43}"
    assert_error(await _get(client, "/api/auth/refresh", cookie=old_cookie), 401, "InvalidToken")
    assert_error(await _get(client, "/api/auth/session", cookie=old_cookie), 401, "InvalidToken")
    signout = await client.post("/api/auth/signout", headers={"Authorization": f"Bearer {access}"})
    assert_error(signout, 401, "SessionRevoked")
    me = await sign_in(client, user.email)
    assert await _refresh(client, me.refresh_cookie, "/session")
    assert isinstance(await _stored_sessions(user.id), dict)
    # A password change on a document of the old shape, too.
    await db.collection("users").update_one({"_id": user.id}, {"$set": {"sessions": [old_entry]}})
    assert await users.set_password(user.id, "hash", keep_session=old_session)
    assert await _stored_sessions(user.id) == {}
