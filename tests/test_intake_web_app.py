"""The intake profile at the web app's paths (WEBAPP.md §2 #15–#18, §5): its forms, its
section-by-section saves, concurrent saves, form-file sanity, and profiles stored before the forms
took the app's shape."""

import asyncio
from typing import Any

import httpx
import pytest

from config.db import db
from models.intake import FieldType, FormFile
from models.users import Role
from tests.conftest import assert_error
from tests.factories import SignedInUser, signed_in
from tests.test_intake_profiles import GUEST_SECTIONS, HOST_ANSWERS, answers_of, fields_of
from utils import intake, intake_forms

FORM = "/api/profile"
SAVE = "/api/profile/responses"
READ = "/api/intake-profile/responses"
# Every type the web app draws a widget for (features/intake-profile/RenderFields.tsx).
APP_TYPES = {
    "short_text",
    "long_text",
    "email",
    "number",
    "date",
    "dropdown",
    "yes_no",
    "contact_method",
    "additional_guests",
    "pets",
}


@pytest.fixture
async def guest(client: httpx.AsyncClient) -> SignedInUser:
    return await signed_in(client, Role.GUEST)


async def section_body(
    client: httpx.AsyncClient, who: SignedInUser, section: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """What the app posts for a section: one item per field of the section (blank when not in
    `answers`), each the fetched response with its value replaced, or `{fieldId, value}`."""
    group = (await client.get(f"{FORM}/1/{section}", headers=who.headers)).json()
    fetched = (await client.get(f"{READ}/1", headers=who.headers)).json()["responses"]
    blank = {"additional_guests": [], "pets": []}
    items = []
    for field in group["fields"]:
        value = answers.get(field["id"], blank.get(field["type"], ""))
        previous = [r for r in fetched if r["fieldId"] == field["id"]]
        items.append(
            {**previous[0], "value": value}
            if previous
            else {"fieldId": field["id"], "value": value}
        )
    return {"responses": items}


async def save_section(
    client: httpx.AsyncClient, who: SignedInUser, section: str, answers: dict[str, Any]
) -> httpx.Response:
    body = await section_body(client, who, section, answers)
    return await client.post(SAVE, json=body, headers=who.headers)


async def dashboard_row(
    client: httpx.AsyncClient, staff: SignedInUser, user_id: str
) -> dict[str, Any]:
    response = await client.get("/api/coordinator/dashboard/all?limit=100", headers=staff.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    # The dashboard's list key is being renamed (`items` → `dashboardItems`) in parallel.
    rows = body.get("dashboardItems", body.get("items"))
    [row] = [row for row in rows if row["userId"] == user_id]
    return dict(row)


class TestForms:
    async def test_the_app_reads_the_form_at_its_path(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        for ref in ("1", "guest"):
            response = await client.get(f"{FORM}/{ref}", headers=guest.headers)
            assert response.status_code == 200, response.text
            ours = await client.get(f"/api/intake-profile/form/{ref}", headers=guest.headers)
            assert response.json() == ours.json()
            assert response.json()["id"] == "1"
        assert (await client.get(f"{FORM}/2", headers=guest.headers)).json()["id"] == "2"

    async def test_one_section_is_one_field_group(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        form = (await client.get(f"{FORM}/1", headers=guest.headers)).json()
        for group in form["fieldGroups"]:
            response = await client.get(f"{FORM}/1/{group['id']}", headers=guest.headers)
            assert response.status_code == 200, response.text
            assert response.json() == group
        restrictions = await client.get(f"{FORM}/host/restrictions", headers=guest.headers)
        assert restrictions.json()["order"] == 3

    async def test_an_unknown_section_or_form_is_404(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        assert_error(await client.get(f"{FORM}/1/nothing", headers=guest.headers), 404, "NotFound")
        assert_error(
            await client.get(f"{FORM}/1/restrictions", headers=guest.headers), 404, "NotFound"
        )
        assert_error(
            await client.get(f"{FORM}/7/education", headers=guest.headers), 404, "FormNotFound"
        )
        assert_error(await client.get(f"{FORM}/7", headers=guest.headers), 404, "FormNotFound")

    async def test_forms_and_sections_need_sign_in(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{FORM}/1"), 401, "NotAuthenticated")
        assert_error(await client.get(f"{FORM}/1/education"), 401, "NotAuthenticated")


class TestFormFiles:
    """The shipped forms are ones the web app can render and a user can answer."""

    @pytest.fixture(params=["guest.json", "host.json"])
    def form(self, request: pytest.FixtureRequest) -> FormFile:
        form, _ = intake_forms.load_form_file(intake_forms.FORMS_DIR / request.param)
        return form

    @staticmethod
    def fields(form: FormFile) -> dict[str, Any]:
        return {field.id: field for group in form.field_groups for field in group.fields}

    def test_every_field_type_is_one_the_app_renders(self, form: FormFile) -> None:
        assert {str(f.type) for f in self.fields(form).values()} <= APP_TYPES
        assert {str(t) for t in FieldType} == APP_TYPES

    def test_every_dropdown_has_choices(self, form: FormFile) -> None:
        dropdowns = [f for f in self.fields(form).values() if f.type == FieldType.DROPDOWN]
        assert dropdowns
        assert all(f.properties.choices for f in dropdowns)

    def test_every_contact_method_links_the_forms_email_and_phone_fields(
        self, form: FormFile
    ) -> None:
        fields = self.fields(form)
        methods = [f for f in fields.values() if f.type == FieldType.CONTACT_METHOD]
        assert methods
        for method in methods:
            assert method.linked_fields is not None
            assert fields[method.linked_fields.email_field_id].type == FieldType.EMAIL
            assert fields[method.linked_fields.phone_field_id].type == FieldType.NUMBER

    def test_every_required_if_names_a_yes_no_field_of_the_same_form(self, form: FormFile) -> None:
        fields = self.fields(form)
        conditions = [f.validations.required_if for f in fields.values()]
        named = [c for c in conditions if c is not None]
        assert named
        for condition in named:
            assert fields[condition.field_id].type == FieldType.YES_NO
            assert condition.value in ("yes", "no")

    def test_sections_are_ordered_from_one(self, form: FormFile) -> None:
        orders = [group.order for group in form.field_groups]
        assert orders == list(range(1, len(orders) + 1))


class TestTheGuestApplication:
    async def test_a_whole_application_saved_section_by_section_then_submitted_and_reviewed(
        self, client: httpx.AsyncClient
    ) -> None:
        staff = await signed_in(client, Role.COORDINATOR)
        guest = await signed_in(client, Role.GUEST)
        assert (await dashboard_row(client, staff, guest.id))["caseStatus"] == "new"
        assert (await client.get(f"{READ}/1", headers=guest.headers)).json() == {"responses": []}

        # Every section as the app saves it, the employment section first without its answers.
        first = await save_section(client, guest, "employment-information", {})
        assert first.status_code == 200, first.text
        row = await dashboard_row(client, staff, guest.id)
        assert (row["caseStatus"], row["profileStatus"]) == ("in_progress", "in_progress")
        for section, answers in GUEST_SECTIONS.items():
            response = await save_section(client, guest, section, answers)
            assert response.status_code == 200, (section, response.text)

        # Read back: every answer exactly as sent, blanks included, in the form's order.
        read = await client.get(f"{READ}/1", headers=guest.headers)
        assert read.status_code == 200, read.text
        expected = {f: v for answers in GUEST_SECTIONS.values() for f, v in answers.items()}
        assert read.json()["responses"] == [{"fieldId": f, "value": v} for f, v in expected.items()]

        # Submitted through our own route with what was read back, then reviewed.
        own = await client.get("/api/intake-profile/1", headers=guest.headers)
        submitted = await client.put(
            "/api/intake-profile/1",
            json={"responses": read.json()["responses"], "submit": True},
            headers={**guest.headers, "If-Match": own.headers["etag"]},
        )
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["status"] == "submitted"
        assert answers_of(submitted.json()) == expected
        row = await dashboard_row(client, staff, guest.id)
        assert (row["caseStatus"], row["profileStatus"]) == ("in_progress", "submitted")
        assert_error(await save_section(client, guest, "about-you", {}), 409, "Conflict")

        review = await client.post(
            f"/api/intake-profile/1/users/{guest.id}/review",
            json={"decision": "approved", "note": "Welcome!"},
            headers=staff.headers,
        )
        assert review.status_code == 200, review.text
        row = await dashboard_row(client, staff, guest.id)
        assert (row["caseStatus"], row["profileStatus"]) == ("approved", "approved")
        assert row["notes"].endswith("(approved): Welcome!")
        after = await client.get(f"{READ}/1", headers=guest.headers)
        assert after.json() == read.json()

    async def test_submitting_what_the_sections_left_out_lists_each_missing_field(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        for section in ("basic-information", "contact-information"):
            await save_section(client, guest, section, GUEST_SECTIONS[section])
        await save_section(client, guest, "language-proficiency", {"bilingual": "yes"})
        read = (await client.get(f"{READ}/1", headers=guest.headers)).json()
        response = await client.put(
            "/api/intake-profile/1", json={**read, "submit": True}, headers=guest.headers
        )
        fields = fields_of(assert_error(response, 422, "ValidationError")["details"])
        assert "responses.languages" in fields  # required_if bilingual is yes
        assert "responses.smoke" in fields
        assert "responses.email" not in fields


class TestSectionSaves:
    async def test_sections_merge_and_a_blank_clears_only_its_own_field(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        basic = GUEST_SECTIONS["basic-information"]
        contact = GUEST_SECTIONS["contact-information"]
        await save_section(client, guest, "basic-information", basic)
        await save_section(client, guest, "contact-information", contact)
        cleared = await save_section(
            client, guest, "basic-information", {**basic, "gender-identity": ""}
        )
        assert cleared.status_code == 200, cleared.text
        read = (await client.get(f"{READ}/1", headers=guest.headers)).json()
        assert answers_of(read) == {**basic, "gender-identity": "", **contact}

    async def test_extra_keys_of_an_item_are_ignored(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        body = {"responses": [{"id": "r-17", "fieldId": "first-name", "value": "Gus", "x": 1}]}
        response = await client.post(SAVE, json=body, headers=guest.headers)
        assert response.status_code == 200, response.text
        read = (await client.get(f"{READ}/1", headers=guest.headers)).json()
        assert read == {"responses": [{"fieldId": "first-name", "value": "Gus"}]}

    async def test_bad_values_and_unknown_fields_are_422_one_entry_each_and_write_nothing(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        await save_section(client, guest, "basic-information", GUEST_SECTIONS["basic-information"])
        before = await client.get("/api/intake-profile/1", headers=guest.headers)
        body = {
            "responses": [
                {"fieldId": "first-name", "value": "Changed"},
                {"fieldId": "date-of-birth", "value": "16/05/1990"},
                {"fieldId": "gender-identity", "value": "woman"},
                {"fieldId": "favourite-colour", "value": "blue"},
            ]
        }
        response = await client.post(SAVE, json=body, headers=guest.headers)
        assert fields_of(assert_error(response, 422, "ValidationError")["details"]) == [
            "responses.date-of-birth",
            "responses.gender-identity",
            "responses.favourite-colour",
        ]
        after = await client.get("/api/intake-profile/1", headers=guest.headers)
        assert after.json() == before.json()
        assert after.headers["etag"] == before.headers["etag"]

    async def test_a_host_saves_into_the_host_form(self, client: httpx.AsyncClient) -> None:
        host = await signed_in(client, Role.HOST)
        body = {"responses": [{"fieldId": f, "value": v} for f, v in HOST_ANSWERS.items()]}
        response = await client.post(SAVE, json=body, headers=host.headers)
        assert response.status_code == 200, response.text
        assert response.json()["formId"] == "2"
        read = await client.get(f"{READ}/host", headers=host.headers)
        assert answers_of(read.json()) == HOST_ANSWERS
        assert_error(await client.get(f"{READ}/1", headers=host.headers), 403, "Forbidden")

    async def test_a_field_of_the_other_roles_form_is_unknown(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        body = {"responses": [{"fieldId": "smoking-inside", "value": "no"}]}
        response = await client.post(SAVE, json=body, headers=guest.headers)
        assert fields_of(assert_error(response, 422, "ValidationError")["details"]) == [
            "responses.smoking-inside"
        ]

    async def test_only_guests_and_hosts_save_and_read_answers(
        self, client: httpx.AsyncClient
    ) -> None:
        coordinator = await signed_in(client, Role.COORDINATOR)
        body = {"responses": [{"fieldId": "first-name", "value": "C"}]}
        assert_error(await client.post(SAVE, json=body), 401, "NotAuthenticated")
        assert_error(
            await client.post(SAVE, json=body, headers=coordinator.headers), 403, "Forbidden"
        )
        assert_error(await client.get(f"{READ}/1", headers=coordinator.headers), 403, "Forbidden")
        assert_error(await client.get(f"{READ}/1"), 401, "NotAuthenticated")


class TestConcurrentSectionSaves:
    async def test_two_sections_saved_at_once_both_land(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        basic = GUEST_SECTIONS["basic-information"]
        contact = GUEST_SECTIONS["contact-information"]
        about = GUEST_SECTIONS["about-you"]
        # A profile exists already, so both saves read it, merge and update it (a first save
        # is an insert, which a duplicate key already guards).
        assert (await save_section(client, guest, "about-you", about)).status_code == 200
        # Build the bodies first, so that only the two saves run at the same moment.
        bodies = [
            await section_body(client, guest, "basic-information", basic),
            await section_body(client, guest, "contact-information", contact),
        ]
        results = await asyncio.gather(
            *(client.post(SAVE, json=body, headers=guest.headers) for body in bodies)
        )
        assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
        read = (await client.get(f"{READ}/1", headers=guest.headers)).json()
        assert answers_of(read) == {**basic, **contact, **about}
        profile = await client.get("/api/intake-profile/1", headers=guest.headers)
        assert profile.headers["etag"].endswith('-3"')

    async def test_every_section_saved_at_once_all_land(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        assert (await save_section(client, guest, "about-you", {})).status_code == 200
        bodies = [
            await section_body(client, guest, section, answers)
            for section, answers in GUEST_SECTIONS.items()
        ]
        results = await asyncio.gather(
            *(client.post(SAVE, json=body, headers=guest.headers) for body in bodies)
        )
        assert [r.status_code for r in results] == [200] * len(bodies)
        read = (await client.get(f"{READ}/1", headers=guest.headers)).json()
        expected = {f: v for answers in GUEST_SECTIONS.values() for f, v in answers.items()}
        assert answers_of(read) == expected


class TestProfilesStoredBeforeTheFormChange:
    """A real server holds profiles made on the former forms (other ids, camelCase field ids,
    booleans for yes/no): start-up moves them to the new form, and reads leave out the answers
    that do not fit it."""

    FORMER_GUEST_FORM = "e33ff305-8a69-407f-a4a5-f52402301579"

    async def stored_before(self, user_id: str, status: str = "in_progress") -> None:
        await db.collection("intake_forms").insert_one(
            {"_id": self.FORMER_GUEST_FORM, "role": "guest", "aliases": ["guest", "1"]}
        )
        await db.collection("intake_profiles").insert_one(
            {
                "_id": "former-profile",
                "user_id": user_id,
                "form_id": self.FORMER_GUEST_FORM,
                "status": status,
                "version": 3,
                "responses": [
                    {"field_id": "firstName", "value": "Gus"},
                    {"field_id": "email", "value": "gus@example.org"},
                    {"field_id": "pets", "value": [{"type": "Dog", "breed": None}]},
                    {"field_id": "smoke", "value": False},
                ],
            }
        )

    async def test_start_up_moves_them_to_the_new_form_and_reads_leave_out_what_does_not_fit(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        await self.stored_before(guest.id)
        await intake.seed_forms()
        await intake.seed_forms()  # a repeated start-up changes nothing more
        assert await db.collection("intake_forms").find_one({"_id": self.FORMER_GUEST_FORM}) is None
        profiles = await db.collection("intake_profiles").find({"user_id": guest.id}).to_list(None)
        assert [(p["form_id"], p["version"]) for p in profiles] == [("1", 3)]

        read = await client.get(f"{READ}/1", headers=guest.headers)
        assert read.status_code == 200, read.text
        assert read.json() == {"responses": [{"fieldId": "email", "value": "gus@example.org"}]}
        own = await client.get("/api/intake-profile/guest", headers=guest.headers)
        assert own.json()["status"] == "in_progress"

        # The next save drops what does not fit from the stored profile.
        saved = await save_section(client, guest, "substance-use", {"smoke": "no"})
        assert saved.status_code == 200, saved.text
        [stored] = await db.collection("intake_profiles").find({"user_id": guest.id}).to_list(None)
        assert {r["field_id"] for r in stored["responses"]} == {
            "email",
            "smoke",
            "drink",
            "other-substances",
        }

    async def test_a_submitted_one_can_still_be_reviewed(
        self, client: httpx.AsyncClient, guest: SignedInUser
    ) -> None:
        await self.stored_before(guest.id, status="submitted")
        await intake.seed_forms()
        coordinator = await signed_in(client, Role.COORDINATOR)
        url = f"/api/intake-profile/guest/users/{guest.id}"
        assert (await client.get(url, headers=coordinator.headers)).status_code == 200
        review = await client.post(
            f"{url}/review", json={"decision": "needs_info"}, headers=coordinator.headers
        )
        assert review.status_code == 200, review.text
        assert answers_of(review.json()) == {"email": "gus@example.org"}
