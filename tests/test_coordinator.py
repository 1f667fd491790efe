"""The coordinator dashboard, cases and the hosts list, and the whole review flow end to end."""

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from config.db import db
from models.users import Role
from tests.conftest import assert_error
from tests.factories import PASSWORD, SignedInUser, last_code, make_user, sign_in, signed_in
from tests.server import running_server
from tests.test_intake_profiles import CONTACT, REST_OF_GUEST_FORM, responses
from utils import cases
from utils.flows.demo import EMBEDDED_DEMO_PASSWORD
from utils.flows.startup import reconcile_cases

DASHBOARD = "/api/coordinator/dashboard/all"
CASES = "/api/coordinator/cases"


@pytest.fixture
async def coordinator(client: httpx.AsyncClient) -> SignedInUser:
    return await signed_in(client, Role.COORDINATOR, first_name="Cora", last_name="Ordinator")


async def dashboard(
    client: httpx.AsyncClient, who: SignedInUser, query: str = ""
) -> dict[str, Any]:
    response = await client.get(f"{DASHBOARD}{query}", headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def item_of(page: dict[str, Any], user_id: str) -> dict[str, Any]:
    [item] = [i for i in page["dashboardItems"] if i["userId"] == user_id]
    return item


class TestDashboard:
    async def test_only_staff_see_it(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(DASHBOARD), 401, "NotAuthenticated")
        for role in (Role.GUEST, Role.HOST):
            who = await signed_in(client, role)
            assert_error(await client.get(DASHBOARD, headers=who.headers), 403, "Forbidden")
        admin = await signed_in(client, Role.ADMIN)
        assert (await client.get(DASHBOARD, headers=admin.headers)).status_code == 200

    async def test_it_lists_every_guest_host_and_coordinator_and_no_admin(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST, first_name="Gus", last_name="Guest")
        host = await make_user(Role.HOST, first_name="Hal", last_name="Host")
        await make_user(Role.ADMIN)
        page = await dashboard(client, coordinator)
        assert page["total"] == 3
        assert {i["userId"] for i in page["dashboardItems"]} == {guest.id, host.id, coordinator.id}
        item = item_of(page, guest.id)
        assert item["id"] == guest.id
        assert item["userName"] == "Gus Guest"
        assert item["userType"] == "GUEST"
        assert item["caseStatus"] == "new"
        assert item["coordinatorId"] is None
        assert item["coordinatorName"] is None
        assert item["notes"] is None
        assert item["profileStatus"] == "new"
        assert datetime.fromisoformat(item["lastUpdated"]).tzinfo is not None
        assert item_of(page, host.id)["userType"] == "HOST"
        assert item_of(page, coordinator.id)["userType"] == "COORDINATOR"

    async def test_a_sign_up_gets_a_case_at_once(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        body = {
            "email": "new.host@example.org",
            "password": PASSWORD,
            "firstName": "Nia",
            "role": "host",
        }
        signup = await client.post("/api/auth/signup", json=body)
        assert signup.status_code == 201, signup.text
        item = item_of(await dashboard(client, coordinator), signup.json()["user"]["id"])
        assert (item["userType"], item["caseStatus"]) == ("HOST", "new")

    async def test_filters_by_user_type_case_status_and_mine(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guests = [await make_user(Role.GUEST) for _ in range(3)]
        host = await make_user(Role.HOST)
        await client.patch(
            f"{CASES}/{guests[0].id}", json={"caseStatus": "approved"}, headers=coordinator.headers
        )
        await client.patch(
            f"{CASES}/{guests[1].id}",
            json={"coordinatorId": coordinator.id},
            headers=coordinator.headers,
        )
        await client.patch(
            f"{CASES}/{host.id}",
            json={"coordinatorId": coordinator.id},
            headers=coordinator.headers,
        )

        only_guests = await dashboard(client, coordinator, "?userType=guest")
        assert {i["userId"] for i in only_guests["dashboardItems"]} == {g.id for g in guests}
        approved = await dashboard(client, coordinator, "?caseStatus=approved")
        assert [i["userId"] for i in approved["dashboardItems"]] == [guests[0].id]
        mine = await dashboard(client, coordinator, "?mine=true")
        assert {i["userId"] for i in mine["dashboardItems"]} == {guests[1].id, host.id}
        mine_guests = await dashboard(
            client, coordinator, "?mine=true&userType=guest&caseStatus=new"
        )
        assert [i["userId"] for i in mine_guests["dashboardItems"]] == [guests[1].id]
        assert (await dashboard(client, coordinator, "?mine=false"))["total"] == 5
        for bad in ("?userType=admin", "?caseStatus=lost", "?limit=1001", "?offset=-1"):
            response = await client.get(f"{DASHBOARD}{bad}", headers=coordinator.headers)
            assert_error(response, 422, "ValidationError")

    async def test_the_most_recently_changed_case_comes_first_and_pages_work(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        people = [await make_user(Role.GUEST) for _ in range(5)]
        await asyncio.sleep(0.01)
        await client.patch(
            f"{CASES}/{people[0].id}", json={"notes": "called"}, headers=coordinator.headers
        )
        first_page = await dashboard(client, coordinator, "?limit=2")
        assert first_page["total"] == 6  # five guests and the coordinator
        assert len(first_page["dashboardItems"]) == 2
        assert first_page["dashboardItems"][0]["userId"] == people[0].id
        rest = await dashboard(client, coordinator, "?limit=2&offset=2")
        last = await dashboard(client, coordinator, "?limit=2&offset=4")
        seen = [i["userId"] for page in (first_page, rest, last) for i in page["dashboardItems"]]
        assert seen[-1] == coordinator.id  # coordinators come after every case
        assert sorted(seen) == sorted([*(p.id for p in people), coordinator.id])

    async def test_a_missing_case_is_made_at_start_up_not_by_the_dashboard(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        await cases.delete_case(guest.id)  # as an interrupted write would leave it
        page = await dashboard(client, coordinator)
        assert guest.id not in [i["userId"] for i in page["dashboardItems"]]
        assert await cases.get_case(guest.id) is None  # a GET writes nothing
        await reconcile_cases()  # what start-up (and scripts.repair_cases) runs
        item = item_of(await dashboard(client, coordinator), guest.id)
        assert item["caseStatus"] == "new"

    async def test_a_case_of_a_deleted_user_does_not_break_it_and_start_up_removes_it(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        stray = str(uuid4())
        await cases.open_case(stray, Role.GUEST)  # a case whose user no longer exists
        page = await dashboard(client, coordinator)
        assert [i["userId"] for i in page["dashboardItems"]] == [guest.id, coordinator.id]
        await reconcile_cases()
        assert await cases.get_case(stray) is None
        assert (await dashboard(client, coordinator))["total"] == 2

    async def test_a_role_change_moves_the_case_with_the_user(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        other = await make_user(Role.GUEST)
        admin = await signed_in(client, Role.ADMIN)
        await client.patch(
            f"/api/users/{guest.id}/role", json={"role": "host"}, headers=admin.headers
        )
        await client.patch(
            f"/api/users/{other.id}/role", json={"role": "coordinator"}, headers=admin.headers
        )
        page = await dashboard(client, coordinator)
        assert {(i["userId"], i["userType"]) for i in page["dashboardItems"]} == {
            (guest.id, "HOST"),
            (other.id, "COORDINATOR"),
            (coordinator.id, "COORDINATOR"),
        }

    async def test_a_users_deletion_takes_their_case_off(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        admin = await signed_in(client, Role.ADMIN)
        await client.delete(f"/api/users/{guest.id}", headers=admin.headers)
        assert (await dashboard(client, coordinator, "?userType=GUEST"))["total"] == 0


class TestUpdateCase:
    async def test_assign_set_status_and_write_notes(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST, first_name="Gus", last_name="Guest")
        before = item_of(await dashboard(client, coordinator), guest.id)
        await asyncio.sleep(0.01)
        body = {
            "coordinatorId": coordinator.id,
            "caseStatus": "in_progress",
            "notes": "First call done.",
        }
        response = await client.patch(f"{CASES}/{guest.id}", json=body, headers=coordinator.headers)
        assert response.status_code == 200, response.text
        item = response.json()
        assert item["coordinatorId"] == coordinator.id
        assert item["coordinatorName"] == "Cora Ordinator"
        assert item["caseStatus"] == "in_progress"
        assert item["notes"] == "First call done."
        assert item["userName"] == "Gus Guest"
        assert datetime.fromisoformat(item["lastUpdated"]) > datetime.fromisoformat(
            before["lastUpdated"]
        )
        assert item_of(await dashboard(client, coordinator), guest.id) == item

    async def test_only_the_fields_sent_change(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        url = f"{CASES}/{guest.id}"
        await client.patch(
            url, json={"coordinatorId": coordinator.id, "notes": "n"}, headers=coordinator.headers
        )
        status_only = (
            await client.patch(url, json={"caseStatus": "matched"}, headers=coordinator.headers)
        ).json()
        assert (status_only["coordinatorId"], status_only["notes"]) == (coordinator.id, "n")
        nothing = await client.patch(url, json={}, headers=coordinator.headers)
        assert nothing.json() == status_only  # no change, so lastUpdated stays too
        cleared = (
            await client.patch(
                url, json={"coordinatorId": None, "notes": None}, headers=coordinator.headers
            )
        ).json()
        assert (cleared["coordinatorId"], cleared["coordinatorName"], cleared["notes"]) == (
            None,
            None,
            None,
        )
        assert cleared["caseStatus"] == "matched"

    async def test_an_admin_may_be_assigned_and_may_assign(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        host = await make_user(Role.HOST)
        admin = await signed_in(client, Role.ADMIN, first_name="Ada", last_name="Admin")
        response = await client.patch(
            f"{CASES}/{host.id}", json={"coordinatorId": admin.id}, headers=admin.headers
        )
        assert response.json()["coordinatorName"] == "Ada Admin"

    async def test_a_coordinator_id_must_name_a_coordinator_or_admin(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        host = await make_user(Role.HOST)
        for bad in (host.id, guest.id, str(uuid4())):
            response = await client.patch(
                f"{CASES}/{guest.id}", json={"coordinatorId": bad}, headers=coordinator.headers
            )
            body = assert_error(response, 422, "ValidationError")
            assert body["details"] == [
                {"field": "body.coordinatorId", "message": "Not a coordinator or admin."}
            ]

    async def test_bad_statuses_are_422(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        for body in ({"caseStatus": "lost"}, {"caseStatus": None}, {"notes": 5}):
            response = await client.patch(
                f"{CASES}/{guest.id}", json=body, headers=coordinator.headers
            )
            assert_error(response, 422, "ValidationError")

    async def test_unknown_users_and_staff_have_no_case(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        for user_id in (str(uuid4()), coordinator.id):
            response = await client.patch(
                f"{CASES}/{user_id}", json={"notes": "x"}, headers=coordinator.headers
            )
            assert_error(response, 404, "UserNotFound")

    async def test_a_missing_case_is_created_by_its_first_change(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        guest = await make_user(Role.GUEST)
        await cases.delete_case(guest.id)
        response = await client.patch(
            f"{CASES}/{guest.id}", json={"notes": "x"}, headers=coordinator.headers
        )
        assert response.status_code == 200
        assert (response.json()["caseStatus"], response.json()["notes"]) == ("new", "x")

    async def test_guests_and_hosts_cannot_update_cases(self, client: httpx.AsyncClient) -> None:
        guest = await signed_in(client, Role.GUEST)
        response = await client.patch(
            f"{CASES}/{guest.id}", json={"caseStatus": "approved"}, headers=guest.headers
        )
        assert_error(response, 403, "Forbidden")


class TestHosts:
    async def test_lists_only_hosts_with_search_and_pages(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        hal = await make_user(Role.HOST, first_name="Hal", last_name="Harbor")
        await make_user(Role.HOST, first_name="Hana", last_name="Hill")
        await make_user(Role.GUEST, first_name="Hal", last_name="Guest")
        page = (await client.get("/api/hosts", headers=coordinator.headers)).json()
        assert page["total"] == 2
        assert {u["role"]["type"] for u in page["items"]} == {"host"}
        found = (await client.get("/api/hosts?q=harb", headers=coordinator.headers)).json()
        assert [u["id"] for u in found["items"]] == [hal.id]
        paged = (
            await client.get("/api/hosts?limit=1&offset=1", headers=coordinator.headers)
        ).json()
        assert (paged["total"], len(paged["items"])) == (2, 1)

    async def test_only_staff_list_hosts(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get("/api/hosts"), 401, "NotAuthenticated")
        host = await signed_in(client, Role.HOST)
        assert_error(await client.get("/api/hosts", headers=host.headers), 403, "Forbidden")


async def test_indexes_exist_for_every_query(app: object) -> None:
    orgs = await db.collection("housing_orgs").index_information()
    assert orgs["org_name_lower_unique"]["unique"]
    case_indexes = await db.collection("cases").index_information()
    assert {"type_updated", "status_updated", "coordinator_updated"} <= set(case_indexes)
    forms = await db.collection("intake_forms").index_information()
    assert "aliases" in forms


async def walk_through(
    http: httpx.AsyncClient, outbox: Path, coordinator_email: str, password: str
) -> None:
    """The issue's "done": a coordinator creates an org, invites a guest, watches the guest's
    profile go from new to submitted on the dashboard, asks for more information, approves."""

    async def mine(headers: dict[str, str], user_id: str) -> dict[str, Any]:
        response = await http.get(
            f"{DASHBOARD}?mine=true&userType=guest&limit=100", headers=headers
        )
        assert response.status_code == 200, response.text
        return item_of(response.json(), user_id)

    coordinator = await sign_in(http, coordinator_email, password)
    staff = coordinator.headers

    # 1. An organisation with a program.
    org_body = {
        "orgName": f"Hope House {uuid4().hex[:6]}",
        "programs": [{"programName": "Host Home"}],
    }
    org = await http.post("/api/housing-orgs", json=org_body, headers=staff)
    assert org.status_code == 201, org.text
    assert (await http.get(org.headers["location"], headers=staff)).json()["programs"][0][
        "programName"
    ] == "Host Home"

    # 2. An invited guest is on the dashboard at once, assigned to the coordinator who invited.
    email = f"ivy.{uuid4().hex[:8]}@example.org"
    invite = {"email": email, "firstName": "Ivy", "lastName": "Invited", "role": "guest"}
    invited = await http.post("/api/auth/invite", json=invite, headers=staff)
    assert invited.status_code == 201, invited.text
    guest_id = invited.json()["user"]["id"]
    item = await mine(staff, guest_id)
    assert (item["userName"], item["caseStatus"], item["profileStatus"]) == (
        "Ivy Invited",
        "new",
        "new",
    )
    assert item["coordinatorId"] == coordinator.id

    # 3. The guest accepts the invitation and chooses a password.
    code = last_code(outbox, email)
    challenge = await http.get("/api/auth/confirm-invite", params={"email": email, "code": code})
    assert challenge.status_code == 200, challenge.text
    chosen = await http.post(
        "/api/auth/new-password",
        json={"session": challenge.json()["session"], "password": PASSWORD},
    )
    assert chosen.status_code == 200, chosen.text
    guest = {"Authorization": f"Bearer {chosen.json()['token']}"}

    # 4. A first draft: the case is in progress, the profile too.
    draft = await http.put(
        "/api/intake-profile/guest", json={"responses": responses(CONTACT)}, headers=guest
    )
    assert draft.status_code == 200, draft.text
    item = await mine(staff, guest_id)
    assert (item["caseStatus"], item["profileStatus"]) == ("in_progress", "in_progress")

    # 5. Submitted: the dashboard shows it.
    answers = responses({**CONTACT, **REST_OF_GUEST_FORM})
    submitted = await http.put(
        "/api/intake-profile/guest",
        json={"responses": answers, "submit": True},
        headers={**guest, "If-Match": draft.headers["etag"]},
    )
    assert submitted.status_code == 200, submitted.text
    item = await mine(staff, guest_id)
    assert (item["caseStatus"], item["profileStatus"]) == ("in_progress", "submitted")
    submitted_at = item["lastUpdated"]

    # 6. The coordinator asks for more information; the note lands in the case notes.
    review_url = f"/api/intake-profile/guest/users/{guest_id}/review"
    asked = await http.post(
        review_url, json={"decision": "needs_info", "note": "Which school?"}, headers=staff
    )
    assert asked.status_code == 200, asked.text
    item = await mine(staff, guest_id)
    assert (item["caseStatus"], item["profileStatus"]) == ("needs_info", "needs_info")
    assert item["notes"].endswith("(needs_info): Which school?")
    assert datetime.fromisoformat(item["lastUpdated"]) >= datetime.fromisoformat(submitted_at)

    # 7. The guest answers and submits again; the coordinator approves.
    more = responses(
        {
            **CONTACT,
            **REST_OF_GUEST_FORM,
            "enrollment-status": "yes",
            "education-description": "LA Trade Tech",
        }
    )
    again = await http.put(
        "/api/intake-profile/guest", json={"responses": more, "submit": True}, headers=guest
    )
    assert again.status_code == 200, again.text
    item = await mine(staff, guest_id)
    assert (item["caseStatus"], item["profileStatus"]) == ("in_progress", "submitted")
    approved = await http.post(
        review_url, json={"decision": "approved", "note": "Welcome!"}, headers=staff
    )
    assert approved.status_code == 200, approved.text
    item = await mine(staff, guest_id)
    assert (item["caseStatus"], item["profileStatus"]) == ("approved", "approved")
    assert item["notes"].count("\n") == 1
    assert item["notes"].endswith("(approved): Welcome!")


async def test_the_whole_review_flow_reaches_the_dashboard(
    client: httpx.AsyncClient, outbox: Path
) -> None:
    coordinator = await make_user(Role.COORDINATOR)
    await walk_through(client, outbox, coordinator.email, PASSWORD)


async def test_the_whole_flow_on_the_embedded_default_with_the_demo_coordinator(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "outbox"
    with running_server(EMAIL_OUTBOX_DIR=str(outbox)) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            await walk_through(http, outbox, "coordinator@example.com", EMBEDDED_DEMO_PASSWORD)
