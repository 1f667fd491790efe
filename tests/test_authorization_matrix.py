"""Every route × {anonymous, guest, host, coordinator, admin} → who gets through.

The table is checked against the app's own route table: a route added without an entry here fails
`test_every_route_has_an_entry`, so no route can be shipped without deciding who may call it.
"""

import httpx
import pytest
from fastapi import FastAPI

from models.users import Role
from tests.factories import signed_in
from tests.routes_table import app_routes, fill_path_params

OK = "through"  # authentication and role checks pass (any status but 401/403)
UNAUTH = 401
DENY = 403
# (anonymous, guest, host, coordinator, admin)
PUBLIC = (OK, OK, OK, OK, OK)
SIGNED_IN = (UNAUTH, OK, OK, OK, OK)
STAFF = (UNAUTH, DENY, DENY, OK, OK)
ADMIN_ONLY = (UNAUTH, DENY, DENY, DENY, OK)

EXPECTED: dict[tuple[str, str], tuple[object, ...]] = {
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/api/health"): PUBLIC,
    # /api/auth
    ("POST", "/api/auth/signup"): PUBLIC,
    ("GET", "/api/auth/signup/confirm"): PUBLIC,
    ("POST", "/api/auth/resend_confirmation_code"): PUBLIC,
    ("POST", "/api/auth/signin"): PUBLIC,
    ("POST", "/api/auth/token"): PUBLIC,
    ("GET", "/api/auth/refresh"): (UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH),  # no cookie sent
    ("GET", "/api/auth/session"): (UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH),  # no cookie sent
    ("POST", "/api/auth/signout"): SIGNED_IN,
    ("POST", "/api/auth/forgot-password"): PUBLIC,
    ("POST", "/api/auth/forgot-password/confirm"): PUBLIC,
    ("POST", "/api/auth/invite"): STAFF,
    ("GET", "/api/auth/confirm-invite"): PUBLIC,
    ("POST", "/api/auth/new-password"): PUBLIC,
    ("GET", "/api/auth/google"): PUBLIC,
    ("POST", "/api/auth/google/sign_in"): PUBLIC,
    ("POST", "/api/auth/google/sign_up"): PUBLIC,
    ("GET", "/api/auth/secret"): SIGNED_IN,
    ("GET", "/api/auth/validate"): SIGNED_IN,
    # /api/users
    ("GET", "/api/users/current"): SIGNED_IN,
    ("PATCH", "/api/users/current"): SIGNED_IN,
    ("POST", "/api/users/current/password"): SIGNED_IN,
    ("GET", "/api/users"): STAFF,
    ("GET", "/api/users/{user_id}"): SIGNED_IN,  # others' ids answer 404, not 403
    ("PATCH", "/api/users/{user_id}/role"): ADMIN_ONLY,
    ("DELETE", "/api/users/{user_id}"): (UNAUTH, DENY, DENY, DENY, OK),  # not their own id
    ("GET", "/api/users/current/events"): SIGNED_IN,
    ("PUT", "/api/users/current/saved-events/{event_id}"): SIGNED_IN,
    ("DELETE", "/api/users/current/saved-events/{event_id}"): SIGNED_IN,
    # /api/events (creator-only routes answer 404 for an unknown event before any role check)
    ("POST", "/api/events"): SIGNED_IN,
    ("GET", "/api/events"): PUBLIC,
    ("GET", "/api/events/queue"): STAFF,
    ("GET", "/api/events/{event_id}"): PUBLIC,
    ("PATCH", "/api/events/{event_id}"): SIGNED_IN,
    ("POST", "/api/events/{event_id}/cancel"): SIGNED_IN,
    ("POST", "/api/events/{event_id}/attendees"): SIGNED_IN,
    ("DELETE", "/api/events/{event_id}/attendees/me"): SIGNED_IN,
    ("GET", "/api/events/{event_id}/attendees"): SIGNED_IN,
    ("POST", "/api/events/{event_id}/decision"): STAFF,
    ("POST", "/api/events/{event_id}/feedback"): SIGNED_IN,
    ("GET", "/api/events/{event_id}/feedback"): SIGNED_IN,
    ("DELETE", "/api/events/{event_id}/feedback/{feedback_id}"): SIGNED_IN,
    # /api/images
    ("POST", "/api/images"): SIGNED_IN,
    ("GET", "/api/images/{image_id}"): PUBLIC,
    ("DELETE", "/api/images/{image_id}"): SIGNED_IN,
    # Host Home Program
    ("GET", "/api/hosts"): STAFF,
    ("GET", "/api/coordinator/dashboard/all"): STAFF,
    ("PATCH", "/api/coordinator/cases/{user_id}"): STAFF,
    ("GET", "/api/housing-orgs"): SIGNED_IN,
    ("POST", "/api/housing-orgs"): STAFF,
    ("GET", "/api/housing-orgs/{org_id}"): SIGNED_IN,
    ("PUT", "/api/housing-orgs/{org_id}"): STAFF,
    ("DELETE", "/api/housing-orgs/{org_id}"): STAFF,
    ("POST", "/api/housing-orgs/{org_id}/programs"): STAFF,
    ("DELETE", "/api/housing-orgs/{org_id}/programs/{program_id}"): STAFF,
    ("GET", "/api/intake-profile/form/{form_id}"): SIGNED_IN,
    ("GET", "/api/intake-profile/{form_id}"): (UNAUTH, OK, OK, DENY, DENY),  # own profile only
    ("PUT", "/api/intake-profile/{form_id}"): (UNAUTH, OK, OK, DENY, DENY),
    ("GET", "/api/intake-profile/{form_id}/users/{user_id}"): STAFF,
    ("POST", "/api/intake-profile/{form_id}/users/{user_id}/review"): STAFF,
    ("GET", "/api/intake-profile/responses/{form_id}"): (UNAUTH, OK, OK, DENY, DENY),
    ("GET", "/api/profile/{form_id}"): SIGNED_IN,
    ("GET", "/api/profile/{form_id}/{section_id}"): SIGNED_IN,
    ("POST", "/api/profile/responses"): (UNAUTH, OK, OK, DENY, DENY),
}

ROLES = (None, Role.GUEST, Role.HOST, Role.COORDINATOR, Role.ADMIN)


def test_every_route_has_an_entry(app: FastAPI) -> None:
    routes = app_routes(app)
    assert routes - EXPECTED.keys() == set(), "routes without an authorization entry"
    assert EXPECTED.keys() - routes == set(), "entries for routes that do not exist"


async def test_each_role_gets_exactly_the_expected_access(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    headers: dict[Role | None, dict[str, str]] = {None: {}}
    for role in ROLES[1:]:
        assert role is not None
        headers[role] = (await signed_in(client, role)).headers
    client.cookies.clear()
    failures = []
    # Sign-out ends the session the other requests use, so it goes last.
    for method, path in sorted(app_routes(app), key=lambda r: (r[1].endswith("/signout"), r)):
        url = fill_path_params(path)
        for role, expected in zip(ROLES, EXPECTED[(method, path)], strict=True):
            kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
            response = await client.request(method, url, headers=headers[role], **kwargs)
            got = response.status_code
            if expected == OK:
                if got in (401, 403):
                    failures.append(f"{method} {path} as {role}: {got}, expected to get through")
            elif got != expected:
                failures.append(f"{method} {path} as {role}: {got}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", ["/api/users/current", "/api/auth/secret"])
async def test_a_public_route_list_entry_is_needed_to_skip_sign_in(
    client: httpx.AsyncClient, path: str
) -> None:
    assert (await client.get(path)).status_code == 401
