"""Checks that only a real MongoDB can answer: run with TEST_MONGO_URI set, skipped otherwise.

The rest of the suite also runs unchanged against the server when TEST_MONGO_URI is set.
"""

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from config.db import db
from models.cases import CaseStatus
from models.events import EventFilters
from models.users import Role
from tests.conftest import TEST_MONGO_URI
from tests.factories import event_body, make_user, signed_in
from utils import cases, events, housing_orgs, users
from utils.pure import event_rules

pytestmark = [
    pytest.mark.realdb,
    pytest.mark.skipif(not TEST_MONGO_URI, reason="needs a MongoDB server: set TEST_MONGO_URI"),
]

# Cities well inside or well outside 50 km of Fort Lauderdale, so the two earth radii that the
# server and the service use cannot disagree about them.
CITIES = {
    "Miami": (25.7617, -80.1918),  # about 40 km
    "Boca Raton": (26.3683, -80.1289),  # about 27 km
    "Orlando": (28.5383, -81.3792),  # about 290 km
    "Naples": (26.1420, -81.7948),  # about 165 km
}
CENTRE = (26.1224, -80.1373)


async def test_every_index_is_created_on_the_server(client: httpx.AsyncClient) -> None:
    del client  # the app (and its start-up) is what matters
    users = await db.collection("users").index_information()
    events = await db.collection("events").index_information()
    assert users["email_lower_unique"]["unique"]
    assert "location_2dsphere" in events


