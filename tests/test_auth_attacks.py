"""Attacks on identity: forged and stale tokens, injection, brute force, privilege escalation."""

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from config.errors import InvalidToken, TokenExpired
from config.settings import Settings
from models.commons import utcnow
from tests.conftest import assert_error, make_settings
from tests.factories import PASSWORD, make_user, sign_in, signed_in
from utils import rate_limits
from utils.pure import tokens


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


async def test_alg_none_token_is_rejected(client: httpx.AsyncClient) -> None:
    me = await signed_in(client, "guest")
    forged = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(me.token))}."
    response = await client.get("/api/users/current", headers={"Authorization": f"Bearer {forged}"})
    assert_error(response, 401, "InvalidToken")


async def test_token_signed_with_another_key_is_rejected(client: httpx.AsyncClient) -> None:
    me = await signed_in(client, "guest")
    forged = jwt.encode(_claims(me.token), "another-key-" * 4, algorithm="HS256")
    response = await client.get("/api/users/current", headers={"Authorization": f"Bearer {forged}"})
    assert_error(response, 401, "InvalidToken")


async def test_expired_token_is_401_token_expired(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    me = await signed_in(client, "guest")
    claims = _claims(me.token)
    claims["iat"] = utcnow() - timedelta(hours=2)
    claims["exp"] = utcnow() - timedelta(hours=1)
    stale = jwt.encode(claims, settings.jwt_key, algorithm="HS256")
    response = await client.get("/api/users/current", headers={"Authorization": f"Bearer {stale}"})
    assert_error(response, 401, "TokenExpired")


async def test_tampered_payload_is_rejected(client: httpx.AsyncClient) -> None:
    guest = await signed_in(client, "guest")
    admin = await make_user("admin")
    header, _, signature = guest.token.split(".")
    claims = _claims(guest.token)
    claims["sub"] = admin.id
    tampered = f"{header}.{_b64(claims)}.{signature}"
    response = await client.get(
        "/api/users/current", headers={"Authorization": f"Bearer {tampered}"}
    )
    assert_error(response, 401, "InvalidToken")


async def test_token_of_a_deleted_user_is_rejected(client: httpx.AsyncClient) -> None:
    me = await signed_in(client, "host")
    assert (await client.delete(f"/api/users/{me.id}", headers=me.headers)).status_code == 204
    response = await client.get("/api/users/current", headers=me.headers)
    assert response.status_code == 401
    assert response.json()["code"] in ("InvalidToken", "SessionRevoked")


async def test_token_without_session_claim_is_rejected(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    me = await signed_in(client, "guest")
    claims = _claims(me.token)
    del claims["sid"]
    token = jwt.encode(claims, settings.jwt_key, algorithm="HS256")
    response = await client.get("/api/users/current", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "InvalidToken")


async def test_invite_session_token_is_not_an_access_token(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    me = await signed_in(client, "guest")
    claims = _claims(me.token)
    claims["typ"] = "new_password"
    token = jwt.encode(claims, settings.jwt_key, algorithm="HS256")
    response = await client.get("/api/users/current", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "InvalidToken")


async def test_json_operator_injection_is_422(client: httpx.AsyncClient) -> None:
    await make_user("admin", email_address="root@example.org")
    for body in (
        {"email": {"$ne": None}, "password": {"$ne": None}},
        {"email": {"$regex": ".*"}, "password": PASSWORD},
        {"email": "root@example.org", "password": {"$gt": ""}},
    ):
        assert_error(await client.post("/api/auth/signin", json=body), 422, "ValidationError")
    response = await client.post("/api/auth/forgot-password", json={"email": {"$ne": None}})
    assert_error(response, 422, "ValidationError")


async def test_guest_cannot_use_admin_routes(client: httpx.AsyncClient) -> None:
    guest = await signed_in(client, "guest")
    other = await make_user("host")
    assert_error(
        await client.patch(
            f"/api/users/{guest.id}/role", json={"role": "admin"}, headers=guest.headers
        ),
        403,
        "Forbidden",
    )
    assert_error(await client.get("/api/users", headers=guest.headers), 403, "Forbidden")
    assert_error(
        await client.delete(f"/api/users/{other.id}", headers=guest.headers), 403, "Forbidden"
    )
    invite = {"email": "x@example.org", "firstName": "X", "role": "admin"}
    assert_error(
        await client.post("/api/auth/invite", json=invite, headers=guest.headers), 403, "Forbidden"
    )
    # A guest cannot make themself admin through their profile either: unknown fields are ignored.
    patched = await client.patch(
        "/api/users/current", json={"role": "admin", "status": "active"}, headers=guest.headers
    )
    assert patched.status_code == 200
    assert patched.json()["role"] == {"type": "guest"}


async def test_thirty_wrong_passwords_end_in_429_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    user = await make_user("guest")
    statuses = []
    last = None
    for _ in range(30):
        last = await client.post(
            "/api/auth/signin", json={"email": user.email, "password": "Wr0ng-pass!"}
        )
        statuses.append(last.status_code)
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    assert last is not None
    assert_error(last, 429, "TooManyRequests")
    assert 0 < int(last.headers["retry-after"]) <= 60
    # Even the right password waits: the limit is per e-mail, not per wrong guess.
    right = await client.post("/api/auth/signin", json={"email": user.email, "password": PASSWORD})
    assert_error(right, 429, "TooManyRequests")


async def test_the_email_limit_does_not_lock_out_other_accounts(client: httpx.AsyncClient) -> None:
    victim = await make_user("guest")
    other = await make_user("host")
    for _ in range(12):
        await client.post(
            "/api/auth/signin", json={"email": victim.email, "password": "Wr0ng-pass!"}
        )
    await sign_in(client, other.email)


async def test_the_per_address_limit_is_shared_by_every_email(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    statuses = set()
    for i in range(settings.RATE_LIMIT_PER_IP + 1):
        response = await client.post(
            "/api/auth/forgot-password", json={"email": f"spray{i}@example.org"}
        )
        statuses.add(response.status_code)
    assert statuses == {200, 429}
    assert settings.RATE_LIMIT_PER_IP >= 60


async def test_a_cached_token_still_expires(settings: Settings) -> None:
    # JWT times are whole seconds: two seconds of life is at least one after this line.
    token = tokens.create_token(settings, "user", "session", timedelta(seconds=2))
    assert tokens.verify_token(settings, token).user_id == "user"  # verified, now cached
    await asyncio.sleep(2.1)
    with pytest.raises(TokenExpired):
        tokens.verify_token(settings, token)


def test_a_cached_token_is_not_valid_under_another_key(settings: Settings, tmp_path: Path) -> None:
    token = tokens.create_token(settings, "user", "session", timedelta(minutes=1))
    tokens.verify_token(settings, token)
    with pytest.raises(InvalidToken):
        tokens.verify_token(make_settings(tmp_path), token)


async def test_text_with_lone_surrogates_is_422_not_stored(client: httpx.AsyncClient) -> None:
    # JSON allows "\ud800", but BSON cannot store it: the body parser must refuse it.
    body = (
        b'{"email": "s@example.org", "password": "Sup3r-secret!",'
        b' "firstName": "A\\ud800", "role": "host"}'
    )
    response = await client.post(
        "/api/auth/signup", content=body, headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "ValidationError")


async def test_the_limit_holds_across_a_minute_boundary(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_user("guest")
    seconds = [58.0 + i * 0.1 for i in range(10)] + [60.5 + i * 0.1 for i in range(10)]
    moments = iter([s for s in seconds for _ in ("address", "e-mail")])  # two limits a try

    def clock() -> datetime:
        return datetime.fromtimestamp(1_800_000_000 - 1_800_000_000 % 60 + next(moments), UTC)

    monkeypatch.setattr(rate_limits, "utcnow", clock)
    statuses = []
    for _ in range(20):
        response = await client.post(
            "/api/auth/signin", json={"email": user.email, "password": "Wr0ng-pass!"}
        )
        statuses.append(response.status_code)
    # Ten tries just before the minute turns and ten just after: no fresh allowance of ten.
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
