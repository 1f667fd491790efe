"""The concurrency tests can fail: each race is shown to happen on a deliberately racy variant.

A concurrency test that passes on racy code proves nothing. The embedded store yields to the event
loop around every operation, so a read-then-write variant of the code loses the race here as it
would on a real server; these tests swap such a variant in and check that the race shows.
"""

import asyncio
from typing import Any

import httpx
import pytest

from config.db import db
from config.errors import EmailAlreadyRegistered
from tests.factories import PASSWORD
from utils import users
from utils.flows import auth


async def _signups(client: httpx.AsyncClient, email: str, count: int) -> list[int]:
    body = {"email": email, "password": PASSWORD, "firstName": "R", "role": "guest"}
    responses = await asyncio.gather(
        *(client.post("/api/auth/signup", json=body) for _ in range(count))
    )
    return [r.status_code for r in responses]


async def test_signup_race_shows_without_the_unique_index(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await db.collection("users").drop_index("email_lower_unique")
    register = auth.register

    async def racy_register(body: Any, *args: Any) -> Any:
        # The naive sign-up: check, hash, insert. Requests all pass the check before any inserts.
        if await users.find_by_email(str(body.email)) is not None:
            raise EmailAlreadyRegistered()
        return await register(body, *args)

    monkeypatch.setattr(auth, "register", racy_register)
    statuses = await _signups(client, "racy@example.org", 20)
    assert statuses.count(201) > 1, "the racy variant should create duplicates"


async def test_signup_race_is_closed_by_the_unique_index(client: httpx.AsyncClient) -> None:
    statuses = await _signups(client, "safe@example.org", 20)
    assert statuses.count(201) == 1
    assert statuses.count(409) == 19
