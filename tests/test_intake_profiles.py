"""/api/intake-profile: forms in the web app's model, drafts, submission, ETags and review.

The web app's own paths and its section-by-section saves are in test_intake_web_app.py.
"""

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from config.db import db
from models.intake import FormFile
from models.users import Role
from tests.conftest import assert_error
from tests.factories import SignedInUser, signed_in
from utils import intake, intake_forms
from utils.pure import intake_answers

PATH = "/api/intake-profile"
GUEST_FORM_ID = "1"
HOST_FORM_ID = "2"

# The guest form's answers by section, in the web app's value formats (WEBAPP.md §5).
GUEST_SECTIONS: dict[str, dict[str, Any]] = {
    "basic-information": {
        "first-name": "Gus",
        "last-name": "Guest",
        "date-of-birth": "2004-05-05T22:00:00.000Z",
        "gender-identity": "Non-binary",
    },
    "contact-information": {
        "email": "gus@example.org",
        "phone-number": "(909)555-1234",
        "contact-method": "email",
    },
    "guests-and-pets": {
        "additional-guests": [
            {
                "id": "0d6f7a52-2c1e-4b8e-9a53-4f0f1b2c3d4e",
                "name": "Ana",
                "dob": "2020-01-01T23:00:00.000Z",
                "relationship": "Daughter",
            }
        ],
        "pets": "yes",
        "pet-type": [{"type": "Dog"}, {"type": "Cat"}],
    },
    "employment-information": {
        "employment-status": "yes",
        "employment-description": "Barista, 20 hours a week",
        "employment-search": "",
    },
    "education": {
        "enrollment-status": "no",
        "education-description": "",
        "education-search": "A trade school next year",
    },
    "language-proficiency": {"bilingual": "no", "languages": ""},
    "substance-use": {"smoke": "no", "drink": "no", "other-substances": "no"},
    "mental-health": {"mental-health-status": "no"},
    "interest": {
        "interest-goals": "A stable place while I finish my training.",
        "interest-relationship": "Friendly and respectful.",
        "interest-challenges": "A long commute.",
    },
    "about-you": {"about-you-description": "I like cooking and long walks."},
}
# CONTACT and REST_OF_GUEST_FORM together are a complete guest application (the coordinator
# tests use them too).
CONTACT = GUEST_SECTIONS["contact-information"]
REST_OF_GUEST_FORM = {
    field_id: value
    for section, answers in GUEST_SECTIONS.items()
    if section != "contact-information"
    for field_id, value in answers.items()
}
HOST_ANSWERS = {
    "first-name": "Hal",
    "last-name": "Host",
    "date-of-birth": "1970-03-03",
    "email": "hal@example.org",
    "phone-number": "213-555-0101",
    "contact-method": "phone",
    "home-type": "House",
    "extra-bedrooms": "yes",
    "kitchen-bathroom-access": "yes",
    "commitment": "yes",
    "household-members": [],
    "smoking": "no",
    "smoking-inside": "no",
    "pets": "no",
    "pet-type": [],
    "drinking": "no",
    "drinking-concerns": "",
}


def responses(answers: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"fieldId": field_id, "value": value} for field_id, value in answers.items()]


