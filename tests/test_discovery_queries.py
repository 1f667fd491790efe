"""The query builders behind the lists, and the one place that picks the distance path.

The real-server side (plans, and both distance paths compared) is in tests/test_real_mongodb.py.
"""

import math
from datetime import UTC, datetime

import httpx

from config.db import Database, db
from models.events import EventFilters
from tests.conftest import make_settings
from utils.pure import event_rules, geo


def distance_filters(lat: float, lon: float, radius_km: float) -> EventFilters:
    """The filters of a distance search, as the route parses them."""
    return EventFilters.model_validate({"lat": lat, "lon": lon, "radiusKm": radius_km})


def geo_within(query: dict[str, object]) -> list[object]:
    """The $geoWithin conditions of a discovery query."""
    conditions = query["$and"]
    assert isinstance(conditions, list)
    return [c["location"] for c in conditions if "location" in c]


async def test_the_embedded_store_narrows_a_distance_search_with_the_bounding_box(
    client: httpx.AsyncClient,
) -> None:
    del client  # the app's lifespan has connected the embedded store
    assert db.geo_operators is False
    query = event_rules.discovery_query(
        distance_filters(26.1, -80.1, 50), datetime.now(UTC), geo_operators=db.geo_operators
    )
    assert geo_within(query) == []
    for condition in geo.bounding_box(26.1, -80.1, 50):
        assert condition in query["$and"]


async def test_a_server_connection_turns_on_the_geo_operators(tmp_path: object) -> None:
    database = Database()
    settings = make_settings(tmp_path, MONGO_DB_URI="mongodb://127.0.0.1:9/")  # no I/O: lazy
    database.connect(settings, "geo_choice")
    try:
        assert database.geo_operators is True
    finally:
        database.close()


def test_on_a_server_a_distance_search_is_geo_within_a_sphere_a_hair_wider_than_the_radius() -> (
    None
):
    query = event_rules.discovery_query(
        distance_filters(-89.5, 179.9, 100), datetime.now(UTC), geo_operators=True
    )
    [condition] = geo_within(query)
    assert isinstance(condition, dict)
    [[lon, lat], radians] = condition["$geoWithin"]["$centerSphere"]
    assert (lon, lat) == (179.9, -89.5)  # GeoJSON order: longitude first
    exact = 100 / geo.EARTH_RADIUS_KM
    assert exact < radians <= exact + 1e-8
    # No bounding box beside it: the sphere alone narrows, wherever the antimeridian or pole is.
    assert not any("location.coordinates.0" in str(c) for c in query["$and"])
    assert math.isclose(radians * geo.EARTH_RADIUS_KM, 100, rel_tol=1e-6)


def test_a_search_without_distance_has_no_location_condition_on_either_store() -> None:
    plain = EventFilters.model_validate({"q": "orientation", "tags": "sport"})
    now = datetime.now(UTC)
    for geo_operators in (True, False):
        query = event_rules.discovery_query(plain, now, geo_operators=geo_operators)
        assert "location" not in str(query)
