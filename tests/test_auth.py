"""/api/auth journeys, through HTTP, as a frontend drives them."""

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from config.db import db
from models.commons import utcnow
from models.users import Role, UserStatus
from tests.conftest import assert_error
from tests.factories import PASSWORD, last_code, make_user, sign_in, signed_in
from utils import cases, users

NEW_PASSWORD = "An0ther-pass!"


async def _signup(client: httpx.AsyncClient, email: str, role: str = "guest") -> httpx.Response:
    return await client.post(
        "/api/auth/signup",
        json={"email": email, "password": PASSWORD, "firstName": "Sam", "role": role},
    )


class TestSignUpJourney:
    async def test_signup_confirm_signin_current_refresh_signout(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        response = await _signup(client, "Sam.Guest@Example.org")
        assert response.status_code == 201, response.text
        user = response.json()["user"]
        assert user["status"] == "unconfirmed"
        assert user["role"] == {"type": "guest"}
        assert "password" not in response.text.lower()

        signin = {"email": "sam.guest@example.org", "password": PASSWORD}
        assert_error(await client.post("/api/auth/signin", json=signin), 403, "EmailNotConfirmed")

        code = last_code(outbox, "Sam.Guest@Example.org")
        confirm = await client.get(
            "/api/auth/signup/confirm", params={"email": "sam.guest@example.org", "code": code}
        )
        assert confirm.status_code == 200, confirm.text

        response = await client.post("/api/auth/signin", json=signin)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["tokenType"] == "bearer"
        assert body["expiresIn"] == 15 * 60
        assert response.headers["cache-control"] == "no-store"
        cookie = response.headers["set-cookie"]
        assert "refresh_token=" in cookie
        assert "HttpOnly" in cookie
        assert "Path=/api/auth" in cookie
        assert "samesite=lax" in cookie.lower()
        headers = {"Authorization": f"Bearer {body['token']}"}

        current = await client.get("/api/users/current", headers=headers)
        assert current.json()["status"] == "active"

        refreshed = await client.get("/api/auth/refresh")
        assert refreshed.status_code == 200, refreshed.text
        assert refreshed.headers["cache-control"] == "no-store"
        assert client.cookies["refresh_token"] != response.cookies["refresh_token"]
        new_headers = {"Authorization": f"Bearer {refreshed.json()['token']}"}
        assert (await client.get("/api/auth/validate", headers=new_headers)).status_code == 204

        session = await client.get("/api/auth/session")
        assert session.status_code == 200
        assert session.json()["user"]["email"] == "Sam.Guest@example.org"

        out = await client.post("/api/auth/signout", headers=new_headers)
        assert out.status_code == 200
        assert "refresh_token" not in client.cookies
        for token_headers in (headers, new_headers):
            assert_error(
                await client.get("/api/users/current", headers=token_headers),
                401,
                "SessionRevoked",
            )

    async def test_signup_as_admin_is_refused(self, client: httpx.AsyncClient) -> None:
        body = assert_error(
            await _signup(client, "x@example.org", role="admin"), 422, "ValidationError"
        )
        assert body["details"][0]["field"] == "body.role"  # type: ignore[index]

    async def test_email_is_unique_whatever_its_case(self, client: httpx.AsyncClient) -> None:
        assert (await _signup(client, "dup@example.org")).status_code == 201
        assert_error(await _signup(client, "DUP@Example.ORG"), 409, "EmailAlreadyRegistered")

    async def test_twenty_simultaneous_signups_with_one_address_give_one_account(
        self, client: httpx.AsyncClient
    ) -> None:
        results = await asyncio.gather(*(_signup(client, "race@example.org") for _ in range(20)))
        statuses = sorted(r.status_code for r in results)
        assert statuses == [201] + [409] * 19

    @pytest.mark.parametrize(
        ("password", "missing"),
        [
            ("short1!A", None),
            ("alllowercase1!", "upper-case"),
            ("ALLUPPERCASE1!", "lower-case"),
            ("NoDigitsHere!", "digit"),
            ("NoSymbols123", "symbol"),
            ("Aa1!" * 65, "256"),
            ("Aa1!", "8 to 256"),
        ],
    )
    async def test_password_policy(
        self, client: httpx.AsyncClient, password: str, missing: str | None
    ) -> None:
        response = await client.post(
            "/api/auth/signup",
            json={"email": "p@example.org", "password": password, "firstName": "P", "role": "host"},
        )
        if missing is None:
            assert response.status_code == 201
            return
        body = assert_error(response, 422, "WeakPassword")
        assert missing in body["details"][0]["message"]  # type: ignore[index]

    async def test_signup_gives_guests_and_hosts_a_case(self, client: httpx.AsyncClient) -> None:

        guest = (await _signup(client, "g@example.org", "guest")).json()["user"]
        coordinator = (await _signup(client, "c@example.org", "coordinator")).json()["user"]
        case = await cases.get_case(guest["id"])
        assert case is not None
        assert case["case_status"] == "new"
        assert await cases.get_case(coordinator["id"]) is None


class TestConfirmationCodes:
    async def test_a_wrong_code_is_400_and_the_sixth_try_is_429(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        await _signup(client, "codes@example.org")
        code = last_code(outbox, "codes@example.org")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        params = {"email": "codes@example.org", "code": wrong}
        for _ in range(5):
            assert_error(
                await client.get("/api/auth/signup/confirm", params=params), 400, "InvalidCode"
            )
        params["code"] = code  # even the right code is refused now
        response = await client.get("/api/auth/signup/confirm", params=params)
        assert_error(response, 429, "TooManyRequests")
        assert int(response.headers["retry-after"]) > 0

    async def test_resend_replaces_the_code_and_answers_the_same_for_unknown_addresses(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        await _signup(client, "resend@example.org")
        first = last_code(outbox, "resend@example.org")
        known = await client.post(
            "/api/auth/resend_confirmation_code", json={"email": "resend@example.org"}
        )
        unknown = await client.post(
            "/api/auth/resend_confirmation_code", json={"email": "nobody@example.org"}
        )
        assert known.status_code == unknown.status_code == 200
        assert known.json()["message"] == unknown.json()["message"]
        second = last_code(outbox, "resend@example.org")
        if first != second:
            stale = {"email": "resend@example.org", "code": first}
            assert_error(
                await client.get("/api/auth/signup/confirm", params=stale), 400, "InvalidCode"
            )
        ok = {"email": "resend@example.org", "code": second}
        assert (await client.get("/api/auth/signup/confirm", params=ok)).status_code == 200

    async def test_a_code_works_once(self, client: httpx.AsyncClient, outbox: Path) -> None:
        await _signup(client, "once@example.org")
        params = {"email": "once@example.org", "code": last_code(outbox, "once@example.org")}
        assert (await client.get("/api/auth/signup/confirm", params=params)).status_code == 200
        assert_error(
            await client.get("/api/auth/signup/confirm", params=params), 400, "InvalidCode"
        )

    async def test_an_expired_code_is_400_code_expired(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:

        await _signup(client, "old@example.org")
        await db.collection("verification_codes").update_many(
            {}, {"$set": {"expires_at": utcnow()}}
        )
        params = {"email": "old@example.org", "code": last_code(outbox, "old@example.org")}
        assert_error(
            await client.get("/api/auth/signup/confirm", params=params), 400, "CodeExpired"
        )

    async def test_codes_are_stored_hashed(self, client: httpx.AsyncClient, outbox: Path) -> None:

        await _signup(client, "hashed@example.org")
        code = last_code(outbox, "hashed@example.org")
        stored = await db.collection("verification_codes").find({}).to_list(None)
        assert stored
        assert all(code not in str(document) for document in stored)


class TestSignIn:
    async def test_unknown_email_and_wrong_password_answer_alike(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_user("host", email_address="known@example.org")
        wrong = await client.post(
            "/api/auth/signin", json={"email": "known@example.org", "password": "Wr0ng-pass!"}
        )
        unknown = await client.post(
            "/api/auth/signin", json={"email": "ghost@example.org", "password": "Wr0ng-pass!"}
        )
        for response in (wrong, unknown):
            assert_error(response, 401, "InvalidCredentials")
        assert wrong.json()["message"] == unknown.json()["message"]

    async def test_signin_ignores_email_case(self, client: httpx.AsyncClient) -> None:
        await make_user("host", email_address="Mixed.Case@Example.org")
        await sign_in(client, "mixed.case@EXAMPLE.org")

    async def test_invited_user_cannot_sign_in_before_choosing_a_password(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_user("guest", email_address="inv@example.org", status=UserStatus.INVITED)
        response = await client.post(
            "/api/auth/signin", json={"email": "inv@example.org", "password": PASSWORD}
        )
        assert_error(response, 403, "InvitePending")

    async def test_oauth2_token_form_works_for_the_docs_authorize_button(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await make_user("coordinator")
        response = await client.post(
            "/api/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "bearer"
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        assert (await client.get("/api/auth/secret", headers=headers)).status_code == 200

    async def test_secret_and_validate_need_a_token(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get("/api/auth/secret"), 401, "NotAuthenticated")
        assert_error(await client.get("/api/auth/validate"), 401, "NotAuthenticated")
        me = await signed_in(client, "host")
        secret = await client.get("/api/auth/secret", headers=me.headers)
        assert secret.status_code == 200
        assert secret.json()["message"]

    async def test_a_stale_token_on_a_public_route_does_not_block_sign_in(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await make_user("guest")
        response = await client.post(
            "/api/auth/signin",
            json={"email": user.email, "password": PASSWORD},
            headers={"Authorization": "Bearer not-a-token"},
        )
        assert response.status_code == 200


class TestRefresh:
    async def test_refresh_without_a_cookie_is_401(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get("/api/auth/refresh"), 401, "InvalidToken")

    async def test_replaying_a_rotated_refresh_token_after_the_grace_revokes_the_session(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        me = await signed_in(client, "guest")
        old = me.refresh_cookie
        client.cookies.clear()
        first = await client.get("/api/auth/refresh", headers={"Cookie": f"refresh_token={old}"})
        assert first.status_code == 200
        rotated = first.cookies["refresh_token"]
        client.cookies.clear()
        # Past the 30 s grace that parallel refreshes get (tests/test_sessions.py).
        monkeypatch.setattr(users, "utcnow", lambda: utcnow() + timedelta(seconds=31))
        replay = await client.get("/api/auth/refresh", headers={"Cookie": f"refresh_token={old}"})
        assert_error(replay, 401, "InvalidToken")
        client.cookies.clear()
        # The thief's replay ended the session for the legitimate holder too.
        assert_error(
            await client.get("/api/auth/refresh", headers={"Cookie": f"refresh_token={rotated}"}),
            401,
            "InvalidToken",
        )
        new_access = {"Authorization": f"Bearer {first.json()['token']}"}
        assert_error(
            await client.get("/api/users/current", headers=new_access), 401, "SessionRevoked"
        )
        assert_error(
            await client.get("/api/users/current", headers=me.headers), 401, "SessionRevoked"
        )

    async def test_a_garbage_refresh_token_is_401(self, client: httpx.AsyncClient) -> None:
        client.cookies.clear()
        for value in ("garbage", "a.b", "x" * 500):
            response = await client.get(
                "/api/auth/refresh", headers={"Cookie": f"refresh_token={value}"}
            )
            assert_error(response, 401, "InvalidToken")

    async def test_sessions_are_independent(self, client: httpx.AsyncClient) -> None:
        user = await make_user("host")
        laptop = await sign_in(client, user.email)
        phone = await sign_in(client, user.email)
        await client.post("/api/auth/signout", headers=laptop.headers)
        assert (await client.get("/api/users/current", headers=phone.headers)).status_code == 200
        assert_error(
            await client.get("/api/users/current", headers=laptop.headers), 401, "SessionRevoked"
        )


class TestForgottenPassword:
    async def test_reset_changes_the_password_and_ends_every_session(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        user = await make_user("host", email_address="forgot@example.org")
        session = await sign_in(client, user.email)
        known = await client.post("/api/auth/forgot-password", json={"email": "forgot@example.org"})
        unknown = await client.post("/api/auth/forgot-password", json={"email": "nope@example.org"})
        assert known.status_code == unknown.status_code == 200
        assert known.json() == unknown.json()
        code = last_code(outbox, "forgot@example.org")
        body = {"email": "forgot@example.org", "code": code, "password": "weak"}
        assert_error(
            await client.post("/api/auth/forgot-password/confirm", json=body), 422, "WeakPassword"
        )
        body["password"] = NEW_PASSWORD
        assert (
            await client.post("/api/auth/forgot-password/confirm", json=body)
        ).status_code == 200
        assert_error(
            await client.get("/api/users/current", headers=session.headers), 401, "SessionRevoked"
        )
        bad = {"email": user.email, "password": PASSWORD}
        assert_error(await client.post("/api/auth/signin", json=bad), 401, "InvalidCredentials")
        await sign_in(client, user.email, NEW_PASSWORD)
        assert_error(
            await client.post("/api/auth/forgot-password/confirm", json=body), 400, "InvalidCode"
        )

    async def test_reset_with_a_wrong_code_is_400(self, client: httpx.AsyncClient) -> None:
        await make_user("host", email_address="wrongcode@example.org")
        await client.post("/api/auth/forgot-password", json={"email": "wrongcode@example.org"})
        body = {"email": "wrongcode@example.org", "code": "000000", "password": NEW_PASSWORD}
        response = await client.post("/api/auth/forgot-password/confirm", json=body)
        assert response.status_code in (400,)
        assert response.json()["code"] == "InvalidCode"


class TestInvitation:
    async def test_invite_confirm_new_password_then_sign_in(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:

        coordinator = await signed_in(client, "coordinator")
        response = await client.post(
            "/api/auth/invite",
            json={"email": "newguest@example.org", "firstName": "Nia"},
            headers=coordinator.headers,
        )
        assert response.status_code == 201, response.text
        invited = response.json()["user"]
        assert invited["status"] == "invited"
        assert invited["role"] == {"type": "guest"}
        case = await cases.get_case(invited["id"])
        assert case is not None
        assert case["coordinator_id"] == coordinator.id

        code = last_code(outbox, "newguest@example.org")
        challenge = await client.get(
            "/api/auth/confirm-invite", params={"email": "newguest@example.org", "code": code}
        )
        assert challenge.status_code == 200, challenge.text
        assert challenge.json()["challenge"] == "NEW_PASSWORD_REQUIRED"
        session = challenge.json()["session"]

        weak = await client.post(
            "/api/auth/new-password", json={"session": session, "password": "weak"}
        )
        assert_error(weak, 422, "WeakPassword")
        done = await client.post(
            "/api/auth/new-password", json={"session": session, "password": NEW_PASSWORD}
        )
        assert done.status_code == 200, done.text
        assert done.json()["user"]["status"] == "active"
        assert done.json()["token"]
        again = await client.post(
            "/api/auth/new-password", json={"session": session, "password": NEW_PASSWORD}
        )
        assert_error(again, 400, "InvalidCode")
        await sign_in(client, "newguest@example.org", NEW_PASSWORD)

    async def test_coordinators_invite_guests_and_hosts_only(
        self, client: httpx.AsyncClient
    ) -> None:
        coordinator = await signed_in(client, "coordinator")
        for role, expected in (("host", 201), ("coordinator", 403), ("admin", 403)):
            response = await client.post(
                "/api/auth/invite",
                json={"email": f"{role}@invited.org", "firstName": "I", "role": role},
                headers=coordinator.headers,
            )
            assert response.status_code == expected, response.text

    async def test_admins_invite_any_role(self, client: httpx.AsyncClient) -> None:
        admin = await signed_in(client, "admin")
        response = await client.post(
            "/api/auth/invite",
            json={"email": "newcoord@example.org", "firstName": "C", "role": "coordinator"},
            headers=admin.headers,
        )
        assert response.status_code == 201

    async def test_inviting_a_registered_email_is_409(self, client: httpx.AsyncClient) -> None:
        coordinator = await signed_in(client, "coordinator")
        await make_user("guest", email_address="taken@example.org")
        response = await client.post(
            "/api/auth/invite",
            json={"email": "TAKEN@example.org", "firstName": "T"},
            headers=coordinator.headers,
        )
        assert_error(response, 409, "EmailAlreadyRegistered")

    async def test_a_bad_invite_session_is_400(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/auth/new-password", json={"session": "nope", "password": NEW_PASSWORD}
        )
        assert_error(response, 400, "InvalidCode")

    async def test_an_access_token_is_not_an_invite_session(
        self, client: httpx.AsyncClient
    ) -> None:
        me = await signed_in(client, "guest")
        response = await client.post(
            "/api/auth/new-password", json={"session": me.token, "password": NEW_PASSWORD}
        )
        assert_error(response, 400, "InvalidCode")


def test_roles_cover_the_contract() -> None:
    assert {r.value for r in Role} == {"guest", "host", "coordinator", "admin"}
