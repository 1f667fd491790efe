"""The Home Unite Us web app's calls (../shared/WEBAPP.md §2–§6), as it sends and reads them.

Each test sends what the app sends and checks what the app reads, through HTTP.
"""

from typing import Any

import httpx

from models.users import Role
from tests.conftest import assert_error
from tests.factories import PASSWORD, make_user, signed_in

USERS = "/api/users"


def assert_app_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """An error in the shared shape that also carries what the app reads: `detail.message`."""
    body = assert_error(response, status, code)
    assert body["detail"] == {"code": code, "message": body["message"]}
    return body


class TestUserObject:
    async def test_signin_answers_role_as_an_object_with_a_type(
        self, client: httpx.AsyncClient
    ) -> None:
        for role in Role:
            user = await make_user(role)
            response = await client.post(
                "/api/auth/signin", json={"email": user.email, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["user"]["role"] == {"type": str(role)}
            assert (body["user"]["firstName"], body["user"]["lastName"]) == ("Test", "User")
            assert body["token"]

    async def test_session_and_current_user_answer_the_role_object_too(
        self, client: httpx.AsyncClient
    ) -> None:
        host = await signed_in(client, Role.HOST)
        session = await client.get("/api/auth/session")  # the cookie sign-in set
        assert session.status_code == 200, session.text
        assert session.json()["user"]["role"] == {"type": "host"}
        assert session.json()["token"]
        current = await client.get(f"{USERS}/current", headers=host.headers)
        assert current.json()["role"] == {"type": "host"}

    async def test_role_filters_and_role_changes_still_take_the_plain_string(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await signed_in(client, Role.ADMIN)
        guest = await make_user(Role.GUEST)
        changed = await client.patch(
            f"{USERS}/{guest.id}/role", json={"role": "host"}, headers=admin.headers
        )
        assert changed.json()["role"] == {"type": "host"}
        hosts = await client.get(USERS, params={"role": "host"}, headers=admin.headers)
        assert [u["id"] for u in hosts.json()["items"]] == [guest.id]


class TestErrorBody:
    async def test_signin_signup_and_resend_errors_carry_detail_message(
        self, client: httpx.AsyncClient
    ) -> None:
        wrong = await client.post(
            "/api/auth/signin", json={"email": "nobody@example.org", "password": "Nope1234!"}
        )
        assert_app_error(wrong, 401, "InvalidCredentials")
        taken = await make_user(Role.HOST)
        signup = await client.post(
            "/api/auth/signup",
            json={
                "email": taken.email,
                "password": PASSWORD,
                "firstName": "A",
                "lastName": "",
                "role": "host",
            },
        )
        assert_app_error(signup, 409, "EmailAlreadyRegistered")
        resend = await client.post("/api/auth/resend_confirmation_code", json={})
        body = assert_app_error(resend, 422, "ValidationError")
        assert body["details"]

    async def test_every_kind_of_error_carries_detail(self, client: httpx.AsyncClient) -> None:
        assert_app_error(await client.get("/api/no-such-route"), 404, "NotFound")
        assert_app_error(await client.put("/api/health"), 405, "MethodNotAllowed")
        assert_app_error(await client.get("/api/users/current"), 401, "NotAuthenticated")
        too_big = await client.post(
            "/api/auth/signin",
            content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
            headers={"content-type": "application/json"},
        )
        assert_app_error(too_big, 413, "PayloadTooLarge")

    async def test_user_delete_errors_carry_an_items_list_of_strings(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await signed_in(client, Role.ADMIN)
        missing = await client.delete(f"{USERS}/no-such-user", headers=admin.headers)
        body = assert_app_error(missing, 404, "UserNotFound")
        assert body["items"] == []
        anonymous = await client.delete(f"{USERS}/no-such-user")
        assert assert_app_error(anonymous, 401, "NotAuthenticated")["items"] == []
        guest = await signed_in(client, Role.GUEST)
        other = await make_user(Role.HOST)
        refused = await client.delete(f"{USERS}/{other.id}", headers=guest.headers)
        assert assert_app_error(refused, 403, "Forbidden")["items"] == []
        # Other routes keep the plain shape.
        assert "items" not in (await client.get(f"{USERS}/no-such-user")).json()
