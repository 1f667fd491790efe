"""Every constraint the schema documents is the one the server enforces, and the other way round:
a client that follows /docs is never refused, and one that breaks it is."""

from typing import Any

import httpx
import pytest

from tests.conftest import assert_error
from tests.factories import PASSWORD, create_event, make_user, signed_in

NEW_PASSWORD_FIELDS = [
    ("SignUp", "password"),
    ("ForgotPasswordConfirm", "password"),
    ("NewPassword", "password"),
    ("PasswordChange", "newPassword"),
]


def strong_password(length: int) -> str:
    """A password of exactly this length that meets every other rule."""
    return ("Aa1!" + "x" * length)[:length]


@pytest.fixture
async def schemas(client: httpx.AsyncClient) -> dict[str, Any]:
    """The request and response schemas of the OpenAPI document."""
    return dict((await client.get("/openapi.json")).json()["components"]["schemas"])


async def test_every_new_password_field_documents_the_8_to_256_rule(
    schemas: dict[str, Any],
) -> None:
    for model, field in NEW_PASSWORD_FIELDS:
        documented = schemas[model]["properties"][field]
        assert (documented["minLength"], documented["maxLength"]) == (8, 256), model
        assert "WeakPassword" in documented["description"], model


@pytest.mark.parametrize(("length", "accepted"), [(7, False), (8, True), (256, True), (257, False)])
async def test_sign_up_enforces_exactly_the_documented_password_length(
    client: httpx.AsyncClient, length: int, accepted: bool
) -> None:
    body = {
        "email": f"len{length}@example.org",
        "password": strong_password(length),
        "firstName": "Ana",
        "role": "guest",
    }
    response = await client.post("/api/auth/signup", json=body)
    if accepted:
        assert response.status_code == 201, response.text
    else:
        details = assert_error(response, 422, "WeakPassword")["details"]
        assert details == [  # type: ignore[comparison-overlap]
            {"field": "body.password", "message": "Must be 8 to 256 characters long."}
        ]


async def test_changing_to_a_257_character_password_is_weak_and_256_is_fine(
    client: httpx.AsyncClient,
) -> None:
    guest = await signed_in(client)
    url = "/api/users/current/password"
    too_long = {"currentPassword": PASSWORD, "newPassword": strong_password(257)}
    assert_error(await client.post(url, json=too_long, headers=guest.headers), 422, "WeakPassword")
    longest = {"currentPassword": PASSWORD, "newPassword": strong_password(256)}
    response = await client.post(url, json=longest, headers=guest.headers)
    assert response.status_code == 200, response.text


async def test_names_and_comments_document_that_blank_is_refused(
    client: httpx.AsyncClient, schemas: dict[str, Any]
) -> None:
    for model, field in [
        ("HousingOrgCreate", "orgName"),
        ("ProgramCreate", "programName"),
        ("FeedbackCreate", "comment"),
    ]:
        assert schemas[model]["properties"][field]["pattern"] == r"\S", model
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    blank = await client.post(
        f"/api/events/{event['id']}/feedback", json={"comment": "   "}, headers=coordinator.headers
    )
    details = assert_error(blank, 422, "ValidationError")["details"]
    assert [d["field"] for d in details] == ["body.comment"]  # type: ignore[attr-defined]


async def test_event_update_documents_no_null_because_null_is_refused(
    client: httpx.AsyncClient, schemas: dict[str, Any]
) -> None:
    for field, documented in schemas["EventUpdate"]["properties"].items():
        assert "null" not in str(documented), field
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, coordinator.headers)
    response = await client.patch(
        f"/api/events/{event['id']}", json={"title": None}, headers=coordinator.headers
    )
    details = assert_error(response, 422, "ValidationError")["details"]
    assert [d["field"] for d in details] == ["body.title"]  # type: ignore[attr-defined]


async def test_sign_in_takes_any_password_up_to_the_documented_1024_characters(
    client: httpx.AsyncClient,
) -> None:
    await make_user(email_address="long@example.org")
    body = {"email": "long@example.org", "password": "x" * 1024}
    assert_error(await client.post("/api/auth/signin", json=body), 401, "InvalidCredentials")
    body["password"] = "x" * 1025
    assert_error(await client.post("/api/auth/signin", json=body), 422, "ValidationError")
