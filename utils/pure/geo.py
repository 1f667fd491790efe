"""Distance geometry on the sphere, pure: the great-circle distance and the query conditions that
narrow a distance search (a bounding box anywhere, `$geoWithin` where the server has it)."""

import math
from typing import Any

EARTH_RADIUS_KM = 6371.0088


# Widens the server's $centerSphere a hair, so rounding there never drops an event that the exact
# distance here keeps (about 6 mm on the earth).
GEO_MARGIN_RADIANS = 1e-9


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> list[dict[str, Any]]:
    """Query conditions on the stored [lon, lat] that keep every point within the radius.

    The box is exact for a sphere: latitudes within radius/R of the centre; longitudes within
    asin(sin(r/R) / cos(lat)), wrapping across the antimeridian; no longitude bound at all when
    the circle reaches a pole.
    """
    angle = radius_km / EARTH_RADIUS_KM
    margin = 1e-9
    south = lat - math.degrees(angle) - margin
    north = lat + math.degrees(angle) + margin
    conditions: list[dict[str, Any]] = [
        {"location.coordinates.1": {"$gte": max(south, -90.0), "$lte": min(north, 90.0)}}
    ]
    if south <= -90 or north >= 90 or angle >= math.pi / 2:
        return conditions
    spread = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    west, east = lon - spread - margin, lon + spread + margin
    field = "location.coordinates.0"
    if spread >= 180:
        return conditions
    if west < -180:
        conditions.append({"$or": [{field: {"$gte": west + 360}}, {field: {"$lte": east}}]})
    elif east > 180:
        conditions.append({"$or": [{field: {"$gte": west}}, {field: {"$lte": east - 360}}]})
    else:
        conditions.append({field: {"$gte": west, "$lte": east}})
    return conditions


def distance_conditions(
    lat: float, lon: float, radius_km: float, *, geo_operators: bool
) -> list[dict[str, Any]]:
    """Query conditions that keep every event within `radius_km` of (lat, lon), and some more.

    With `geo_operators` (a real server): `$geoWithin` a `$centerSphere`, which the 2dsphere index
    serves; otherwise the portable bounding box. The caller keeps only exact distances.
    """
    if geo_operators:
        radians = radius_km / EARTH_RADIUS_KM + GEO_MARGIN_RADIANS
        return [{"location": {"$geoWithin": {"$centerSphere": [[lon, lat], radians]}}}]
    return bounding_box(lat, lon, radius_km)


def within_radius(
    documents: list[dict[str, Any]], lat: float, lon: float, radius_km: float
) -> list[tuple[float, dict[str, Any]]]:
    """The events (stored documents with GeoJSON `location`) within `radius_km` of the point, with
    their distances, nearest first; ties by start time, then id, so pages are stable."""
    near = []
    for document in documents:
        longitude, latitude = document["location"]["coordinates"]
        km = haversine_km(lat, lon, latitude, longitude)
        if km <= radius_km:
            near.append((km, document))
    near.sort(key=lambda pair: (pair[0], pair[1]["starts_at"], pair[1]["_id"]))
    return near