async def test_portable_distance_search_agrees_with_the_servers_geo_query(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    for name, (lat, lon) in CITIES.items():
        body = event_body(title=name, location={"title": name, "latitude": lat, "longitude": lon})
        response = await client.post("/api/events", json=body, headers=coordinator.headers)
        assert response.status_code == 201, response.text
    params = {"lat": CENTRE[0], "lon": CENTRE[1], "radiusKm": 50}
    listed = (await client.get("/api/events", params=params)).json()["items"]
    radians = 50 / 6378.1
    native = await (
        db.collection("events")
        .find({"location": {"$geoWithin": {"$centerSphere": [[CENTRE[1], CENTRE[0]], radians]}}})
        .to_list(None)
    )
    assert {e["title"] for e in listed} == {d["title"] for d in native} == {"Miami", "Boca Raton"}
    assert [e["title"] for e in listed] == ["Boca Raton", "Miami"]
    assert math.isclose(listed[0]["distanceKm"], 27, abs_tol=3)


# --- Every list and search is served by an index -----------------------------------------------
# The filters come from the same pure functions the app calls, so the plans explained here are the
# plans of the app's own queries.

INDEX_STAGES = ("IXSCAN", "IDHACK", "COUNT_SCAN", "DISTINCT_SCAN")


def winning_plan(explained: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The stages and index names of the winning plan (any depth, classic or SBE explain)."""
    stages: set[str] = set()
    indexes: set[str] = set()

    def walk(node: Any, winning: bool) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, winning)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "rejectedPlans":
                    continue
                inside = winning or key == "winningPlan"
                if inside and key == "stage" and isinstance(value, str):
                    stages.add(value)
                if inside and key == "indexName" and isinstance(value, str):
                    indexes.add(value)
                walk(value, inside)

    walk(explained, False)
    return stages, indexes


def assert_index_served(label: str, explained: dict[str, Any], index: str | None = None) -> None:
    """No collection scan in the winning plan, at least one index stage (this index, if named)."""
    stages, indexes = winning_plan(explained)
    plan = explained.get("queryPlanner", explained)
    assert stages, (label, explained)
    assert "COLLSCAN" not in stages, (label, stages, plan)
    assert any(marker in stage for stage in stages for marker in INDEX_STAGES), (label, plan)
    if index is not None:
        assert index in indexes, (label, indexes, plan)


async def explain_find(
    collection: str, query: dict[str, Any], order: list[tuple[str, int]] | None, limit: int = 20
) -> dict[str, Any]:
    """explain() of a page of this query, sorted as the app sorts it (limit 0: all of it)."""
    cursor = db.database[collection].find(query)
    if order:
        cursor = cursor.sort(order)
    cursor = cursor.limit(limit)
    explained: dict[str, Any] = await cursor.explain()
    return explained


async def explain_count(collection: str, query: dict[str, Any]) -> dict[str, Any]:
    """explain() of counting this query (what a list's `total` costs)."""
    explained: dict[str, Any] = await db.database.command(
        {"explain": {"count": collection, "query": query}, "verbosity": "queryPlanner"}
    )
    return explained


async def seed_events(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """Florida's cities, and enough events far from them that a local search is selective."""
    for name, (lat, lon) in CITIES.items():
        location = {"title": name, "latitude": lat, "longitude": lon}
        body = event_body(title=f"{name} orientation", location=location, tags=["orientation"])
        response = await client.post("/api/events", json=body, headers=headers)
        assert response.status_code == 201, response.text
    for i in range(60):
        location = {"title": "Seattle", "latitude": 47.6 + i / 1000, "longitude": -122.3}
        body = event_body(title=f"Seattle meeting {i}", location=location, tags=["meeting"])
        response = await client.post("/api/events", json=body, headers=headers)
        assert response.status_code == 201, response.text


def filters(**values: Any) -> EventFilters:
    """EventFilters as the route parses them from the query string."""
    return EventFilters.model_validate(values)


async def test_every_discovery_query_is_served_by_an_index(client: httpx.AsyncClient) -> None:
    coordinator = await signed_in(client, "coordinator")
    await seed_events(client, coordinator.headers)
    now = datetime.now(UTC)
    searches = {
        "plain": filters(),
        "words": filters(q="miami orientation"),
        "tags": filters(tags="orientation,meeting"),
        "date window": filters(**{"from": now, "to": now + timedelta(days=7)}),
        "status": filters(status="active"),
        "everything": filters(q="orientation", tags="orientation", **{"from": now}),
    }
    for name, value in searches.items():
        query = event_rules.discovery_query(value, now, geo_operators=True)
        assert_index_served(name, await explain_find("events", query, events.DISCOVERY_ORDER))
        # The total is counted with the same filter: its equalities are the index's prefix.
        assert_index_served(f"count {name}", await explain_count("events", query))


async def test_distance_search_on_a_server_is_served_by_the_2dsphere_index(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    await seed_events(client, coordinator.headers)
    now = datetime.now(UTC)
    near = filters(lat=CENTRE[0], lon=CENTRE[1], radiusKm=50)
    query = event_rules.discovery_query(near, now, geo_operators=True)
    explained = await explain_find(
        "events", query, events.DISCOVERY_ORDER, events.MAX_DISTANCE_CANDIDATES
    )
    assert_index_served("distance", explained, "location_2dsphere")
    # What the app sends on this server is that query, and it finds the two cities.
    assert db.geo_operators
    listed = (await client.get("/api/events", params={**near_params(CENTRE, 50)})).json()
    assert [e["title"] for e in listed["items"]] == ["Boca Raton orientation", "Miami orientation"]


def near_params(centre: tuple[float, float], radius_km: float, **extra: Any) -> dict[str, Any]:
    """The query string of a distance search."""
    return {"lat": centre[0], "lon": centre[1], "radiusKm": radius_km, **extra}


async def test_users_hosts_and_dashboard_lists_are_served_by_indexes(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    for i in range(10):
        await make_user(Role.GUEST if i % 2 else Role.HOST, first_name=f"Person{i}")
    for role, q in ((None, None), (None, "person3"), (Role.HOST, None), (Role.HOST, "person")):
        query = users.list_users_query(role, q)
        label = f"users role={role} q={q}"
        assert_index_served(label, await explain_find("users", query, users.USERS_ORDER))
        if role is not None:  # without a role the total counts every user: no index narrows it
            assert_index_served(f"count {label}", await explain_count("users", query))
    roles = users.with_roles_query(list(cases.CASE_ROLES))
    assert_index_served("guests and hosts", await explain_find("users", roles, None, 0))
    assert_index_served("count guests and hosts", await explain_count("users", roles))
    for user_types, status, coordinator_id in (
        (list(cases.CASE_ROLES), None, None),
        ([Role.GUEST], None, None),
        (list(cases.CASE_ROLES), CaseStatus.NEW, None),
        (list(cases.CASE_ROLES), None, coordinator.id),
    ):
        query = cases.dashboard_query(user_types, status, coordinator_id)
        label = f"dashboard {user_types} {status} {coordinator_id}"
        assert_index_served(label, await explain_find("cases", query, cases.DASHBOARD_ORDER))
        assert_index_served(f"count {label}", await explain_count("cases", query))
    # The dashboard answers from those reads.
    response = await client.get("/api/coordinator/dashboard/all", headers=coordinator.headers)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 10


async def test_the_housing_orgs_list_is_served_by_the_name_index(
    client: httpx.AsyncClient,
) -> None:
    coordinator = await signed_in(client, "coordinator")
    for i in range(20):
        body = {"orgName": f"Org {i}", "programs": []}
        response = await client.post("/api/housing-orgs", json=body, headers=coordinator.headers)
        assert response.status_code == 201, response.text
    explained = await explain_find("housing_orgs", {}, housing_orgs.ORGS_ORDER)
    assert_index_served("housing orgs", explained, "org_name_lower_unique")


# --- Both distance paths give the same answers --------------------------------------------------

# Near the antimeridian, and around both poles, where a bounding box needs its special cases.
EDGE_PLACES = {
    "Date line west": (0.0, 179.9),  # about 10 km from (0, 179.99)
    "Date line east": (0.0, -179.9),  # about 12 km, across the antimeridian
    "Date line far": (0.0, 178.0),  # about 221 km
    "North A": (89.7, 0.0),  # about 35 km from (89.9, 90), past the pole's meridians
    "North B": (89.7, 180.0),  # about 35 km
    "North C": (89.5, -90.0),  # about 67 km, on the far side of the pole
    "North far": (88.0, 90.0),  # about 211 km
    "South A": (-89.8, 45.0),  # about 78 km from (-89.5, -135), across the pole
    "South far": (-87.0, 0.0),  # about 375 km
}
SEARCHES = [
    ((0.0, 179.99), 50, {"Date line west", "Date line east"}),
    ((89.9, 90.0), 100, {"North A", "North B", "North C"}),
    ((-89.5, -135.0), 100, {"South A"}),
    (CENTRE, 50, {"Miami", "Boca Raton"}),
    (CENTRE, 300, {"Miami", "Boca Raton", "Orlando", "Naples"}),
    (CENTRE, 20_000, set(EDGE_PLACES) | set(CITIES)),  # the antipode is far from every place
]


async def test_the_geo_within_and_bounding_box_paths_give_the_same_answers(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = await signed_in(client, "coordinator")
    for name, (lat, lon) in {**CITIES, **EDGE_PLACES}.items():
        body = event_body(title=name, location={"title": name, "latitude": lat, "longitude": lon})
        response = await client.post("/api/events", json=body, headers=coordinator.headers)
        assert response.status_code == 201, response.text

    async def search(geo_operators: bool, params: dict[str, Any]) -> dict[str, Any]:
        monkeypatch.setattr(db, "geo_operators", geo_operators)
        response = await client.get("/api/events", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    for centre, radius, expected in SEARCHES:
        params = near_params(centre, radius, limit=100)
        native = await search(True, params)
        portable = await search(False, params)
        assert {e["title"] for e in native["items"]} == expected, (centre, radius)
        assert native == portable, (centre, radius)
        # A page out of the middle agrees as well (sorted by distance, then paginated).
        paged = near_params(centre, radius, limit=2, offset=1)
        assert await search(True, paged) == await search(False, paged), (centre, radius)
