"""Every message a client sees reads as a sentence a person would write, names the field the way
the API names it (camelCase, `body.endsAt`) and says what is allowed."""

import re
from typing import Any

import httpx
import pytest

from tests.conftest import assert_error
from tests.factories import event_body, signed_in

FIELD = re.compile(
    r"^(body|query|path|cookie)(\.[a-z][A-Za-z0-9]*|\.[0-9]+)*$|^header\.[A-Za-z][A-Za-z0-9-]*$"
)
PYTHON_SPEAK = [
    "<",
    "Value error",
    "Assertion failed",
    "Input should",
    "Field required",
    "String should",
    "Role.",
    "Tag.",
    "_",
]


def assert_plain(detail: dict[str, Any]) -> None:
    """One `{field, message}` entry in plain words."""
    field, message = detail["field"], detail["message"]
    assert FIELD.match(field), detail
    for words in PYTHON_SPEAK:
        assert words not in message.replace("in_progress", "").replace("needs_info", ""), detail
    assert message[0].isupper(), detail
    assert message.endswith("."), detail


def details_of(response: httpx.Response) -> list[dict[str, Any]]:
    """The details of a 422 ValidationError."""
    return list(assert_error(response, 422, "ValidationError")["details"])  # type: ignore[call-overload]


async def test_a_role_that_cannot_sign_up_lists_the_roles_that_can(
    client: httpx.AsyncClient,
) -> None:
    body = {
        "email": "a@example.org",
        "password": "Sup3r-secret!",
        "firstName": "A",
        "role": "admin",
    }
    response = await client.post("/api/auth/signup", json=body)
    details = details_of(response)
    assert details == [
        {"field": "body.role", "message": "Must be one of: guest, host or coordinator."}
    ]
    # Clients that show only `message` get the problem too.
    assert response.json()["message"] == "role: Must be one of: guest, host or coordinator."


async def test_malformed_json_names_the_body_not_a_character_offset(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/auth/signup",
        content=b'{"email": "a@b.co", "password": xx}',
        headers={"content-type": "application/json"},
    )
    [detail] = details_of(response)
    assert detail["field"] == "body"
    assert detail["message"] == "The body is not valid JSON (look near character 32)."


async def test_an_event_ending_before_it_starts_is_reported_on_ends_at_beside_other_problems(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    body = event_body()
    body["endsAt"], body["startsAt"] = body["startsAt"], body["endsAt"]
    body["maxCapacity"] = 0
    response = await client.post("/api/events", json=body, headers=coordinator.headers)
    details = details_of(response)
    assert {"field": "body.endsAt", "message": "Must be after startsAt."} in details
    assert {"field": "body.maxCapacity", "message": "Must be at least 1."} in details


async def test_a_partial_search_circle_names_the_missing_parameter(
    client: httpx.AsyncClient,
) -> None:
    details = details_of(await client.get("/api/events?lat=25.7&lon=-80.2"))
    assert details == [
        {
            "field": "query.radiusKm",
            "message": "Send lat, lon and radiusKm together, or none of them.",
        }
    ]


async def test_a_coordinator_inviting_an_admin_is_told_whom_they_may_invite(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    body = {"email": "boss@example.org", "firstName": "Bo", "role": "admin"}
    response = await client.post("/api/auth/invite", json=body, headers=coordinator.headers)
    body = assert_error(response, 403, "Forbidden")
    assert body["message"] == "A coordinator can invite guests and hosts, not an admin."


BAD_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "POST",
        "/api/auth/signup",
        {
            "json": {
                "email": "a@b",
                "password": 1,
                "firstName": "",
                "middleName": ["x"],
                "lastName": "x" * 101,
                "role": "boss",
                "extra": True,
            }
        },
    ),
    ("POST", "/api/auth/signup", {"json": [1, 2]}),
    (
        "POST",
        "/api/auth/signup",
        {"content": b"not json", "headers": {"content-type": "application/json"}},
    ),
    ("POST", "/api/auth/signin", {"json": {"email": None, "password": "x" * 1025}}),
    ("GET", "/api/auth/signup/confirm?email=nope&code=", {}),
    (
        "POST",
        "/api/events",
        {
            "json": {
                "title": "",
                "description": 5,
                "startsAt": "2030-01-02T00:00:00Z",
                "endsAt": "soon",
                "location": {"title": "x", "latitude": 200, "longitude": "w"},
                "maxCapacity": 1.5,
                "tags": ["nope"] * 10,
                "links": ["ftp://x", "no url", "https://" + "x" * 2100 + ".org"],
                "imageIds": ["a" * 70],
                "public": "maybe",
            }
        },
    ),
    ("PATCH", "/api/events/x", {"json": {"title": None, "maxCapacity": 0, "location": None}}),
    ("POST", "/api/events/x/decision", {"json": {"approve": "perhaps"}}),
    ("POST", "/api/events/x/feedback", {"json": {"comment": "   "}}),
    (
        "GET",
        "/api/events?lat=91&radiusKm=-1&from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z"
        "&limit=0&offset=-1&status=gone&tags=foo&q=" + "x" * 201,
        {},
    ),
    ("GET", "/api/users?role=boss&limit=many", {}),
    ("PATCH", "/api/users/current", {"json": {"phone": "abc<b>", "firstName": None}}),
    ("POST", "/api/users/current/password", {"json": {"newPassword": "weak"}}),
    ("POST", "/api/auth/invite", {"json": {"email": "x", "firstName": "A", "role": "chief"}}),
    ("PUT", "/api/housing-orgs/x", {"json": {"orgName": "  ", "programs": [{}], "id": [1]}}),
    ("PATCH", "/api/coordinator/cases/x", {"json": {"caseStatus": "x", "notes": 3}}),
    ("GET", "/api/coordinator/dashboard/all?userType=admin&mine=maybe", {}),
    ("GET", "/api/users/current/events?kind=x", {}),
    ("PUT", "/api/intake-profile/guest", {"json": {"responses": "all"}}),
    ("GET", "/api/images/x", {"headers": {"If-None-Match": "x" * 1025}}),
]


@pytest.mark.parametrize(("method", "url", "request_args"), BAD_REQUESTS)
async def test_every_validation_problem_is_said_in_plain_words(
    client: httpx.AsyncClient, method: str, url: str, request_args: dict[str, Any]
) -> None:
    # Staff may call every route but the intake profile, which only guests and hosts fill in.
    caller = await signed_in(client, "guest" if "intake-profile" in url else "admin")
    headers = {**caller.headers, **request_args.pop("headers", {})}
    response = await client.request(method, url, headers=headers, **request_args)
    details = details_of(response)
    assert details
    for detail in details:
        assert_plain(detail)
    summary = response.json()["message"]
    assert summary.endswith("."), summary
    assert not [words for words in PYTHON_SPEAK[:-1] if words in summary], summary


async def test_a_weak_password_is_told_everything_it_lacks_in_one_sentence(
    client: httpx.AsyncClient,
) -> None:
    body = {"email": "weak@example.org", "password": "short", "firstName": "A", "role": "guest"}
    response = await client.post("/api/auth/signup", json=body)
    details = assert_error(response, 422, "WeakPassword")["details"]
    assert details == [  # type: ignore[comparison-overlap]
        {
            "field": "body.password",
            "message": "Must be 8 to 256 characters long and have an upper-case letter,"
            " a digit and a symbol.",
        }
    ]
