"""Sign-ups with one address at the same moment make one account (the racy variant that shows
this test can fail is in tests/test_race_harness.py)."""

import asyncio

import httpx

from tests.factories import PASSWORD


async def _signups(client: httpx.AsyncClient, email: str, count: int) -> list[int]:
    body = {"email": email, "password": PASSWORD, "firstName": "R", "role": "guest"}
    responses = await asyncio.gather(
        *(client.post("/api/auth/signup", json=body) for _ in range(count))
    )
    return [r.status_code for r in responses]


async def test_signup_race_is_closed_by_the_unique_index(client: httpx.AsyncClient) -> None:
    statuses = await _signups(client, "safe@example.org", 20)
    assert statuses.count(201) == 1
    assert statuses.count(409) == 19
