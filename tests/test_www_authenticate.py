"""401 answers of bearer-protected routes carry the RFC 6750 challenge: `WWW-Authenticate: Bearer`
without a token, and `error="invalid_token"` with the reason when the token sent cannot be used."""

from datetime import timedelta
from uuid import uuid4

import httpx
from fastapi import FastAPI

from config.settings import Settings
from routes.deps import PUBLIC_ROUTES
from tests.conftest import assert_error
from tests.factories import signed_in
from tests.routes_table import app_routes, fill_path_params
from utils.pure import tokens

INVALID_TOKEN = 'Bearer error="invalid_token", error_description="'


async def test_every_private_route_without_a_token_answers_a_bearer_challenge(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    private = sorted(route for route in app_routes(app) if route not in PUBLIC_ROUTES)
    assert len(private) > 10
    for method, path in private:
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        response = await client.request(method, fill_path_params(path), **body)
        assert_error(response, 401, "NotAuthenticated")
        assert response.headers.get("www-authenticate") == "Bearer", f"{method} {path}"


async def test_a_malformed_token_is_challenged_as_invalid_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/current", headers={"Authorization": "Bearer not-a-jwt"})
    body = assert_error(response, 401, "InvalidToken")
    assert response.headers["www-authenticate"] == f'{INVALID_TOKEN}{body["message"]}"'


async def test_an_expired_token_is_challenged_as_invalid_token(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    token = tokens.create_token(settings, str(uuid4()), str(uuid4()), timedelta(minutes=-5))
    response = await client.get("/api/users/current", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "TokenExpired")
    assert response.headers["www-authenticate"].startswith(INVALID_TOKEN)
    assert "expired" in response.headers["www-authenticate"]


async def test_a_token_of_an_ended_session_is_challenged_as_invalid_token(
    client: httpx.AsyncClient,
) -> None:
    guest = await signed_in(client)
    signout = await client.post("/api/auth/signout", headers=guest.headers)
    assert signout.status_code == 200, signout.text
    response = await client.get("/api/users/current", headers=guest.headers)
    assert_error(response, 401, "SessionRevoked")
    assert response.headers["www-authenticate"].startswith(INVALID_TOKEN)


async def test_wrong_password_on_sign_in_is_not_a_bearer_challenge(
    client: httpx.AsyncClient,
) -> None:
    # Sign-in is a password route, not a bearer-protected one: a stale token is ignored there.
    response = await client.post(
        "/api/auth/signin",
        json={"email": "nobody@example.org", "password": "Wr0ng-password"},
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    assert_error(response, 401, "InvalidCredentials")
    assert "www-authenticate" not in response.headers


async def test_browsers_may_read_the_challenge_across_origins(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/current", headers={"Origin": "http://localhost:3000"})
    assert_error(response, 401, "NotAuthenticated")
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "www-authenticate" in exposed
