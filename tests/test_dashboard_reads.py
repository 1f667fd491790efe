"""The coordinator dashboard is a read: GET writes nothing and answers in at most three database
round trips (the page of cases; the people it names with the page of coordinators; the profile
statuses), whatever the data. Counted at the guard every database operation passes through."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from config.db import db
from models.cases import DashboardUserType
from models.users import Role
from tests.factories import make_user, signed_in
from utils.flows import dashboard

DASHBOARD = "/api/coordinator/dashboard/all"
WRITES = ("insert", "update", "replace", "delete", "find_one_and", "bulk_write")


@contextmanager
def counted_operations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of every database operation run inside the block."""
    names: list[str] = []
    original: Callable[..., Awaitable[Any]] = db.guard.run

    async def counting(operation: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(getattr(operation, "__name__", repr(operation)))
        return await original(operation, *args, **kwargs)

    monkeypatch.setattr(db.guard, "run", counting)
    try:
        yield names
    finally:
        monkeypatch.setattr(db.guard, "run", original)


async def _people(client: httpx.AsyncClient) -> Any:
    coordinator = await signed_in(client, Role.COORDINATOR)
    for role in (Role.GUEST, Role.HOST, Role.GUEST, Role.HOST):
        await make_user(role)
    await make_user(Role.COORDINATOR)
    return coordinator


async def test_the_dashboard_reads_in_at_most_three_round_trips_and_writes_nothing(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = await _people(client)
    with counted_operations(monkeypatch) as operations:
        page = await dashboard.list_dashboard(coordinator.user)
    assert page.total == 6
    assert len(operations) <= 3, operations
    assert not [name for name in operations if name.startswith(WRITES)]


@pytest.mark.parametrize(
    "filters",
    [
        {"user_type": DashboardUserType.GUEST},
        {"user_type": DashboardUserType.COORDINATOR},
        {"mine": True},
        {"limit": 2},
        {"limit": 2, "offset": 5},
    ],
)
async def test_every_filter_and_page_of_the_dashboard_stays_within_three_reads(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, filters: dict[str, Any]
) -> None:
    coordinator = await _people(client)
    with counted_operations(monkeypatch) as operations:
        await dashboard.list_dashboard(coordinator.user, **filters)
    assert len(operations) <= 3, operations
    assert not [name for name in operations if name.startswith(WRITES)]


async def test_a_dashboard_request_is_the_sign_in_check_and_three_reads(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = await _people(client)
    with counted_operations(monkeypatch) as operations:
        response = await client.get(DASHBOARD, headers=coordinator.headers)
    assert response.status_code == 200
    assert len(operations) <= 4, operations  # routes/deps.py reads the session once
