"""Discovery: GET /api/events for everyone, by tags, dates, words, status and distance."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import assert_error
from tests.factories import MIAMI, Clock, create_event, iso, signed_in
from utils.pure.geo import bounding_box, haversine_km

FORT_LAUDERDALE = {"title": "Fort Lauderdale", "latitude": 26.1224, "longitude": -80.1373}
ORLANDO = {"title": "Orlando", "latitude": 28.5383, "longitude": -81.3792}
TAMPA = {"title": "Tampa", "latitude": 27.9506, "longitude": -82.4572}


async def _titles(client: httpx.AsyncClient, query: str = "") -> list[str]:
    response = await client.get(f"/api/events{query}")
    assert response.status_code == 200, response.text
    return [event["title"] for event in response.json()["items"]]


@pytest.fixture
async def staff(client: httpx.AsyncClient) -> dict[str, str]:
    """Headers of a coordinator, whose events are approved at once."""
    return (await signed_in(client, "coordinator")).headers


@pytest.fixture
async def florida(client: httpx.AsyncClient, staff: dict[str, str]) -> dict[str, str]:
    """One event in each of four Florida cities, created in a scrambled order."""
    ids = {}
    for place in (TAMPA, MIAMI, ORLANDO, FORT_LAUDERDALE):
        ids[place["title"]] = (
            await create_event(client, staff, title=place["title"], location=place)
        )["id"]
    return ids


async def test_only_approved_public_events_that_are_not_cancelled_are_listed(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    host = await signed_in(client, "host")
    await create_event(client, staff, title="Listed")
    await create_event(client, staff, title="Private", public=False)
    await create_event(client, host.headers, title="Pending")
    cancelled = await create_event(client, staff, title="Cancelled")
    await client.post(f"/api/events/{cancelled['id']}/cancel", headers=staff)
    assert await _titles(client) == ["Listed"]
    signed = await client.get("/api/events", headers=host.headers)
    assert [e["title"] for e in signed.json()["items"]] == ["Listed"]


async def test_without_a_point_events_come_soonest_first_and_paginate(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    for days, title in ((3, "Third"), (1, "First"), (2, "Second")):
        start = base + timedelta(days=days)
        await create_event(
            client, staff, title=title, startsAt=iso(start), endsAt=iso(start + timedelta(hours=1))
        )
    assert await _titles(client) == ["First", "Second", "Third"]
    page = (await client.get("/api/events?limit=1&offset=1")).json()
    assert [e["title"] for e in page["items"]] == ["Second"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert_error(await client.get("/api/events?limit=0"), 422, "ValidationError")


async def test_tags_match_any_of_the_given_tags(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    await create_event(client, staff, title="Cooking", tags=["food", "class"])
    await create_event(client, staff, title="Concert", tags=["music"])
    await create_event(client, staff, title="Training", tags=["training"])
    assert sorted(await _titles(client, "?tags=food,music")) == ["Concert", "Cooking"]
    assert sorted(await _titles(client, "?tags=class&tags=training")) == ["Cooking", "Training"]
    assert_error(await client.get("/api/events?tags=karaoke"), 422, "ValidationError")


async def test_words_match_title_or_description_in_any_case_and_all_must_match(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    await create_event(client, staff, title="Host Orientation", description="Meet the team")
    await create_event(client, staff, title="Budgeting", description="For new HOSTS and guests")
    await create_event(client, staff, title="Yoga", description="Stretching")
    assert sorted(await _titles(client, "?q=host")) == ["Budgeting", "Host Orientation"]
    assert await _titles(client, "?q=ORIENT%20team") == ["Host Orientation"]
    assert await _titles(client, "?q=host%20yoga") == []
    assert await _titles(client, "?q=.*") == []
    assert await _titles(client, "?q=(") == []


async def test_the_date_window_keeps_events_that_overlap_it(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    base = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=10)
    for offset, title in ((0, "Day 0"), (2, "Day 2"), (4, "Day 4")):
        start = base + timedelta(days=offset)
        await create_event(
            client, staff, title=title, startsAt=iso(start), endsAt=iso(start + timedelta(hours=3))
        )
    window_from = (base + timedelta(days=1)).replace(tzinfo=None).isoformat()  # naive means UTC
    window_to = iso(base + timedelta(days=3))
    query = f"?from={window_from}&to={window_to.replace('+', '%2B')}"
    assert await _titles(client, query) == ["Day 2"]
    overlapping = iso(base + timedelta(hours=1)).replace("+", "%2B")
    assert await _titles(client, f"?from={overlapping}&to={overlapping}") == ["Day 0"]
    backwards = f"?from={window_to.replace('+', '%2B')}&to={window_from}"
    assert_error(await client.get(f"/api/events{backwards}"), 422, "ValidationError")
    assert_error(await client.get("/api/events?from=yesterday"), 422, "ValidationError")


async def test_the_status_filter_is_computed_from_the_clock(
    client: httpx.AsyncClient, staff: dict[str, str], clock: Clock
) -> None:
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    await create_event(
        client, staff, title="Early", startsAt=iso(base), endsAt=iso(base + timedelta(hours=2))
    )
    later = base + timedelta(days=5)
    await create_event(
        client, staff, title="Late", startsAt=iso(later), endsAt=iso(later + timedelta(hours=2))
    )
    assert await _titles(client, "?status=active") == ["Early", "Late"]
    clock.advance(timedelta(days=1, hours=1))
    assert await _titles(client, "?status=ongoing") == ["Early"]
    assert await _titles(client, "?status=active") == ["Late"]
    clock.advance(timedelta(days=1))
    assert await _titles(client, "?status=ended") == ["Early"]
    assert_error(await client.get("/api/events?status=cancelled"), 422, "ValidationError")


async def test_distance_from_miami_gives_the_nearby_events_nearest_first(
    client: httpx.AsyncClient, florida: dict[str, str]
) -> None:
    near = await client.get("/api/events?lat=25.7617&lon=-80.1918&radiusKm=50")
    body: dict[str, Any] = near.json()
    assert [e["title"] for e in body["items"]] == ["Miami", "Fort Lauderdale"]
    assert body["items"][0]["distanceKm"] == 0
    assert body["items"][1]["distanceKm"] == pytest.approx(40.5, abs=0.5)
    assert body["total"] == 2
    # Orlando is 330.3 km away and Tampa 331.3 km: the radius tells them apart.
    assert await _titles(client, "?lat=25.7617&lon=-80.1918&radiusKm=330.8") == [
        "Miami",
        "Fort Lauderdale",
        "Orlando",
    ]
    assert await _titles(client, "?lat=25.7617&lon=-80.1918&radiusKm=400") == [
        "Miami",
        "Fort Lauderdale",
        "Orlando",
        "Tampa",
    ]


async def test_distance_from_orlando_orders_tampa_before_fort_lauderdale(
    client: httpx.AsyncClient, florida: dict[str, str]
) -> None:
    assert await _titles(client, "?lat=28.5383&lon=-81.3792&radiusKm=300") == [
        "Orlando",
        "Tampa",
        "Fort Lauderdale",
    ]


async def test_distance_results_are_sorted_before_they_are_paginated(
    client: httpx.AsyncClient, florida: dict[str, str]
) -> None:
    point = "?lat=25.7617&lon=-80.1918&radiusKm=400"
    pages = []
    for offset in range(4):
        body = (await client.get(f"/api/events{point}&limit=1&offset={offset}")).json()
        assert body["total"] == 4
        pages.extend(e["title"] for e in body["items"])
    assert pages == ["Miami", "Fort Lauderdale", "Orlando", "Tampa"]


async def test_distance_combines_with_the_other_filters(
    client: httpx.AsyncClient, staff: dict[str, str], florida: dict[str, str]
) -> None:
    await create_event(client, staff, title="Miami music", location=MIAMI, tags=["music"])
    assert await _titles(client, "?lat=25.7617&lon=-80.1918&radiusKm=50&tags=music") == [
        "Miami music"
    ]
    assert await _titles(client, "?lat=28.5&lon=-81.4&radiusKm=400&q=lauderdale") == [
        "Fort Lauderdale"
    ]


async def test_distance_works_across_the_antimeridian(
    client: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    east = {"title": "Fiji east", "latitude": -16.5, "longitude": 179.9}
    west = {"title": "Fiji west", "latitude": -16.5, "longitude": -179.95}
    far = {"title": "Far", "latitude": -16.5, "longitude": 170.0}
    for place in (far, west, east):
        await create_event(client, staff, title=place["title"], location=place)
    assert await _titles(client, "?lat=-16.5&lon=179.99&radiusKm=50") == ["Fiji west", "Fiji east"]
    assert await _titles(client, "?lat=-16.5&lon=-179.99&radiusKm=50") == ["Fiji west", "Fiji east"]


@pytest.mark.parametrize(
    "query",
    [
        "?lat=25.7&lon=-80.1",
        "?lat=25.7&radiusKm=10",
        "?radiusKm=10",
        "?lat=25.7&lon=-80.1&radiusKm=0",
        "?lat=25.7&lon=-80.1&radiusKm=20001",
        "?lat=91&lon=-80.1&radiusKm=10",
        "?lat=25.7&lon=181&radiusKm=10",
        "?lat=north&lon=-80.1&radiusKm=10",
    ],
)
async def test_incomplete_or_out_of_range_distance_parameters_are_422(
    client: httpx.AsyncClient, query: str
) -> None:
    assert_error(await client.get(f"/api/events{query}"), 422, "ValidationError")


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [(25.76, -80.19, 50.0), (89.9, 10.0, 100.0), (-16.5, 179.99, 500.0), (0.0, 0.0, 15000.0)],
)
def test_the_bounding_box_never_drops_a_point_inside_the_radius(
    lat: float, lon: float, radius: float
) -> None:
    conditions = bounding_box(lat, lon, radius)

    def inside_box(plat: float, plon: float) -> bool:
        for condition in conditions:
            for key, bounds in condition.items():
                options = bounds if key == "$or" else [{key: bounds}]
                if not any(_within(option, plat, plon) for option in options):
                    return False
        return True

    for step in range(0, 360, 5):
        for fraction in (0.2, 0.6, 0.999):
            plat, plon = _destination(lat, lon, radius * fraction, step)
            assert haversine_km(lat, lon, plat, plon) <= radius
            assert inside_box(plat, plon), (plat, plon)


def _within(option: dict[str, Any], lat: float, lon: float) -> bool:
    ((field, bounds),) = option.items()
    value = lon if field.endswith(".0") else lat
    return bounds.get("$gte", -1e9) <= value <= bounds.get("$lte", 1e9)


def _destination(lat: float, lon: float, distance_km: float, bearing: float) -> tuple[float, float]:
    import math  # pylint: disable=import-outside-toplevel

    angle = distance_km / 6371.0088
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing)
    phi2 = math.asin(
        math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(phi),
        math.cos(angle) - math.sin(phi) * math.sin(phi2),
    )
    lon2 = (math.degrees(lam2) + 540) % 360 - 180
    return math.degrees(phi2), lon2


async def test_a_nul_in_the_words_is_422_not_a_database_error(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/events?q=a%00b"), 422, "ValidationError")
