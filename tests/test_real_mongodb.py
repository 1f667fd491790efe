"""Checks that only a real MongoDB can answer: run with TEST_MONGO_URI set, skipped otherwise.

The rest of the suite also runs unchanged against the server when TEST_MONGO_URI is set.
"""

import math

import httpx
import pytest

from config.db import db
from tests.conftest import TEST_MONGO_URI
from tests.factories import signed_in
from tests.test_events import event_body

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
