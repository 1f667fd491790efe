"""/api/housing-orgs: the contract, including every case of the old system's housing-org suite."""

import asyncio
from uuid import uuid4

import httpx
import pytest

from models.users import Role
from tests.conftest import assert_error
from tests.factories import SignedInUser, signed_in

PATH = "/api/housing-orgs"


@pytest.fixture
async def coordinator(client: httpx.AsyncClient) -> SignedInUser:
    return await signed_in(client, Role.COORDINATOR)


async def populate(client: httpx.AsyncClient, staff: SignedInUser, count: int) -> list[str]:
    """Create `count` organisations through the API; their ids."""
    ids = []
    for i in range(count):
        response = await client.post(PATH, json={"orgName": f"org no {i}"}, headers=staff.headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


class TestCreate:
    async def test_anonymous_is_401_and_a_guest_is_403(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.post(PATH, json={"orgName": "x"}), 401, "NotAuthenticated")
        guest = await signed_in(client, Role.GUEST)
        response = await client.post(PATH, json={"orgName": "x"}, headers=guest.headers)
        assert_error(response, 403, "Forbidden")

    async def test_create_is_201_with_location_and_can_be_read_back(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        response = await client.post(
            PATH, json={"orgName": "-123ASCII&"}, headers=coordinator.headers
        )
        assert response.status_code == 201, response.text
        org = response.json()
        assert org["orgName"] == "-123ASCII&"
        assert org["programs"] == []
        assert response.headers["location"] == f"{PATH}/{org['id']}"
        read = await client.get(response.headers["location"], headers=coordinator.headers)
        assert read.status_code == 200
        assert read.json() == org

    async def test_admins_may_create_too_and_programs_get_ids(
        self, client: httpx.AsyncClient
    ) -> None:
        admin = await signed_in(client, Role.ADMIN)
        body = {
            "orgName": "Safe Place",
            "programs": [{"programName": "Host Home"}, {"programName": "Rapid Rehousing"}],
        }
        response = await client.post(PATH, json=body, headers=admin.headers)
        assert response.status_code == 201, response.text
        programs = response.json()["programs"]
        assert [p["programName"] for p in programs] == ["Host Home", "Rapid Rehousing"]
        assert len({p["id"] for p in programs}) == 2

    async def test_a_duplicate_name_is_303_to_the_existing_org(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        first = await client.post(PATH, json={"orgName": "-123ASCII&"}, headers=coordinator.headers)
        org_id = first.json()["id"]
        again = await client.post(PATH, json={"orgName": "-123ASCII&"}, headers=coordinator.headers)
        assert again.status_code == 303
        assert again.headers["location"] == f"{PATH}/{org_id}"
        listed = await client.get(PATH, headers=coordinator.headers)
        assert listed.json()["total"] == 1

    async def test_following_the_redirect_gives_the_existing_org(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        first = await client.post(PATH, json={"orgName": "Hope House"}, headers=coordinator.headers)
        response = await client.post(
            PATH, json={"orgName": "Hope House"}, headers=coordinator.headers, follow_redirects=True
        )
        assert response.status_code == 200
        assert response.json() == first.json()

    async def test_names_are_compared_without_case_or_extra_spaces(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        first = await client.post(PATH, json={"orgName": "Hope House"}, headers=coordinator.headers)
        again = await client.post(
            PATH, json={"orgName": "  hope   HOUSE "}, headers=coordinator.headers
        )
        assert again.status_code == 303
        assert again.headers["location"].endswith(first.json()["id"])

    async def test_racing_creates_of_one_name_make_one_org(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        responses = await asyncio.gather(
            *(
                client.post(PATH, json={"orgName": "Race"}, headers=coordinator.headers)
                for _ in range(5)
            )
        )
        assert sorted(r.status_code for r in responses) == [201, 303, 303, 303, 303]
        assert (await client.get(PATH, headers=coordinator.headers)).json()["total"] == 1

    async def test_extra_fields_are_ignored(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        body = {"orgName": "A new org", "extra_int": 1, "extra_bool": True, "extra_string": "no"}
        response = await client.post(PATH, json=body, headers=coordinator.headers)
        assert response.status_code == 201
        org = response.json()
        assert set(org) == {"id", "orgName", "programs"}
        read = await client.get(f"{PATH}/{org['id']}", headers=coordinator.headers)
        assert read.json()["orgName"] == "A new org"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"orgName": 1}, "body.orgName"),
            ({"org_namez": 1}, "body.orgName"),
            ({"orgName": "   "}, "body.orgName"),
            ({"orgName": ""}, "body.orgName"),
            ({"orgName": "x" * 201}, "body.orgName"),
            ({"orgName": "ok", "programs": [{"programName": " "}]}, "body.programs.0.programName"),
            ({"orgName": "ok", "programs": "Host Home"}, "body.programs"),
        ],
    )
    async def test_wrong_types_and_blank_names_are_422(
        self,
        client: httpx.AsyncClient,
        coordinator: SignedInUser,
        body: dict[str, object],
        field: str,
    ) -> None:
        body_out = assert_error(
            await client.post(PATH, json=body, headers=coordinator.headers), 422, "ValidationError"
        )
        assert field in {d["field"] for d in body_out["details"]}  # type: ignore[attr-defined]

    async def test_names_are_stored_trimmed(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        response = await client.post(
            PATH, json={"orgName": "  Trimmed  "}, headers=coordinator.headers
        )
        assert response.json()["orgName"] == "Trimmed"

    async def test_two_programs_of_one_name_are_409(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        body = {"orgName": "Twice", "programs": [{"programName": "A"}, {"programName": "a"}]}
        assert_error(
            await client.post(PATH, json=body, headers=coordinator.headers), 409, "Conflict"
        )


class TestRead:
    async def test_every_signed_in_user_can_list_and_read(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        guest = await signed_in(client, Role.GUEST)
        assert (await client.get(PATH, headers=guest.headers)).status_code == 200
        assert (await client.get(f"{PATH}/{org_id}", headers=guest.headers)).status_code == 200
        assert_error(await client.get(PATH), 401, "NotAuthenticated")

    async def test_the_list_has_exactly_the_orgs_created(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        await populate(client, coordinator, 12)
        body = (await client.get(PATH, headers=coordinator.headers)).json()
        assert body["total"] == 12
        assert len(body["items"]) == 12
        assert body["items"][0]["orgName"] == "org no 0"

    async def test_an_empty_database_lists_nothing(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        body = (await client.get(PATH, headers=coordinator.headers)).json()
        assert body == {"items": [], "total": 0, "limit": 20, "offset": 0}

    async def test_the_list_is_paginated(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        await populate(client, coordinator, 5)
        body = (await client.get(f"{PATH}?limit=2&offset=4", headers=coordinator.headers)).json()
        assert body["total"] == 5
        assert [o["orgName"] for o in body["items"]] == ["org no 4"]
        assert_error(
            await client.get(f"{PATH}?limit=0", headers=coordinator.headers), 422, "ValidationError"
        )

    async def test_an_unknown_org_is_404(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        await populate(client, coordinator, 8)
        for org_id in ("999", str(uuid4())):
            body = assert_error(
                await client.get(f"{PATH}/{org_id}", headers=coordinator.headers),
                404,
                "HousingOrgNotFound",
            )
            assert "orgName" not in body


class TestReplace:
    async def test_put_renames_an_existing_org(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        response = await client.put(
            f"{PATH}/{org_id}", json={"orgName": "Rebranded Org~~~"}, headers=coordinator.headers
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"id": org_id, "orgName": "Rebranded Org~~~", "programs": []}
        read = await client.get(f"{PATH}/{org_id}", headers=coordinator.headers)
        assert read.json()["orgName"] == "Rebranded Org~~~"

    async def test_put_with_a_new_id_creates_the_org_with_201(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        org_id = str(uuid4())
        response = await client.put(
            f"{PATH}/{org_id}",
            json={"orgName": "New Housing Org Name"},
            headers=coordinator.headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["id"] == org_id
        assert response.headers["location"] == f"{PATH}/{org_id}"
        again = await client.put(
            f"{PATH}/{org_id}",
            json={"orgName": "New Housing Org Name"},
            headers=coordinator.headers,
        )
        assert again.status_code == 200

    async def test_put_creating_needs_a_uuid_id(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        response = await client.put(
            f"{PATH}/999", json={"orgName": "New"}, headers=coordinator.headers
        )
        assert_error(response, 422, "ValidationError")

    @pytest.mark.parametrize("body_id", [1, "another-id"])
    async def test_put_with_a_mismatched_id_is_409(
        self, client: httpx.AsyncClient, coordinator: SignedInUser, body_id: object
    ) -> None:
        body = {"id": body_id, "orgName": "New Housing Org Name"}
        response = await client.put(f"{PATH}/{uuid4()}", json=body, headers=coordinator.headers)
        assert_error(response, 409, "IdMismatch")
        assert (await client.get(PATH, headers=coordinator.headers)).json()["total"] == 0

    async def test_put_with_the_matching_id_in_the_body_is_fine(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        body = {"id": org_id, "orgName": "Same id"}
        assert (
            await client.put(f"{PATH}/{org_id}", json=body, headers=coordinator.headers)
        ).status_code == 200

    async def test_put_with_the_name_of_another_org_is_409_conflict(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        first, second = await populate(client, coordinator, 2)
        response = await client.put(
            f"{PATH}/{second}", json={"orgName": "ORG NO 0"}, headers=coordinator.headers
        )
        assert_error(response, 409, "Conflict")
        created = await client.put(
            f"{PATH}/{uuid4()}", json={"orgName": "org no 0"}, headers=coordinator.headers
        )
        assert_error(created, 409, "Conflict")
        read = await client.get(f"{PATH}/{second}", headers=coordinator.headers)
        assert read.json()["orgName"] == "org no 1"
        assert first

    async def test_put_may_change_the_case_of_its_own_name(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        response = await client.put(
            f"{PATH}/{org_id}", json={"orgName": "ORG NO 0"}, headers=coordinator.headers
        )
        assert response.status_code == 200

    async def test_put_ignores_extra_fields(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        body = {
            "orgName": "A brand new name",
            "extra_int": 1,
            "extra_bool": True,
            "extra_string": "x",
        }
        response = await client.put(f"{PATH}/{org_id}", json=body, headers=coordinator.headers)
        assert response.status_code == 200
        assert response.json() == {"id": org_id, "orgName": "A brand new name", "programs": []}

    async def test_put_keeps_programs_unless_it_sends_them(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        created = await client.post(
            PATH,
            json={
                "orgName": "Org",
                "programs": [{"programName": "Host Home"}, {"programName": "Other"}],
            },
            headers=coordinator.headers,
        )
        org = created.json()
        host_home = org["programs"][0]
        kept = await client.put(
            f"{PATH}/{org['id']}", json={"orgName": "Org 2"}, headers=coordinator.headers
        )
        assert kept.json()["programs"] == org["programs"]
        replaced = await client.put(
            f"{PATH}/{org['id']}",
            json={
                "orgName": "Org 2",
                "programs": [{"programName": "host home"}, {"programName": "New"}],
            },
            headers=coordinator.headers,
        )
        programs = replaced.json()["programs"]
        assert programs[0] == {"id": host_home["id"], "programName": "host home"}
        assert programs[1]["programName"] == "New"
        assert len(programs) == 2

    async def test_put_with_blank_name_or_wrong_type_is_422(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        for body in ({"orgName": " "}, {"orgName": 5}, {}):
            response = await client.put(f"{PATH}/{org_id}", json=body, headers=coordinator.headers)
            assert_error(response, 422, "ValidationError")

    async def test_a_guest_cannot_put(self, client: httpx.AsyncClient) -> None:
        guest = await signed_in(client, Role.GUEST)
        response = await client.put(
            f"{PATH}/{uuid4()}", json={"orgName": "x"}, headers=guest.headers
        )
        assert_error(response, 403, "Forbidden")


class TestDelete:
    async def test_delete_is_204_then_the_org_is_404(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        response = await client.delete(f"{PATH}/{org_id}", headers=coordinator.headers)
        assert response.status_code == 204
        assert response.content == b""
        assert_error(
            await client.get(f"{PATH}/{org_id}", headers=coordinator.headers),
            404,
            "HousingOrgNotFound",
        )

    async def test_deleting_an_unknown_org_is_404_and_changes_nothing(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        await populate(client, coordinator, 4)
        response = await client.delete(f"{PATH}/999", headers=coordinator.headers)
        assert_error(response, 404, "HousingOrgNotFound")
        assert (await client.get(PATH, headers=coordinator.headers)).json()["total"] == 4

    async def test_a_deleted_name_can_be_used_again(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        await client.delete(f"{PATH}/{org_id}", headers=coordinator.headers)
        again = await client.post(PATH, json={"orgName": "org no 0"}, headers=coordinator.headers)
        assert again.status_code == 201

    async def test_a_host_cannot_delete(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        host = await signed_in(client, Role.HOST)
        assert_error(
            await client.delete(f"{PATH}/{org_id}", headers=host.headers), 403, "Forbidden"
        )


class TestPrograms:
    async def test_add_a_program_is_201_and_shows_in_the_org(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        response = await client.post(
            f"{PATH}/{org_id}/programs",
            json={"programName": "Host Home"},
            headers=coordinator.headers,
        )
        assert response.status_code == 201, response.text
        program = response.json()
        assert program["programName"] == "Host Home"
        org = (await client.get(f"{PATH}/{org_id}", headers=coordinator.headers)).json()
        assert org["programs"] == [program]

    async def test_a_duplicate_program_name_in_one_org_is_409(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        first, second = await populate(client, coordinator, 2)
        await client.post(
            f"{PATH}/{first}/programs",
            json={"programName": "Host Home"},
            headers=coordinator.headers,
        )
        again = await client.post(
            f"{PATH}/{first}/programs",
            json={"programName": "HOST home"},
            headers=coordinator.headers,
        )
        assert_error(again, 409, "Conflict")
        other_org = await client.post(
            f"{PATH}/{second}/programs",
            json={"programName": "Host Home"},
            headers=coordinator.headers,
        )
        assert other_org.status_code == 201

    async def test_racing_adds_of_one_program_name_add_one(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        responses = await asyncio.gather(
            *(
                client.post(
                    f"{PATH}/{org_id}/programs",
                    json={"programName": "P"},
                    headers=coordinator.headers,
                )
                for _ in range(4)
            )
        )
        assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]

    async def test_a_program_of_an_unknown_org_is_404(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        response = await client.post(
            f"{PATH}/{uuid4()}/programs", json={"programName": "P"}, headers=coordinator.headers
        )
        assert_error(response, 404, "HousingOrgNotFound")

    async def test_a_blank_program_name_is_422(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        response = await client.post(
            f"{PATH}/{org_id}/programs", json={"programName": "  "}, headers=coordinator.headers
        )
        assert_error(response, 422, "ValidationError")

    async def test_delete_a_program_is_204_then_404(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        [org_id] = await populate(client, coordinator, 1)
        added = await client.post(
            f"{PATH}/{org_id}/programs", json={"programName": "P"}, headers=coordinator.headers
        )
        url = f"{PATH}/{org_id}/programs/{added.json()['id']}"
        assert (await client.delete(url, headers=coordinator.headers)).status_code == 204
        assert (await client.get(f"{PATH}/{org_id}", headers=coordinator.headers)).json()[
            "programs"
        ] == []
        assert_error(await client.delete(url, headers=coordinator.headers), 404, "NotFound")
        unknown_org = f"{PATH}/{uuid4()}/programs/{added.json()['id']}"
        assert_error(
            await client.delete(unknown_org, headers=coordinator.headers), 404, "HousingOrgNotFound"
        )
