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


DASHBOARD = "/api/coordinator/dashboard/all"


class TestDashboard:
    async def test_every_guest_host_and_coordinator_is_a_row_with_the_apps_fields(
        self, client: httpx.AsyncClient
    ) -> None:
        coordinator = await signed_in(client, Role.COORDINATOR, first_name="Cora")
        guest = await make_user(Role.GUEST, first_name="Gus", last_name="")
        host = await make_user(Role.HOST)
        await make_user(Role.ADMIN)
        response = await client.get(DASHBOARD, headers=coordinator.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"dashboardItems", "total"}
        rows = {row["id"]: row for row in body["dashboardItems"]}
        assert set(rows) == {guest.id, host.id, coordinator.id}
        assert body["total"] == 3
        fields = {
            "id",
            "userId",
            "userName",
            "userType",
            "caseStatus",
            "coordinatorId",
            "coordinatorName",
            "lastUpdated",
            "notes",
        }
        for row_id, row in rows.items():
            assert fields <= set(row)
            assert row["userId"] == row_id
        assert rows[guest.id]["userType"] == "GUEST"
        assert rows[guest.id]["userName"] == "Gus"
        assert rows[host.id]["userType"] == "HOST"
        assert rows[coordinator.id]["userType"] == "COORDINATOR"
        assert rows[coordinator.id]["caseStatus"] is None

    async def test_without_limit_every_row_comes_at_once_and_limit_pages(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await signed_in(client, Role.ADMIN)
        people = [await make_user(Role.GUEST) for _ in range(25)]
        coordinators = [await make_user(Role.COORDINATOR) for _ in range(3)]
        everything = (await client.get(DASHBOARD, headers=admin.headers)).json()
        assert everything["total"] == 28
        assert len(everything["dashboardItems"]) == 28  # more than the old page of 20
        pages = [
            (await client.get(f"{DASHBOARD}?limit=10&offset={o}", headers=admin.headers)).json()
            for o in (0, 10, 20)
        ]
        assert [len(p["dashboardItems"]) for p in pages] == [10, 10, 8]
        ids = [row["id"] for page in pages for row in page["dashboardItems"]]
        assert ids == [row["id"] for row in everything["dashboardItems"]]
        assert set(ids) == {u.id for u in [*people, *coordinators]}
        coordinators_only = await client.get(
            f"{DASHBOARD}?userType=COORDINATOR", headers=admin.headers
        )
        assert {r["id"] for r in coordinators_only.json()["dashboardItems"]} == {
            c.id for c in coordinators
        }

    async def test_an_admin_deletes_a_row_by_its_id_and_it_is_gone(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await signed_in(client, Role.ADMIN)
        guest = await make_user(Role.GUEST)
        coordinator = await make_user(Role.COORDINATOR)
        rows = (await client.get(DASHBOARD, headers=admin.headers)).json()["dashboardItems"]
        for row in rows:
            deleted = await client.delete(f"{USERS}/{row['id']}", headers=admin.headers)
            assert deleted.status_code == 204, deleted.text
        again = (await client.get(DASHBOARD, headers=admin.headers)).json()
        assert again == {"dashboardItems": [], "total": 0}
        gone = await client.delete(f"{USERS}/{guest.id}", headers=admin.headers)
        assert assert_app_error(gone, 404, "UserNotFound")["items"] == []
        assert coordinator.id in {r["id"] for r in rows}
