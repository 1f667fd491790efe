"""/api/intake-profile: forms seeded from files, drafts, submission, ETags and review."""

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from config.db import db
from models.intake import FieldType, FormFile
from models.users import Role
from tests.conftest import assert_error
from tests.factories import SignedInUser, signed_in
from utils import intake

PATH = "/api/intake-profile"
GUEST_FORM_ID = "e33ff305-8a69-407f-a4a5-f52402301579"
HOST_FORM_ID = "f0e63112-f9f4-4b80-9408-1676225a69dd"

CONTACT = {
    "firstName": "Gus",
    "lastName": "Guest",
    "dateOfBirth": "2004-05-06",
    "email": "gus@example.org",
    "phone": "+1 (213) 555-0100",
    "contactMethod": "text",
}
REST_OF_GUEST_FORM = {
    "hasAdditionalGuests": True,
    "additionalGuests": [{"name": "Ana", "dateOfBirth": "2020-01-02", "relationship": "daughter"}],
    "hasPets": True,
    "pets": [{"type": "Dog", "breed": "Beagle"}, {"type": "Cat"}],
    "isEmployed": True,
    "employmentDetails": "Barista, 20 hours a week",
    "monthlyIncome": 1250.5,
    "isEnrolled": False,
    "highestEducation": "highSchool",
    "primaryLanguage": "english",
    "otherLanguages": ["spanish", "korean"],
    "smokes": False,
    "drinksAlcohol": False,
    "usesOtherSubstances": False,
    "receivesMentalHealthSupport": False,
    "whyGuest": "I need a stable place while I finish my training.",
    "aboutMe": "I like cooking and long walks.",
}
HOST_ANSWERS = {
    "firstName": "Hal",
    "lastName": "Host",
    "email": "hal@example.org",
    "phone": "213-555-0101",
    "contactMethod": "email",
    "householdSize": 2,
    "hasOtherAdults": False,
    "hasPets": False,
    "homeType": "house",
    "address": "1 Main St, Los Angeles",
    "bedroomsAvailable": 1,
    "smokingAllowed": False,
    "hostingDuration": "3to6Months",
    "whyHost": "We have a spare room.",
}


def responses(answers: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"fieldId": field_id, "value": value} for field_id, value in answers.items()]


def fields_of(details: object) -> list[str]:
    assert isinstance(details, list)
    return [detail["field"] for detail in details]


@pytest.fixture
async def guest(client: httpx.AsyncClient) -> SignedInUser:
    return await signed_in(client, Role.GUEST)


@pytest.fixture
async def coordinator(client: httpx.AsyncClient) -> SignedInUser:
    return await signed_in(client, Role.COORDINATOR)


async def save(
    client: httpx.AsyncClient,
    who: SignedInUser,
    answers: dict[str, Any],
    *,
    submit: bool = False,
    etag: str | None = None,
    form: str = "guest",
) -> httpx.Response:
    """PUT the answers to `who`'s own profile, with `If-Match` when `etag` is given."""
    headers = dict(who.headers)
    if etag is not None:
        headers["If-Match"] = etag
    body = {"responses": responses(answers), "submit": submit}
    return await client.put(f"{PATH}/{form}", json=body, headers=headers)


async def submitted_guest(client: httpx.AsyncClient, guest: SignedInUser) -> None:
    response = await save(client, guest, {**CONTACT, **REST_OF_GUEST_FORM}, submit=True)
    assert response.status_code == 200, response.text


