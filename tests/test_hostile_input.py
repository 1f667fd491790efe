"""Hostile input: guessing without limit, unbounded keys, input that used to answer 500, and the
client address behind proxies. Every answer is a 4xx in the shared error shape."""

import os
from pathlib import Path

import httpx
import pytest

from config.db import db
from config.settings import Settings
from models.users import Role, UserStatus
from routes.http.middleware import ForwardedClientMiddleware
from tests.conftest import assert_error
from tests.factories import PASSWORD, last_code, make_user, signed_in

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(256)
WRONG_PASSWORD = "Wr0ng-password!"


def _event_body(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Picnic",
        "startsAt": "2099-01-01T10:00:00Z",
        "endsAt": "2099-01-01T12:00:00Z",
        "location": {"title": "Park", "latitude": 25.76, "longitude": -80.19},
        "maxCapacity": 10,
    }
    body.update(changes)
    return body


class TestGuessingIsLimited:
    async def test_password_change_with_a_stolen_token_cannot_guess_without_limit(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await signed_in(client, Role.GUEST)
        statuses = []
        for _ in range(15):
            response = await client.post(
                "/api/users/current/password",
                json={"currentPassword": WRONG_PASSWORD, "newPassword": "N3w-password!"},
                headers=user.headers,
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        # The sign-in budget per e-mail (10 a minute), which the sign-in above used once.
        assert statuses == [401] * 9 + [429]
        assert int(response.headers["retry-after"]) >= 1
        assert_error(response, 429, "TooManyRequests")

    async def test_signups_from_one_address_are_limited(
        self, client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(settings, "RATE_LIMIT_SIGNUP_PER_IP", 3)
        statuses = []
        for number in range(4):
            response = await client.post(
                "/api/auth/signup",
                json={
                    "email": f"new{number}@example.org",
                    "password": PASSWORD,
                    "firstName": "Sam",
                    "role": "guest",
                },
            )
            statuses.append(response.status_code)
        assert statuses == [201, 201, 201, 429]
        assert_error(response, 429, "TooManyRequests")
        assert int(response.headers["retry-after"]) >= 1

    async def test_twenty_wrong_codes_a_day_across_resent_codes_then_even_the_right_code_is_429(
        self,
        client: httpx.AsyncClient,
        outbox: Path,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # Only the daily bound is under test: the per-minute limits are lifted.
        monkeypatch.setattr(settings, "RATE_LIMIT_PER_EMAIL", 1000)
        address = "slow-guesser@example.org"
        await make_user(Role.GUEST, email_address=address, status=UserStatus.UNCONFIRMED)
        wrong = 0
        for _ in range(4):  # four fresh codes, five wrong tries each
            await client.post("/api/auth/resend_confirmation_code", json={"email": address})
            code = last_code(outbox, address)
            bad = f"{(int(code) + 1) % 1_000_000:06d}"
            for _ in range(5):
                response = await client.get(
                    "/api/auth/signup/confirm", params={"email": address, "code": bad}
                )
                assert_error(response, 400, "InvalidCode")
                wrong += 1
        assert wrong == settings.CODE_GUESSES_PER_DAY
        await client.post("/api/auth/resend_confirmation_code", json={"email": address})
        right = last_code(outbox, address)
        response = await client.get(
            "/api/auth/signup/confirm", params={"email": address, "code": right}
        )
        assert_error(response, 429, "TooManyRequests")
        assert int(response.headers["retry-after"]) > 60


class TestKeysAreBounded:
    async def test_token_with_a_huge_username_is_422_and_stores_no_key(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/auth/token",
            data={"username": "a" * 100_000 + "@example.org", "password": "x"},
        )
        body = assert_error(response, 422, "ValidationError")
        assert [d["field"] for d in body["details"]] == ["body.username"]  # type: ignore[union-attr]
        keys = await db.collection("rate_limits").find({}, {"_id": 1}).to_list(None)
        assert all(len(key["_id"]) < 400 for key in keys)

    async def test_token_with_an_email_length_username_still_signs_in(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await make_user(Role.GUEST)
        response = await client.post(
            "/api/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text

    async def test_an_email_longer_than_254_characters_is_422(
        self, client: httpx.AsyncClient
    ) -> None:
        address = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
        assert len(address) > 254
        response = await client.post(
            "/api/auth/signin", json={"email": address, "password": PASSWORD}
        )
        assert_error(response, 422, "ValidationError")


class TestInputThatUsedToAnswer500:
    @pytest.mark.parametrize(
        "params",
        [
            {"from": "9999-12-31T23:59:59-05:00"},
            {"to": "9999-12-31T23:59:59-05:00"},
            {"from": "0001-01-01T00:00:00+05:00"},
        ],
    )
    async def test_event_search_dates_out_of_range_in_utc_are_422(
        self, client: httpx.AsyncClient, params: dict[str, str]
    ) -> None:
        response = await client.get("/api/events", params=params)
        body = assert_error(response, 422, "ValidationError")
        assert [d["field"] for d in body["details"]] == [f"query.{next(iter(params))}"]  # type: ignore[union-attr]

    async def test_event_search_at_the_last_utc_second_is_fine(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/events", params={"to": "9999-12-31T23:59:59Z"})
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize("field", ["startsAt", "endsAt"])
    async def test_event_body_dates_out_of_range_in_utc_are_422(
        self, client: httpx.AsyncClient, field: str
    ) -> None:
        user = await signed_in(client, Role.COORDINATOR)
        body = _event_body(**{field: "9999-12-31T23:59:59-05:00"})
        created = await client.post("/api/events", json=body, headers=user.headers)
        assert_error(created, 422, "ValidationError")
        event = await client.post("/api/events", json=_event_body(), headers=user.headers)
        assert event.status_code == 201, event.text
        changed = await client.patch(
            f"/api/events/{event.json()['id']}",
            json={field: "0001-01-01T00:00:00+01:00"},
            headers=user.headers,
        )
        assert_error(changed, 422, "ValidationError")

    async def test_profile_image_id_must_name_an_uploaded_image(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await signed_in(client, Role.HOST)
        refused = await client.patch(
            "/api/users/current", json={"imageId": "no-such-image"}, headers=user.headers
        )
        body = assert_error(refused, 422, "ValidationError")
        assert [d["field"] for d in body["details"]] == ["body.imageId"]  # type: ignore[union-attr]
        current = await client.get("/api/users/current", headers=user.headers)
        assert current.json()["imageId"] is None
        uploaded = await client.post(
            "/api/images",
            files={"file": ("me.png", PNG, "image/png")},
            headers=user.headers,
        )
        image_id = uploaded.json()["id"]
        accepted = await client.patch(
            "/api/users/current", json={"imageId": image_id}, headers=user.headers
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["imageId"] == image_id
        cleared = await client.patch(
            "/api/users/current", json={"imageId": None}, headers=user.headers
        )
        assert cleared.json()["imageId"] is None

    @pytest.mark.parametrize("path", ["/api/users", "/api/hosts", "/api/events"])
    async def test_a_search_with_a_nul_character_is_422_everywhere(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        staff = await signed_in(client, Role.COORDINATOR)
        response = await client.get(path, params={"q": "ab\x00c"}, headers=staff.headers)
        body = assert_error(response, 422, "ValidationError")
        assert [d["field"] for d in body["details"]] == ["query.q"]  # type: ignore[union-attr]


class TestClientAddressBehindProxies:
    """Only entries a trusted proxy appended are believed; the leftmost is the client's to write."""

    def test_with_every_proxy_trusted_the_rightmost_entry_is_the_client(self) -> None:
        proxies = ForwardedClientMiddleware(app=None, trusted="*")  # type: ignore[arg-type]
        address = proxies.client_address("10.1.2.3", "6.6.6.6, 198.51.100.4")
        assert address == "198.51.100.4"

    def test_with_listed_proxies_the_first_untrusted_entry_from_the_right_is_the_client(
        self,
    ) -> None:
        proxies = ForwardedClientMiddleware(app=None, trusted="10.0.0.0/8, 127.0.0.1")  # type: ignore[arg-type]
        forwarded = "6.6.6.6, 198.51.100.4, 10.0.0.9"
        assert proxies.client_address("127.0.0.1", forwarded) == "198.51.100.4"
        # From a peer that is not a trusted proxy, the header is ignored.
        assert proxies.client_address("203.0.113.5", forwarded) == "203.0.113.5"

    def test_an_entry_that_is_not_an_address_is_never_believed(self) -> None:
        proxies = ForwardedClientMiddleware(app=None, trusted="*")  # type: ignore[arg-type]
        assert proxies.client_address("10.1.2.3", "x" * 10_000) == "10.1.2.3"
        assert proxies.client_address("10.1.2.3", "[2001:db8::1]:443") == "2001:db8::1"
        assert proxies.client_address("10.1.2.3", "198.51.100.4:5000") == "198.51.100.4"
