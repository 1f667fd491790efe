"""The Home Unite Us web app's calls (../shared/WEBAPP.md §2–§6), as it sends and reads them.

Each test sends what the app sends and checks what the app reads, through HTTP.
"""

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from config.settings import Settings
from models.users import Role, UserStatus
from tests.conftest import assert_error
from tests.factories import PASSWORD, last_code, make_user, read_outbox, signed_in
from utils import users

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


HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NEW_PASSWORD = "N3w-passw0rd!"


def mailed_link(outbox: Path, to: str) -> str:
    """The link in the newest e-mail to this address."""
    body = read_outbox(outbox, to)[-1].get_body(("plain",))
    assert body is not None
    match = re.search(r"(https?://\S+)", body.get_content())
    assert match, "no link in the message"
    return match.group(1)


async def open_link(client: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open an e-mailed link as a browser does (without following the redirect)."""
    url = urlsplit(link)
    return await client.get(f"{url.path}?{url.query}", headers=HTML)


async def app_signup(client: httpx.AsyncClient, email: str, role: str = "host") -> httpx.Response:
    """POST /api/auth/signup exactly as the app's sign-up page sends it."""
    body = {
        "email": email,
        "password": PASSWORD,
        "firstName": "Sam",
        "lastName": "",
        "role": role,
    }
    return await client.post("/api/auth/signup", json=body)


class TestSignUpAndInviteBodies:
    async def test_signup_as_the_app_sends_it_with_an_empty_last_name(
        self, client: httpx.AsyncClient
    ) -> None:
        for role in ("host", "coordinator"):
            response = await app_signup(client, f"app.{role}@example.org", role)
            assert response.status_code == 201, response.text
            body = response.json()
            assert not body.get("error")
            assert body["user"]["role"] == {"type": role}
        extra = await client.post(
            "/api/auth/signup",
            json={
                "email": "extra@example.org",
                "password": PASSWORD,
                "confirmPassword": PASSWORD,
                "firstName": "E",
                "lastName": "",
                "role": "guest",
            },
        )
        assert extra.status_code == 201, extra.text

    async def test_invite_as_the_app_sends_it_without_middle_name_or_role(
        self, client: httpx.AsyncClient
    ) -> None:
        coordinator = await signed_in(client, Role.COORDINATOR)
        response = await client.post(
            "/api/auth/invite",
            json={"firstName": "Ivy", "lastName": "", "email": "ivy@example.org"},
            headers=coordinator.headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["user"]["role"] == {"type": "guest"}
        assert response.json()["user"]["status"] == "invited"


class TestSignUpConfirmationLink:
    async def test_the_mail_links_to_the_api_and_a_browser_lands_on_the_success_page(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        email = "sam+test@example.org"
        assert (await app_signup(client, email)).status_code == 201
        link = mailed_link(outbox, email)
        url = urlsplit(link)
        assert f"{url.scheme}://{url.netloc}" == "http://testserver"  # the request's own origin
        assert url.path == "/api/auth/signup/confirm"
        assert parse_qs(url.query) == {"email": [email], "code": [last_code(outbox, email)]}
        assert "sam%2Btest%40example.org" in url.query  # encoded, so "+" survives
        response = await open_link(client, link)
        assert response.status_code == 303
        assert response.headers["location"] == "/email-verification-success"
        signin = await client.post("/api/auth/signin", json={"email": email, "password": PASSWORD})
        assert signin.status_code == 200, signin.text

    async def test_any_failure_sends_a_browser_to_the_error_page(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        email = "wrong@example.org"
        await app_signup(client, email)
        code = last_code(outbox, email)
        wrong = "000000" if code != "000000" else "111111"
        for query in (
            f"email={email}&code={wrong}",
            f"code={code}",  # no e-mail
            "email=not-an-address&code=1",
        ):
            response = await client.get(f"/api/auth/signup/confirm?{query}", headers=HTML)
            assert response.status_code == 303, query
            assert response.headers["location"] == "/email-verification-error"
        ok = await open_link(client, mailed_link(outbox, email))
        assert ok.headers["location"] == "/email-verification-success"
        used = await open_link(client, mailed_link(outbox, email))  # a second click
        assert used.headers["location"] == "/email-verification-error"

    async def test_json_clients_keep_the_json_answers(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        email = "json@example.org"
        await app_signup(client, email)
        code = last_code(outbox, email)
        wrong = "000000" if code != "000000" else "111111"
        bad = await client.get("/api/auth/signup/confirm", params={"email": email, "code": wrong})
        assert_app_error(bad, 400, "InvalidCode")
        good = await client.get("/api/auth/signup/confirm", params={"email": email, "code": code})
        assert good.status_code == 200
        assert good.json()["message"]

    async def test_with_frontend_url_links_and_redirects_use_it(
        self,
        client: httpx.AsyncClient,
        outbox: Path,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(settings, "FRONTEND_URL", "https://app.example.org/")
        email = "front@example.org"
        await app_signup(client, email)
        link = mailed_link(outbox, email)
        assert link.startswith("https://app.example.org/api/auth/signup/confirm?")
        response = await open_link(client, link)
        assert response.headers["location"] == (
            "https://app.example.org/email-verification-success"
        )


async def invite_guest(client: httpx.AsyncClient, email: str) -> None:
    coordinator = await signed_in(client, Role.COORDINATOR)
    response = await client.post(
        "/api/auth/invite",
        json={"firstName": "Ivy", "lastName": "", "email": email},
        headers=coordinator.headers,
    )
    assert response.status_code == 201, response.text
    client.cookies.clear()


class TestInvitationLinkAndNewPassword:
    async def test_the_link_redirects_to_create_password_and_the_apps_body_activates(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        email = "ivy+new@example.org"
        await invite_guest(client, email)
        link = mailed_link(outbox, email)
        assert urlsplit(link).path == "/api/auth/confirm-invite"
        assert parse_qs(urlsplit(link).query)["email"] == [email]
        response = await open_link(client, link)
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert location.path == "/create-password"
        query = parse_qs(location.query)
        [user_id], [session_id] = query["userId"], query["sessionId"]
        assert response.headers["cache-control"] == "no-store"
        body = {
            "password": NEW_PASSWORD,
            "confirmPassword": NEW_PASSWORD,
            "userId": user_id,
            "sessionId": session_id,
        }
        done = await client.post("/api/auth/new-password", json=body)
        assert done.status_code == 200, done.text
        assert done.json()["user"]["status"] == "active"
        assert done.json()["user"]["id"] == user_id
        client.cookies.clear()
        signin = await client.post(
            "/api/auth/signin", json={"email": email, "password": NEW_PASSWORD}
        )
        assert signin.status_code == 200, signin.text

    async def test_a_failed_link_redirects_with_the_error_message(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        email = "ivy.bad@example.org"
        await invite_guest(client, email)
        code = last_code(outbox, email)
        wrong = "000000" if code != "000000" else "111111"
        response = await client.get(
            "/api/auth/confirm-invite", params={"email": email, "code": wrong}, headers=HTML
        )
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert location.path == "/create-password"
        assert parse_qs(location.query) == {"error": ["The code is not valid."]}
        assert "The+code+is+not+valid." in location.query  # encoded
        as_json = await client.get(
            "/api/auth/confirm-invite", params={"email": email, "code": wrong}
        )
        assert_app_error(as_json, 400, "InvalidCode")
        challenge = await client.get(
            "/api/auth/confirm-invite", params={"email": email, "code": code}
        )
        assert challenge.json()["challenge"] == "NEW_PASSWORD_REQUIRED"
        assert challenge.json()["userId"] and challenge.json()["session"]

    async def test_new_password_checks_confirm_password_and_the_user_id(
        self, client: httpx.AsyncClient, outbox: Path
    ) -> None:
        email = "ivy.check@example.org"
        await invite_guest(client, email)
        response = await open_link(client, mailed_link(outbox, email))
        query = parse_qs(urlsplit(response.headers["location"]).query)
        body = {"userId": query["userId"][0], "sessionId": query["sessionId"][0]}
        mismatch = await client.post(
            "/api/auth/new-password",
            json={**body, "password": NEW_PASSWORD, "confirmPassword": NEW_PASSWORD + "x"},
        )
        error = assert_app_error(mismatch, 422, "ValidationError")
        assert [d["field"] for d in error["details"]] == ["body.confirmPassword"]
        other_user = await client.post(
            "/api/auth/new-password",
            json={**body, "userId": "someone-else", "password": NEW_PASSWORD},
        )
        assert_app_error(other_user, 400, "InvalidCode")
        no_session = await client.post(
            "/api/auth/new-password",
            json={"userId": None, "sessionId": None, "password": NEW_PASSWORD},
        )
        assert_app_error(no_session, 422, "ValidationError")
        user = await users.find_by_email(email)
        assert user is not None
        assert user.status == UserStatus.INVITED  # none of these changed anything


class TestGoogle:
    async def test_every_google_route_answers_501_in_the_error_shape(
        self, client: httpx.AsyncClient
    ) -> None:
        calls = [
            client.get("/api/auth/google", params={"redirect_uri": "/signin"}),
            client.post(
                "/api/auth/google/sign_in", params={"callback_uri": "/signin"}, json={"code": "c"}
            ),
            client.post(
                "/api/auth/google/sign_up",
                params={"callback_uri": "/signup/host"},
                json={"code": "c"},
            ),
        ]
        for call in calls:
            body = assert_app_error(await call, 501, "NotImplemented")
            assert "Google" in body["message"]


async def test_the_docs_show_the_shapes_the_app_reads(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    components = schema["components"]["schemas"]
    assert components["User"]["properties"]["role"]["$ref"].endswith("/RoleObject")
    assert "detail" in components["ErrorResponse"]["required"]
    assert "items" in components["ErrorWithItems"]["required"]
    dashboard = schema["paths"]["/api/coordinator/dashboard/all"]["get"]
    ok = dashboard["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/Dashboard")
    assert set(components["Dashboard"]["properties"]) == {"dashboardItems", "total"}
    assert "501" in schema["paths"]["/api/auth/google"]["get"]["responses"]
    for path in ("/api/auth/signup/confirm", "/api/auth/confirm-invite"):
        assert "303" in schema["paths"][path]["get"]["responses"]