class TestForms:
    @pytest.mark.parametrize(
        ("ref", "form_id"),
        [
            ("guest", GUEST_FORM_ID),
            ("1", GUEST_FORM_ID),
            (GUEST_FORM_ID, GUEST_FORM_ID),
            ("host", HOST_FORM_ID),
            ("2", HOST_FORM_ID),
        ],
    )
    async def test_a_form_is_found_by_id_name_or_old_number(
        self, client: httpx.AsyncClient, guest: SignedInUser, ref: str, form_id: str
    ) -> None:
        response = await client.get(f"{PATH}/form/{ref}", headers=guest.headers)
        assert response.status_code == 200, response.text
        form = response.json()
        assert form["id"] == form_id
        assert set(form) == {"id", "title", "description", "fieldGroups"}

    async def test_an_unknown_form_is_404_form_not_found(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        for ref in ("3", "nope", str(uuid4())):
            assert_error(
                await client.get(f"{PATH}/form/{ref}", headers=guest.headers), 404, "FormNotFound"
            )

    async def test_forms_need_sign_in(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{PATH}/form/guest"), 401, "NotAuthenticated")

    async def test_the_guest_form_has_its_nine_field_groups(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{PATH}/form/guest", headers=guest.headers)).json()
        assert [group["title"] for group in form["fieldGroups"]] == [
            "Contact information",
            "Other guests and pets",
            "Employment and income",
            "Education",
            "Language",
            "Substance use",
            "Mental health",
            "Interest in being a guest",
            "About me",
        ]
        about_me = form["fieldGroups"][-1]["fields"][0]
        assert about_me["type"] == "long_text"
        assert about_me["validations"]["maxLength"] == about_me["properties"]["maxLength"] == 1500

    async def test_the_guest_form_uses_every_field_type(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{PATH}/form/guest", headers=guest.headers)).json()
        types = {field["type"] for group in form["fieldGroups"] for field in group["fields"]}
        assert types == {t.value for t in FieldType}

    async def test_follow_up_questions_are_required_if_the_answer_was_yes(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{PATH}/form/guest", headers=guest.headers)).json()
        fields = {f["id"]: f for group in form["fieldGroups"] for f in group["fields"]}
        assert fields["pets"]["validations"]["requiredIf"] == {"fieldId": "hasPets", "value": True}
        assert fields["pets"]["title"].startswith("If you answered yes")
        follow_ups = [f for f in fields.values() if "requiredIf" in f["validations"]]
        assert len(follow_ups) >= 5

    async def test_the_host_form_covers_household_home_and_hosting(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{PATH}/form/host", headers=guest.headers)).json()
        assert [group["id"] for group in form["fieldGroups"]] == [
            "contactInformation",
            "household",
            "home",
            "hostingPreferences",
        ]


class TestSeeding:
    async def test_the_shipped_form_files_are_valid(self) -> None:
        paths = intake.form_files(intake.FORMS_DIR)
        assert [p.name for p in paths] == ["guest.json", "host.json"]
        for path in paths:
            form, _ = intake.load_form_file(path)
            assert form.role in (Role.GUEST, Role.HOST)

    async def test_seeding_again_writes_nothing(self, app: object) -> None:
        assert await intake.seed_forms() == []  # the start-up (per test) already seeded them

    async def test_a_changed_file_updates_the_stored_form(
        self, client: httpx.AsyncClient, guest: SignedInUser, tmp_path: Path
    ) -> None:
        shutil.copy(intake.FORMS_DIR / "host.json", tmp_path / "host.json")
        data = json.loads((tmp_path / "host.json").read_text())
        data["title"] = "Host application, second edition"
        (tmp_path / "host.json").write_text(json.dumps(data))
        assert await intake.seed_forms(tmp_path) == [HOST_FORM_ID]
        assert await intake.seed_forms(tmp_path) == []
        form = (await client.get(f"{PATH}/form/host", headers=guest.headers)).json()
        assert form["title"] == "Host application, second edition"
        assert await intake.seed_forms() == [HOST_FORM_ID]  # and back to the shipped file

    async def test_a_form_with_a_dangling_required_if_is_refused(self, tmp_path: Path) -> None:
        data = json.loads((intake.FORMS_DIR / "guest.json").read_text())
        data["fieldGroups"][1]["fields"][1]["validations"]["requiredIf"]["fieldId"] = "nothing"
        with pytest.raises(ValueError, match="unknown field"):
            intake.check_form_definition(FormFile.model_validate(data))

    async def test_profiles_have_a_unique_index_on_user_and_form(self, app: object) -> None:
        indexes = await db.collection("intake_profiles").index_information()
        assert indexes["user_form_unique"]["unique"]
        assert list(indexes["user_form_unique"]["key"]) == [("user_id", 1), ("form_id", 1)]


class TestOwnProfile:
    async def test_a_new_guest_reads_an_empty_new_profile_with_an_etag(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        response = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert response.status_code == 200, response.text
        profile = response.json()
        assert profile["status"] == "new"
        assert profile["responses"] == []
        assert profile["userId"] == guest.id
        assert profile["formId"] == GUEST_FORM_ID
        assert profile["updatedAt"] is None
        assert profile["submittedAt"] is None
        assert response.headers["etag"] == f'"{profile["id"]}-0"'
        again = await client.get(f"{PATH}/1", headers=guest.headers)
        assert again.json() == profile

    async def test_the_guest_form_is_only_for_guests_and_the_host_form_for_hosts(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        host = await signed_in(client, Role.HOST)
        assert_error(await client.get(f"{PATH}/host", headers=guest.headers), 403, "Forbidden")
        assert_error(await client.get(f"{PATH}/guest", headers=host.headers), 403, "Forbidden")
        assert_error(await save(client, guest, {}, form="host"), 403, "Forbidden")
        assert (await client.get(f"{PATH}/host", headers=host.headers)).status_code == 200

    async def test_coordinators_use_the_staff_route_instead(
        self, client: httpx.AsyncClient, coordinator: SignedInUser
    ) -> None:
        assert_error(
            await client.get(f"{PATH}/guest", headers=coordinator.headers), 403, "Forbidden"
        )

    async def test_an_unknown_form_is_404(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        assert_error(
            await client.get(f"{PATH}/{uuid4()}", headers=guest.headers), 404, "FormNotFound"
        )
        assert_error(await save(client, guest, {}, form="9"), 404, "FormNotFound")

    async def test_a_host_fills_in_the_host_form(self, client: httpx.AsyncClient) -> None:
        host = await signed_in(client, Role.HOST)
        response = await save(client, host, HOST_ANSWERS, submit=True, form="host")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "submitted"


class TestDraftsAndSubmission:
    async def test_a_guest_fills_the_form_in_several_drafts_then_submits(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        start = await client.get(f"{PATH}/guest", headers=guest.headers)
        first = await save(client, guest, CONTACT, etag=start.headers["etag"])
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "in_progress"
        assert first.json()["updatedAt"] is not None
        assert first.headers["etag"] == f'"{start.json()["id"]}-1"'

        # The second draft sends every answer so far (the responses replace the saved ones).
        partial = {**CONTACT, "hasPets": True, "isEmployed": False}
        second = await save(client, guest, partial, etag=first.headers["etag"])
        assert second.status_code == 200, second.text
        assert second.headers["etag"].endswith('-2"')
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert read.headers["etag"] == second.headers["etag"]
        assert {r["fieldId"]: r["value"] for r in read.json()["responses"]} == partial

        # Submitting too early: one entry per missing field, follow-ups included.
        early = await save(client, guest, partial, submit=True, etag=second.headers["etag"])
        fields = fields_of(assert_error(early, 422, "ValidationError")["details"])
        assert "responses.aboutMe" in fields
        assert "responses.pets" in fields  # hasPets is yes
        assert "responses.isLookingForWork" in fields  # isEmployed is no
        assert "responses.employmentDetails" not in fields
        assert "responses.firstName" not in fields
        assert len(fields) == len(set(fields))
        unchanged = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert unchanged.json()["status"] == "in_progress"
        assert unchanged.headers["etag"] == second.headers["etag"]

        done = await save(
            client,
            guest,
            {**CONTACT, **REST_OF_GUEST_FORM},
            submit=True,
            etag=second.headers["etag"],
        )
        assert done.status_code == 200, done.text
        profile = done.json()
        assert profile["status"] == "submitted"
        assert profile["submittedAt"] is not None
        assert len(profile["responses"]) == len(CONTACT) + len(REST_OF_GUEST_FORM)

    async def test_a_missing_required_field_on_submit_is_422_with_its_details(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {**CONTACT, **REST_OF_GUEST_FORM}
        del answers["lastName"]
        response = await save(client, guest, answers, submit=True)
        body = assert_error(response, 422, "ValidationError")
        assert body["details"] == [
            {"field": "responses.lastName", "message": "This field is required."}
        ]

    async def test_a_bad_choice_is_422_with_its_details(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        response = await save(client, guest, {**CONTACT, "contactMethod": "carrier pigeon"})
        body = assert_error(response, 422, "ValidationError")
        assert fields_of(body["details"]) == ["responses.contactMethod"]
        assert "email, phone, text" in body["details"][0]["message"]  # type: ignore[index]

    async def test_drafts_may_leave_required_fields_empty(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        response = await save(client, guest, {"firstName": "Gus", "lastName": None})
        assert response.status_code == 200
        assert response.json()["responses"] == [{"fieldId": "firstName", "value": "Gus"}]

    async def test_a_blank_required_text_counts_as_missing(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        response = await save(
            client, guest, {**CONTACT, **REST_OF_GUEST_FORM, "aboutMe": "   "}, submit=True
        )
        assert fields_of(assert_error(response, 422, "ValidationError")["details"]) == [
            "responses.aboutMe"
        ]

    async def test_follow_ups_are_not_needed_when_the_answer_was_no(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {**CONTACT, **REST_OF_GUEST_FORM, "hasPets": False, "hasAdditionalGuests": False}
        del answers["pets"]
        del answers["additionalGuests"]
        assert (await save(client, guest, answers, submit=True)).status_code == 200

    async def test_a_follow_up_is_required_when_the_answer_was_yes(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {**CONTACT, **REST_OF_GUEST_FORM, "usesOtherSubstances": True}
        body = assert_error(await save(client, guest, answers, submit=True), 422, "ValidationError")
        assert fields_of(body["details"]) == ["responses.substanceUseDetails"]
        assert "Do you use other substances?" in body["details"][0]["message"]  # type: ignore[index]

    async def test_unknown_and_repeated_fields_are_each_a_problem(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        body = {
            "responses": [
                {"fieldId": "favouriteColour", "value": "blue"},
                {"fieldId": "firstName", "value": "A"},
                {"fieldId": "firstName", "value": "B"},
            ]
        }
        response = await client.put(f"{PATH}/guest", json=body, headers=guest.headers)
        details = assert_error(response, 422, "ValidationError")["details"]
        assert fields_of(details) == ["responses.favouriteColour", "responses.firstName"]

    async def test_every_bad_value_gets_its_own_entry(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {"firstName": 7, "hasPets": "yes", "monthlyIncome": "lots", "aboutMe": "x" * 1501}
        details = assert_error(await save(client, guest, answers), 422, "ValidationError")[
            "details"
        ]
        assert fields_of(details) == [
            "responses.firstName",
            "responses.hasPets",
            "responses.monthlyIncome",
            "responses.aboutMe",
        ]
        assert "1500" in details[3]["message"]  # type: ignore[index]

    @pytest.mark.parametrize(
        ("field_id", "value", "field"),
        [
            ("firstName", ["Gus"], "responses.firstName"),
            ("firstName", "x" * 101, "responses.firstName"),
            ("aboutMe", 12, "responses.aboutMe"),
            ("monthlyIncome", True, "responses.monthlyIncome"),
            ("monthlyIncome", "12", "responses.monthlyIncome"),
            ("monthlyIncome", 10**400, "responses.monthlyIncome"),
            ("monthlyIncome", -1e16, "responses.monthlyIncome"),
            ("email", "not-an-address", "responses.email"),
            ("email", 5, "responses.email"),
            ("phone", "call me", "responses.phone"),
            ("phone", "12", "responses.phone"),
            ("dateOfBirth", "06/05/2004", "responses.dateOfBirth"),
            ("dateOfBirth", "2004-02-30", "responses.dateOfBirth"),
            ("dateOfBirth", 20040506, "responses.dateOfBirth"),
            ("hasPets", 1, "responses.hasPets"),
            ("hasPets", "true", "responses.hasPets"),
            ("highestEducation", "phd", "responses.highestEducation"),
            ("highestEducation", ["ged"], "responses.highestEducation"),
            ("contactMethod", "fax", "responses.contactMethod"),
            ("otherLanguages", "spanish", "responses.otherLanguages"),
            ("otherLanguages", ["spanish", "klingon"], "responses.otherLanguages"),
            ("otherLanguages", ["spanish", "spanish"], "responses.otherLanguages"),
            ("additionalGuests", {"name": "Ana"}, "responses.additionalGuests"),
            ("additionalGuests", ["Ana"], "responses.additionalGuests[0]"),
            (
                "additionalGuests",
                [{"name": "Ana", "relationship": "sister"}],
                "responses.additionalGuests[0].dateOfBirth",
            ),
            (
                "additionalGuests",
                [{"name": " ", "dateOfBirth": "2001-01-01", "relationship": "x"}],
                "responses.additionalGuests[0].name",
            ),
            (
                "additionalGuests",
                [{"name": "A", "dateOfBirth": "2001-01-01", "relationship": "x"}] * 21,
                "responses.additionalGuests",
            ),
            ("pets", [{"type": "Hamster"}], "responses.pets[0].type"),
            ("pets", [{"type": "Dog", "breed": 3}], "responses.pets[0].breed"),
            ("pets", "dog", "responses.pets"),
        ],
    )
    async def test_each_type_refuses_values_of_another_shape(
        self, client: httpx.AsyncClient, guest: SignedInUser, field_id: str, value: Any, field: str
    ) -> None:
        details = assert_error(
            await save(client, guest, {field_id: value}), 422, "ValidationError"
        )["details"]
        assert fields_of(details) == [field]

    async def test_list_entries_keep_only_the_keys_of_their_type(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        pets = [{"type": "Other", "breed": "Rabbit", "secret": "x"}]
        response = await save(client, guest, {"pets": pets, "monthlyIncome": 0})
        assert response.status_code == 200, response.text
        saved = {r["fieldId"]: r["value"] for r in response.json()["responses"]}
        assert saved == {"pets": [{"type": "Other", "breed": "Rabbit"}], "monthlyIncome": 0}

    async def test_a_submitted_profile_is_read_only(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        await submitted_guest(client, guest)
        assert_error(await save(client, guest, CONTACT), 409, "Conflict")
        assert_error(await save(client, guest, CONTACT, submit=True), 409, "Conflict")
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert read.json()["status"] == "submitted"


class TestETags:
    async def test_a_stale_if_match_is_412_and_writes_nothing(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        first = await save(client, guest, CONTACT)
        stale = first.headers["etag"]
        await save(client, guest, {**CONTACT, "firstName": "Gustav"}, etag=stale)
        response = await save(client, guest, {"firstName": "Lost"}, etag=stale)
        assert_error(response, 412, "PreconditionFailed")
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert {r["fieldId"]: r["value"] for r in read.json()["responses"]}["firstName"] == "Gustav"

    async def test_an_etag_of_another_profile_is_412(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        assert_error(
            await save(client, guest, CONTACT, etag='"someone-else-0"'), 412, "PreconditionFailed"
        )

    async def test_weak_lists_and_star_if_match_are_understood(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        first = await save(client, guest, CONTACT)
        tag = first.headers["etag"]
        second = await save(client, guest, CONTACT, etag=f'"other-1", W/{tag}')
        assert second.status_code == 200
        assert (await save(client, guest, CONTACT, etag="*")).status_code == 200

    async def test_two_concurrent_saves_with_one_etag_one_wins_one_is_412(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        etag = (await save(client, guest, CONTACT)).headers["etag"]
        first, second = await asyncio.gather(
            save(client, guest, {**CONTACT, "firstName": "First"}, etag=etag),
            save(client, guest, {**CONTACT, "firstName": "Second"}, etag=etag),
        )
        assert sorted([first.status_code, second.status_code]) == [200, 412]
        winner = first if first.status_code == 200 else second
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert read.headers["etag"] == winner.headers["etag"]
        assert read.json()["responses"] == winner.json()["responses"]

    async def test_two_concurrent_first_saves_make_one_profile(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        etag = (await client.get(f"{PATH}/guest", headers=guest.headers)).headers["etag"]
        results = await asyncio.gather(*(save(client, guest, CONTACT, etag=etag) for _ in range(3)))
        assert sorted(r.status_code for r in results) == [200, 412, 412]
        assert await db.collection("intake_profiles").count_documents({"user_id": guest.id}) == 1

    async def test_concurrent_saves_without_if_match_all_land_one_after_another(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        results = await asyncio.gather(
            *(save(client, guest, {"firstName": f"N{i}"}) for i in range(3))
        )
        assert [r.status_code for r in results] == [200, 200, 200]
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert read.headers["etag"].endswith('-3"')

    async def test_a_save_racing_a_submission_never_reopens_it(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        await save(client, guest, CONTACT)
        submit, draft = await asyncio.gather(
            save(client, guest, {**CONTACT, **REST_OF_GUEST_FORM}, submit=True),
            save(client, guest, CONTACT),
        )
        assert submit.status_code == 200, submit.text
        assert draft.status_code in (200, 409)
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert read.json()["status"] == "submitted"


class TestStaffAndReview:
    async def test_staff_read_a_users_profile_with_its_etag(
        self, client: httpx.AsyncClient, guest: SignedInUser, coordinator: SignedInUser
    ) -> None:
        saved = await save(client, guest, CONTACT)
        response = await client.get(f"{PATH}/guest/users/{guest.id}", headers=coordinator.headers)
        assert response.status_code == 200
        assert response.json() == saved.json()
        assert response.headers["etag"] == saved.headers["etag"]

    async def test_staff_read_an_unsaved_profile_as_new(
        self, client: httpx.AsyncClient, guest: SignedInUser, coordinator: SignedInUser
    ) -> None:
        response = await client.get(f"{PATH}/1/users/{guest.id}", headers=coordinator.headers)
        assert response.json()["status"] == "new"

    async def test_staff_get_404s_for_unknown_users_and_forms_not_theirs(
        self, client: httpx.AsyncClient, guest: SignedInUser, coordinator: SignedInUser
    ) -> None:
        headers = coordinator.headers
        assert_error(
            await client.get(f"{PATH}/guest/users/{uuid4()}", headers=headers), 404, "UserNotFound"
        )
        assert_error(
            await client.get(f"{PATH}/x/users/{guest.id}", headers=headers), 404, "FormNotFound"
        )
        assert_error(
            await client.get(f"{PATH}/host/users/{guest.id}", headers=headers), 404, "NotFound"
        )

    async def test_a_guest_cannot_read_or_review_through_the_staff_routes(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        url = f"{PATH}/guest/users/{guest.id}"
        assert_error(await client.get(url, headers=guest.headers), 403, "Forbidden")
        response = await client.post(
            f"{url}/review", json={"decision": "approved"}, headers=guest.headers
        )
        assert_error(response, 403, "Forbidden")

    async def test_only_a_submitted_profile_can_be_reviewed(
        self, client: httpx.AsyncClient, guest: SignedInUser, coordinator: SignedInUser
    ) -> None:
        url = f"{PATH}/guest/users/{guest.id}/review"
        review = {"decision": "approved"}
        assert_error(
            await client.post(url, json=review, headers=coordinator.headers), 409, "Conflict"
        )
        await save(client, guest, CONTACT)
        assert_error(
            await client.post(url, json=review, headers=coordinator.headers), 409, "Conflict"
        )
        unknown = f"{PATH}/guest/users/{uuid4()}/review"
        assert_error(
            await client.post(unknown, json=review, headers=coordinator.headers),
            404,
            "UserNotFound",
        )
        bad = await client.post(url, json={"decision": "maybe"}, headers=coordinator.headers)
        assert_error(bad, 422, "ValidationError")

    async def test_needs_info_reopens_the_profile_until_it_is_submitted_again(
        self, client: httpx.AsyncClient, guest: SignedInUser, coordinator: SignedInUser
    ) -> None:
        await submitted_guest(client, guest)
        url = f"{PATH}/guest/users/{guest.id}/review"
        asked = await client.post(
            url,
            json={"decision": "needs_info", "note": "Which school?"},
            headers=coordinator.headers,
        )
        assert asked.status_code == 200, asked.text
        assert asked.json()["status"] == "needs_info"
        own = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert own.headers["etag"] == asked.headers["etag"]

        answers = {
            **CONTACT,
            **REST_OF_GUEST_FORM,
            "isEnrolled": True,
            "educationProgram": "LA Trade Tech",
        }
        draft = await save(client, guest, answers, etag=own.headers["etag"])
        assert draft.json()["status"] == "needs_info"
        again = await save(client, guest, answers, submit=True, etag=draft.headers["etag"])
        assert again.json()["status"] == "submitted"

        approved = await client.post(
            url, json={"decision": "approved"}, headers=coordinator.headers
        )
        assert approved.json()["status"] == "approved"
        assert_error(await save(client, guest, answers), 409, "Conflict")
        twice = await client.post(url, json={"decision": "denied"}, headers=coordinator.headers)
        assert_error(twice, 409, "Conflict")

    async def test_two_reviewers_racing_decide_once(
        self, client: httpx.AsyncClient, guest: SignedInUser, coordinator: SignedInUser
    ) -> None:
        await submitted_guest(client, guest)
        url = f"{PATH}/guest/users/{guest.id}/review"
        results = await asyncio.gather(
            client.post(url, json={"decision": "approved"}, headers=coordinator.headers),
            client.post(url, json={"decision": "denied"}, headers=coordinator.headers),
        )
        assert sorted(r.status_code for r in results) == [200, 409]


async def test_deleting_a_user_deletes_their_profiles(
    client: httpx.AsyncClient, guest: SignedInUser
) -> None:
    await save(client, guest, CONTACT)
    admin = await signed_in(client, Role.ADMIN)
    assert (await client.delete(f"/api/users/{guest.id}", headers=admin.headers)).status_code == 204
    assert await db.collection("intake_profiles").count_documents({"user_id": guest.id}) == 0