def answers_of(profile: dict[str, Any]) -> dict[str, Any]:
    return {r["fieldId"]: r["value"] for r in profile["responses"]}


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
        [("guest", GUEST_FORM_ID), ("1", GUEST_FORM_ID), ("host", HOST_FORM_ID), ("2", "2")],
    )
    async def test_a_form_is_found_by_id_or_name(
        self, client: httpx.AsyncClient, guest: SignedInUser, ref: str, form_id: str
    ) -> None:
        response = await client.get(f"{PATH}/form/{ref}", headers=guest.headers)
        assert response.status_code == 200, response.text
        form = response.json()
        assert form["id"] == form_id
        assert set(form) == {"id", "title", "fieldGroups"}

    async def test_an_unknown_form_is_404_form_not_found(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        for ref in ("3", "nope", str(uuid4())):
            assert_error(
                await client.get(f"{PATH}/form/{ref}", headers=guest.headers), 404, "FormNotFound"
            )

    async def test_forms_need_sign_in(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{PATH}/form/guest"), 401, "NotAuthenticated")

    async def test_the_guest_form_has_the_web_apps_ten_sections_in_order(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{PATH}/form/guest", headers=guest.headers)).json()
        assert [(g["order"], g["id"], g["title"]) for g in form["fieldGroups"]] == [
            (1, "basic-information", "Basic Information"),
            (2, "contact-information", "Contact Information"),
            (3, "guests-and-pets", "Other Guests/Pets"),
            (4, "employment-information", "Employment Information"),
            (5, "education", "Education"),
            (6, "language-proficiency", "Language Proficiency"),
            (7, "substance-use", "Substance Use"),
            (8, "mental-health", "Mental Health"),
            (9, "interest", "Interest in Being a Guest"),
            (10, "about-you", "About You"),
        ]

    async def test_the_guest_forms_fields_are_the_web_apps(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        """WEBAPP.md §5's table: ids, types, required marks and required_if, section by section."""
        form = (await client.get(f"{PATH}/form/guest", headers=guest.headers)).json()
        got = {
            group["id"]: [
                (
                    f["id"],
                    f["type"],
                    f["validations"].get("required", False),
                    f["validations"].get("required_if"),
                )
                for f in group["fields"]
            ]
            for group in form["fieldGroups"]
        }

        def when(field_id: str, value: str) -> dict[str, str]:
            return {"field_id": field_id, "value": value}

        assert got == {
            "basic-information": [
                ("first-name", "short_text", True, None),
                ("last-name", "short_text", True, None),
                ("date-of-birth", "date", True, None),
                ("gender-identity", "dropdown", True, None),
            ],
            "contact-information": [
                ("email", "email", True, None),
                ("phone-number", "number", True, None),
                ("contact-method", "contact_method", True, None),
            ],
            "guests-and-pets": [
                ("additional-guests", "additional_guests", False, None),
                ("pets", "yes_no", True, None),
                ("pet-type", "pets", False, None),
            ],
            "employment-information": [
                ("employment-status", "yes_no", True, None),
                ("employment-description", "long_text", False, when("employment-status", "yes")),
                ("employment-search", "long_text", False, when("employment-status", "no")),
            ],
            "education": [
                ("enrollment-status", "yes_no", True, None),
                ("education-description", "long_text", False, when("enrollment-status", "yes")),
                ("education-search", "long_text", False, when("enrollment-status", "no")),
            ],
            "language-proficiency": [
                ("bilingual", "yes_no", True, None),
                ("languages", "long_text", False, when("bilingual", "yes")),
            ],
            "substance-use": [
                ("smoke", "yes_no", True, None),
                ("drink", "yes_no", True, None),
                ("other-substances", "yes_no", True, None),
            ],
            "mental-health": [("mental-health-status", "yes_no", True, None)],
            "interest": [
                ("interest-goals", "long_text", True, None),
                ("interest-relationship", "long_text", True, None),
                ("interest-challenges", "long_text", True, None),
            ],
            "about-you": [("about-you-description", "long_text", True, None)],
        }

    async def test_dropdowns_have_six_choices_and_contact_method_links_its_fields(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{PATH}/form/1", headers=guest.headers)).json()
        fields = {f["id"]: f for group in form["fieldGroups"] for f in group["fields"]}
        choices = fields["gender-identity"]["properties"]["choices"]
        assert len(choices) == 6
        assert all(set(choice) == {"id", "label"} for choice in choices)
        assert fields["contact-method"]["linkedFields"] == {
            "emailFieldId": "email",
            "phoneFieldId": "phone-number",
        }
        # Keys without a value are left out, as in the app's own form JSON.
        assert fields["first-name"] == {
            "id": "first-name",
            "title": "First Name",
            "type": "short_text",
            "properties": {},
            "validations": {"required": True, "max_characters": 100},
        }

    async def test_the_host_form_has_its_three_sections(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{PATH}/form/host", headers=guest.headers)).json()
        assert [(g["order"], g["id"]) for g in form["fieldGroups"]] == [
            (1, "personal-information"),
            (2, "home-information"),
            (3, "restrictions"),
        ]


class TestSeeding:
    async def test_the_shipped_form_files_are_valid(self) -> None:
        paths = intake_forms.form_files(intake_forms.FORMS_DIR)
        assert [p.name for p in paths] == ["guest.json", "host.json"]
        for path in paths:
            form, _ = intake_forms.load_form_file(path)
            assert form.role in (Role.GUEST, Role.HOST)

    async def test_seeding_again_writes_nothing(self, app: object) -> None:
        assert await intake.seed_forms() == []  # the start-up (per test) already seeded them

    async def test_a_changed_file_updates_the_stored_form(
        self, client: httpx.AsyncClient, guest: SignedInUser, tmp_path: Path
    ) -> None:
        shutil.copy(intake_forms.FORMS_DIR / "host.json", tmp_path / "host.json")
        data = json.loads((tmp_path / "host.json").read_text())
        data["title"] = "Host application, second edition"
        (tmp_path / "host.json").write_text(json.dumps(data))
        assert await intake.seed_forms(tmp_path) == [HOST_FORM_ID]
        assert await intake.seed_forms(tmp_path) == []
        form = (await client.get(f"{PATH}/form/host", headers=guest.headers)).json()
        assert form["title"] == "Host application, second edition"
        assert (await client.get(f"{PATH}/form/guest", headers=guest.headers)).status_code == 200
        assert await intake.seed_forms() == [HOST_FORM_ID]  # and back to the shipped file

    @pytest.mark.parametrize(
        ("breakage", "message"),
        [
            (
                lambda f: f["employment-description"]["validations"]["required_if"].update(
                    field_id="nothing"
                ),
                "no yes_no field",
            ),
            (
                lambda f: f["employment-description"]["validations"]["required_if"].update(
                    field_id="first-name"
                ),
                "no yes_no field",
            ),
            (
                lambda f: f["employment-description"]["validations"]["required_if"].update(
                    value="maybe"
                ),
                "depends on 'maybe'",
            ),
            (lambda f: f["contact-method"].pop("linkedFields"), "needs linkedFields"),
            (
                lambda f: f["contact-method"]["linkedFields"].update(emailFieldId="first-name"),
                "links no email field",
            ),
            (
                lambda f: f["contact-method"]["linkedFields"].update(phoneFieldId="nothing"),
                "links no phone field",
            ),
            (lambda f: f["gender-identity"]["properties"].pop("choices"), "needs choices"),
            (
                lambda f: f["gender-identity"]["properties"]["choices"][1].update(label="Woman"),
                "duplicate choice labels",
            ),
        ],
    )
    async def test_a_form_the_app_could_not_render_or_answer_is_refused(
        self, breakage: Any, message: str
    ) -> None:
        data = json.loads((intake_forms.FORMS_DIR / "guest.json").read_text())
        breakage({f["id"]: f for group in data["fieldGroups"] for f in group["fields"]})
        with pytest.raises(ValueError, match=message):
            intake_answers.check_form_definition(FormFile.model_validate(data))

    @pytest.mark.parametrize("kind", ["phone", "multiple_choice"])
    async def test_field_types_the_app_cannot_render_are_refused(self, kind: str) -> None:
        data = json.loads((intake_forms.FORMS_DIR / "guest.json").read_text())
        data["fieldGroups"][0]["fields"][0]["type"] = kind
        with pytest.raises(ValueError, match="type"):
            FormFile.model_validate(data)

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
        assert answers_of(response.json()) == HOST_ANSWERS


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
        partial = {**CONTACT, "pets": "yes", "employment-status": "no"}
        second = await save(client, guest, partial, etag=first.headers["etag"])
        assert second.status_code == 200, second.text
        assert second.headers["etag"].endswith('-2"')
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert read.headers["etag"] == second.headers["etag"]
        assert answers_of(read.json()) == partial

        # Submitting too early: one entry per missing field, follow-ups included.
        early = await save(client, guest, partial, submit=True, etag=second.headers["etag"])
        fields = fields_of(assert_error(early, 422, "ValidationError")["details"])
        assert "responses.about-you-description" in fields
        assert "responses.employment-search" in fields  # employment-status is no
        assert "responses.employment-description" not in fields
        assert "responses.pet-type" not in fields  # optional even with pets
        assert "responses.email" not in fields
        assert len(fields) == len(set(fields))
        unchanged = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert unchanged.json()["status"] == "in_progress"
        assert unchanged.headers["etag"] == second.headers["etag"]

        everything = {**CONTACT, **REST_OF_GUEST_FORM}
        done = await save(client, guest, everything, submit=True, etag=second.headers["etag"])
        assert done.status_code == 200, done.text
        profile = done.json()
        assert profile["status"] == "submitted"
        assert profile["submittedAt"] is not None
        assert answers_of(profile) == everything

    async def test_a_missing_required_field_on_submit_is_422_with_its_details(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {**CONTACT, **REST_OF_GUEST_FORM}
        del answers["last-name"]
        response = await save(client, guest, answers, submit=True)
        body = assert_error(response, 422, "ValidationError")
        assert body["details"] == [
            {"field": "responses.last-name", "message": "This field is required."}
        ]

    @pytest.mark.parametrize("blank", ["", "   ", None, []])
    async def test_a_blank_required_answer_counts_as_missing_on_submit(
        self, client: httpx.AsyncClient, guest: SignedInUser, blank: Any
    ) -> None:
        answers = {**CONTACT, **REST_OF_GUEST_FORM, "about-you-description": blank}
        response = await save(client, guest, answers, submit=True)
        assert fields_of(assert_error(response, 422, "ValidationError")["details"]) == [
            "responses.about-you-description"
        ]

    async def test_drafts_may_leave_any_field_blank_and_read_it_back_as_sent(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {
            "first-name": "Gus",
            "last-name": "",
            "date-of-birth": None,
            "gender-identity": "",
            "additional-guests": [],
            "pet-type": [],
        }
        response = await save(client, guest, answers)
        assert response.status_code == 200, response.text
        assert answers_of(response.json()) == answers

    @pytest.mark.parametrize(
        ("status", "follow_up"),
        [
            ("employment-status", "employment-description"),
            ("enrollment-status", "education-description"),
            ("bilingual", "languages"),
        ],
    )
    async def test_a_follow_up_is_required_when_the_answer_was_yes(
        self, client: httpx.AsyncClient, guest: SignedInUser, status: str, follow_up: str
    ) -> None:
        answers = {**CONTACT, **REST_OF_GUEST_FORM, status: "yes", follow_up: ""}
        body = assert_error(await save(client, guest, answers, submit=True), 422, "ValidationError")
        assert fields_of(body["details"]) == [f"responses.{follow_up}"]
        assert "is “yes”" in body["details"][0]["message"]  # type: ignore[index]

    async def test_the_no_follow_up_is_required_only_when_the_answer_was_no(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {**CONTACT, **REST_OF_GUEST_FORM, "education-search": ""}
        body = assert_error(await save(client, guest, answers, submit=True), 422, "ValidationError")
        assert fields_of(body["details"]) == ["responses.education-search"]
        answers.update({"enrollment-status": "yes", "education-description": "LA Trade Tech"})
        assert (await save(client, guest, answers, submit=True)).status_code == 200

    async def test_unknown_and_repeated_fields_are_each_a_problem(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        body = {
            "responses": [
                {"fieldId": "favourite-colour", "value": "blue"},
                {"fieldId": "first-name", "value": "A"},
                {"fieldId": "first-name", "value": "B"},
            ]
        }
        response = await client.put(f"{PATH}/guest", json=body, headers=guest.headers)
        details = assert_error(response, 422, "ValidationError")["details"]
        assert fields_of(details) == ["responses.favourite-colour", "responses.first-name"]

    async def test_every_bad_value_gets_its_own_entry(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        answers = {
            "first-name": 7,
            "pets": True,
            "phone-number": 9095551234,
            "interest-goals": "x" * 4001,
        }
        details = assert_error(await save(client, guest, answers), 422, "ValidationError")[
            "details"
        ]
        assert fields_of(details) == [
            "responses.first-name",
            "responses.pets",
            "responses.phone-number",
            "responses.interest-goals",
        ]
        assert "4000" in details[3]["message"]  # type: ignore[index]

    @pytest.mark.parametrize(
        ("field_id", "value"),
        [
            ("first-name", "Gus"),
            ("interest-goals", "x" * 4000),
            ("email", "gus@example.org"),
            ("phone-number", "(909)555-1234"),
            ("phone-number", "+1 213 555 0100"),
            ("date-of-birth", "1990-05-16T22:00:00.000Z"),
            ("date-of-birth", "1990-05-16"),
            ("gender-identity", "Doesn’t know or prefers not to answer"),
            ("pets", "yes"),
            ("pets", "no"),
            ("contact-method", "phone"),
            ("contact-method", "email"),
            ("additional-guests", [{"id": "a1", "name": "Ana", "dob": None, "relationship": "x"}]),
            (
                "additional-guests",
                [{"id": "a1", "name": "Ana", "dob": "2020-01-01", "relationship": "Sister"}] * 20,
            ),
            ("pet-type", [{"type": t} for t in ("Dog", "Cat", "Bird", "Fish", "Reptile")]),
            ("pet-type", [{"type": "Hamster"}, {"type": "Rabbit"}, {"type": ""}]),
        ],
    )
    async def test_each_type_takes_the_web_apps_values(
        self, client: httpx.AsyncClient, guest: SignedInUser, field_id: str, value: Any
    ) -> None:
        response = await save(client, guest, {field_id: value})
        assert response.status_code == 200, response.text
        assert answers_of(response.json()) == {field_id: value}

    @pytest.mark.parametrize(
        ("field_id", "value", "field"),
        [
            ("first-name", ["Gus"], "responses.first-name"),
            ("first-name", "x" * 101, "responses.first-name"),
            ("about-you-description", 12, "responses.about-you-description"),
            ("email", "not-an-address", "responses.email"),
            ("email", 5, "responses.email"),
            ("phone-number", 9095551234, "responses.phone-number"),
            ("phone-number", "call me", "responses.phone-number"),
            ("phone-number", "12", "responses.phone-number"),
            ("date-of-birth", "06/05/2004", "responses.date-of-birth"),
            ("date-of-birth", "2004-02-30", "responses.date-of-birth"),
            ("date-of-birth", "2004-05-06Tnoon", "responses.date-of-birth"),
            ("date-of-birth", 20040506, "responses.date-of-birth"),
            ("pets", True, "responses.pets"),
            ("pets", "Yes", "responses.pets"),
            ("pets", "true", "responses.pets"),
            ("gender-identity", "woman", "responses.gender-identity"),  # a choice id, not label
            ("gender-identity", ["Woman"], "responses.gender-identity"),
            ("contact-method", "fax", "responses.contact-method"),
            ("additional-guests", {"name": "Ana"}, "responses.additional-guests"),
            ("additional-guests", ["Ana"], "responses.additional-guests[0]"),
            (
                "additional-guests",
                [{"name": "Ana", "dob": "yesterday", "relationship": "sister"}],
                "responses.additional-guests[0].dob",
            ),
            (
                "additional-guests",
                [{"name": " ", "dob": None, "relationship": "x"}],
                "responses.additional-guests[0].name",
            ),
            (
                "additional-guests",
                [{"id": 7, "name": "A", "dob": None, "relationship": "x"}],
                "responses.additional-guests[0].id",
            ),
            (
                "additional-guests",
                [{"name": "A", "dob": None, "relationship": "x"}] * 21,
                "responses.additional-guests",
            ),
            ("pet-type", [{"type": "Dragon"}], "responses.pet-type[0].type"),
            ("pet-type", [{"type": "dog"}], "responses.pet-type[0].type"),
            ("pet-type", [{}], "responses.pet-type[0].type"),
            ("pet-type", "Dog", "responses.pet-type"),
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
        guests = [{"id": "g", "name": "Ana", "dob": None, "relationship": "x", "secret": 1}]
        pets = [{"id": "p", "type": "Dog", "breed": "Beagle"}]
        response = await save(client, guest, {"additional-guests": guests, "pet-type": pets})
        assert response.status_code == 200, response.text
        assert answers_of(response.json()) == {
            "additional-guests": [{"id": "g", "name": "Ana", "dob": None, "relationship": "x"}],
            "pet-type": [{"id": "p", "type": "Dog"}],
        }

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
        await save(client, guest, {**CONTACT, "first-name": "Gustav"}, etag=stale)
        response = await save(client, guest, {"first-name": "Lost"}, etag=stale)
        assert_error(response, 412, "PreconditionFailed")
        read = await client.get(f"{PATH}/guest", headers=guest.headers)
        assert answers_of(read.json())["first-name"] == "Gustav"

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

    async def test_two_saves_with_one_etag_one_wins_the_other_is_412(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        etag = (await save(client, guest, CONTACT)).headers["etag"]
        first, second = await asyncio.gather(
            save(client, guest, {**CONTACT, "first-name": "First"}, etag=etag),
            save(client, guest, {**CONTACT, "first-name": "Second"}, etag=etag),
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
            *(save(client, guest, {"first-name": f"N{i}"}) for i in range(3))
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
            "enrollment-status": "yes",
            "education-description": "LA Trade Tech",
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
