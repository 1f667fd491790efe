"""/api/users: the signed-in user and user management."""

import httpx

from tests.conftest import assert_error
from tests.factories import PASSWORD, make_user, sign_in, signed_in

NEW = "N3w-password!"


class TestCurrentUser:
    async def test_current_user_never_shows_a_password_hash(
        self, client: httpx.AsyncClient
    ) -> None:
        me = await signed_in(client, "host")
        body = (await client.get("/api/users/current", headers=me.headers)).json()
        assert set(body) == {
            "id", "email", "firstName", "middleName", "lastName", "role", "status", "phone",
            "imageId", "createdAt", "updatedAt",
        }  # fmt: skip
        assert body["createdAt"].endswith("Z") or body["createdAt"].endswith("+00:00")

    async def test_patch_changes_only_the_fields_sent(self, client: httpx.AsyncClient) -> None:
        me = await signed_in(client, "host", first_name="Hana")
        response = await client.patch(
            "/api/users/current", json={"phone": "+1 305 555 0100"}, headers=me.headers
        )
        assert response.status_code == 200
        body = response.json()
        assert body["phone"] == "+1 305 555 0100"
        assert body["firstName"] == "Hana"
        assert body["updatedAt"] >= body["createdAt"]

    async def test_patch_validates(self, client: httpx.AsyncClient) -> None:
        me = await signed_in(client, "host")
        for bad in ({"firstName": ""}, {"phone": "call me maybe"}, {"firstName": "x" * 101}):
            response = await client.patch("/api/users/current", json=bad, headers=me.headers)
            assert_error(response, 422, "ValidationError")


class TestChangePassword:
    async def test_change_password_keeps_this_session_and_ends_the_others(
        self, client: httpx.AsyncClient
    ) -> None:
        user = await make_user("guest")
        here = await sign_in(client, user.email)
        elsewhere = await sign_in(client, user.email)
        body = {"currentPassword": PASSWORD, "newPassword": NEW}
        response = await client.post("/api/users/current/password", json=body, headers=here.headers)
        assert response.status_code == 200, response.text
        assert (await client.get("/api/users/current", headers=here.headers)).status_code == 200
        assert_error(
            await client.get("/api/users/current", headers=elsewhere.headers), 401, "SessionRevoked"
        )
        await sign_in(client, user.email, NEW)

    async def test_wrong_current_password_is_401(self, client: httpx.AsyncClient) -> None:
        me = await signed_in(client, "guest")
        body = {"currentPassword": "Wr0ng-pass!", "newPassword": NEW}
        response = await client.post("/api/users/current/password", json=body, headers=me.headers)
        assert_error(response, 401, "InvalidCredentials")

    async def test_weak_new_password_is_422(self, client: httpx.AsyncClient) -> None:
        me = await signed_in(client, "guest")
        body = {"currentPassword": PASSWORD, "newPassword": "weak"}
        response = await client.post("/api/users/current/password", json=body, headers=me.headers)
        assert_error(response, 422, "WeakPassword")


class TestUserManagement:
    async def test_staff_list_users_filtered_by_role_and_words(
        self, client: httpx.AsyncClient
    ) -> None:
        coordinator = await signed_in(client, "coordinator")
        await make_user("host", first_name="Maria", last_name="Lopez")
        await make_user("host", first_name="John", last_name="Smith")
        await make_user("guest", first_name="Maria", last_name="Jones")
        hosts = await client.get("/api/users", params={"role": "host"}, headers=coordinator.headers)
        assert hosts.json()["total"] == 2
        marias = await client.get("/api/users", params={"q": "maria"}, headers=coordinator.headers)
        assert {u["lastName"] for u in marias.json()["items"]} == {"Lopez", "Jones"}
        both = await client.get(
            "/api/users", params={"q": "MARIA lop"}, headers=coordinator.headers
        )
        assert [u["lastName"] for u in both.json()["items"]] == ["Lopez"]
        regex = await client.get("/api/users", params={"q": ".*"}, headers=coordinator.headers)
        assert regex.json()["total"] == 0

    async def test_pagination_bounds(self, client: httpx.AsyncClient) -> None:
        admin = await signed_in(client, "admin")
        for i in range(5):
            await make_user("guest", first_name=f"G{i}")
        page = await client.get(
            "/api/users", params={"limit": 2, "offset": 1}, headers=admin.headers
        )
        body = page.json()
        assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (6, 2, 1, 2)
        for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}):
            response = await client.get("/api/users", params=bad, headers=admin.headers)
            assert_error(response, 422, "ValidationError")

    async def test_get_user_is_for_staff_and_self(self, client: httpx.AsyncClient) -> None:
        guest = await signed_in(client, "guest")
        other = await make_user("host")
        assert (
            await client.get(f"/api/users/{guest.id}", headers=guest.headers)
        ).status_code == 200
        assert_error(
            await client.get(f"/api/users/{other.id}", headers=guest.headers), 404, "UserNotFound"
        )
        coordinator = await signed_in(client, "coordinator")
        assert (
            await client.get(f"/api/users/{other.id}", headers=coordinator.headers)
        ).status_code == 200
        assert_error(
            await client.get("/api/users/no-such-user", headers=coordinator.headers),
            404,
            "UserNotFound",
        )

    async def test_admin_changes_a_role(self, client: httpx.AsyncClient) -> None:
        admin = await signed_in(client, "admin")
        user = await make_user("guest")
        response = await client.patch(
            f"/api/users/{user.id}/role", json={"role": "coordinator"}, headers=admin.headers
        )
        assert response.json()["role"] == {"type": "coordinator"}
        assert_error(
            await client.patch(
                "/api/users/nobody/role", json={"role": "host"}, headers=admin.headers
            ),
            404,
            "UserNotFound",
        )
        bad = await client.patch(
            f"/api/users/{user.id}/role", json={"role": "king"}, headers=admin.headers
        )
        assert_error(bad, 422, "ValidationError")

    async def test_a_user_deletes_their_own_account(self, client: httpx.AsyncClient) -> None:
        me = await signed_in(client, "guest")
        assert (await client.delete(f"/api/users/{me.id}", headers=me.headers)).status_code == 204
        admin = await signed_in(client, "admin")
        assert_error(
            await client.get(f"/api/users/{me.id}", headers=admin.headers), 404, "UserNotFound"
        )
        assert_error(
            await client.delete(f"/api/users/{me.id}", headers=admin.headers), 404, "UserNotFound"
        )
        assert_error(
            await client.post(
                "/api/auth/signin", json={"email": me.user.email, "password": PASSWORD}
            ),
            401,
            "InvalidCredentials",
        )
