"""What keeps a request cheap, stated as behaviour (issue 13): no worker thread per request, and
the embedded store's shortcuts give exactly the answers mongomock itself gives."""

import copy
import inspect
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from bson import ObjectId
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from mongomock.store import CollectionStore
from mongomock_motor import AsyncMongoMockClient

from app import ROUTERS
from config.db import Database, db
from models.events import EventFilters
from models.users import Role
from routes.deps import authenticate
from tests.conftest import make_settings
from tests.factories import create_event, event_body, iso, signed_in
from tests.routes_table import fill_path_params
from utils import events, housing_orgs


def _dependency_calls(dependant: Any) -> Iterator[Any]:
    """Every callable FastAPI calls to solve this dependant, the endpoint included."""
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _dependency_calls(sub)


def _is_async(call: Any) -> bool:
    """A coroutine function, or an instance (a security scheme) whose __call__ is one."""
    method = None if inspect.isroutine(call) or inspect.isclass(call) else type(call).__call__
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(method)


# The OAuth2 password form (a class FastAPI calls in a thread) serves only /api/auth/token, whose
# Argon2 check costs milliseconds: a thread hop there is noise; the class keeps its OpenAPI form.
THREAD_ALLOWED = {"/api/auth/token: PasswordForm"}


def test_every_dependency_of_every_route_is_async_so_no_request_waits_for_a_worker_thread(
    app: FastAPI,
) -> None:
    # FastAPI hands a plain (non-async) callable to a worker thread on every request: tens of
    # microseconds of CPU and a thread round trip for what is a few attribute reads.
    sync = {
        f"{route.path_format}: {getattr(call, '__name__', type(call).__name__)}"
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        for call in _dependency_calls(route.dependant)
        if not _is_async(call)
    }
    assert not sync - THREAD_ALLOWED, sorted(sync - THREAD_ALLOWED)


@pytest.fixture
async def stores(tmp_path: Path) -> AsyncIterator[tuple[Any, Any]]:
    """The app's embedded collection (with its `_id` shortcut) and a plain mongomock collection,
    holding the same documents."""
    settings = make_settings(tmp_path, MONGO_DB_URI=None)
    plain = AsyncMongoMockClient(tz_aware=True)["plain"]["things"]
    database = Database()
    with database.connected(settings, "shortcut"):
        ours = database.collection("things")
        for document in DOCUMENTS:
            await ours.insert_one(copy.deepcopy(document))
            await plain.insert_one(copy.deepcopy(document))
        yield ours, plain


NOW = datetime.now(UTC)
OID = ObjectId()
DOCUMENTS: list[dict[str, Any]] = [
    {
        "_id": "a",
        "n": 1,
        "tags": ["x", "y"],
        "nested": {"k": 1, "j": [1, 2]},
        "sessions": {"s1": {"expires_at": NOW + timedelta(days=1)}},
        "at": NOW,
    },
    {"_id": "b", "n": 2, "tags": ["y"], "sessions": {}},
    {"_id": OID, "n": 3},
    {"_id": 5, "n": 5},
    {"_id": "5", "n": 6},
]
FILTERS: list[dict[str, Any]] = [
    {"_id": "a"},
    {"_id": "a", "n": 1},
    {"_id": "a", "n": 2},
    {"_id": "missing"},
    {"_id": "a", "sessions.s1.expires_at": {"$gt": NOW}},
    {"_id": "a", "sessions.s2.expires_at": {"$gt": NOW}},
    {"_id": "b", "sessions.s1.expires_at": {"$gt": NOW}},
    {"_id": OID},
    {"_id": str(OID)},
    {"_id": 5},
    {"_id": "5"},
    {"_id": {"$in": ["a", "b"]}},
    {"_id": "a", "$or": [{"n": 3}, {"tags": "x"}]},
    {"_id": "a", "tags": "y"},
    {"n": {"$gte": 2}},
]
PROJECTIONS: list[dict[str, Any] | None] = [
    None,
    {"_id": 1},
    {"n": 1},
    {"_id": 0, "n": 1, "at": 1},
    {"nested.k": 1},
    {"tags": {"$slice": 1}},
    {"sessions": 0, "nested": 0},
]


async def test_embedded_lookups_by_id_answer_exactly_what_mongomock_scanning_answers(
    stores: tuple[Any, Any],
) -> None:
    ours, plain = stores
    for spec in FILTERS:
        for projection in PROJECTIONS:
            expected = await plain.find_one(spec, projection)
            assert await ours.find_one(spec, projection) == expected, (spec, projection)
            expected_list = await plain.find(spec, projection).sort("n", -1).to_list(None)
            assert await ours.find(spec, projection).sort("n", -1).to_list(None) == expected_list
        assert await ours.count_documents(spec) == await plain.count_documents(spec), spec


async def test_embedded_writes_by_id_change_exactly_what_mongomock_scanning_changes(
    stores: tuple[Any, Any],
) -> None:
    ours, plain = stores
    for spec in FILTERS:
        change = {"$inc": {"n": 10}, "$set": {"seen": True}}
        ours_result = await ours.update_one(spec, change)
        plain_result = await plain.update_one(spec, change)
        assert ours_result.modified_count == plain_result.modified_count, spec
        push, shown = {"$push": {"log": 1}}, {"log": 1, "n": 1}
        after = await ours.find_one_and_update(spec, push, shown)
        assert after == await plain.find_one_and_update(spec, push, shown), spec
    assert await ours.find({}).to_list(None) == await plain.find({}).to_list(None)
    for spec in FILTERS:
        assert (await ours.delete_one(spec)).deleted_count == (
            await plain.delete_one(spec)
        ).deleted_count, spec
    assert await ours.find({}).to_list(None) == await plain.find({}).to_list(None)


async def test_an_embedded_lookup_by_id_reads_no_other_document(
    stores: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The signed-in read loads its caller by id: it must not cost more as users are added.
    ours, _ = stores

    def no_scan(_: CollectionStore) -> Iterator[Any]:
        raise AssertionError("the whole collection was scanned")

    monkeypatch.setattr(CollectionStore, "documents", property(no_scan))
    found = await ours.find_one({"_id": "a", "sessions.s1.expires_at": {"$gt": NOW}}, {"n": 1})
    assert found == {"_id": "a", "n": 1}
    assert await ours.find_one({"_id": "b", "n": 1}) is None
    assert (await ours.update_one({"_id": "b"}, {"$set": {"n": 9}})).modified_count == 1


async def test_collection_handles_follow_the_connected_database(tmp_path: Path) -> None:
    database = Database()
    with database.connected(make_settings(tmp_path, MONGO_DB_URI=None), "first"):
        await database.collection("things").insert_one({"_id": "a"})
        with database.connected(make_settings(tmp_path, MONGO_DB_URI=None), "second"):
            assert await database.collection("things").find_one({"_id": "a"}) is None
        assert await database.collection("things").find_one({"_id": "a"}) == {"_id": "a"}


ORGS = "/api/housing-orgs"


async def test_the_orgs_list_total_is_right_on_every_kind_of_page(
    client: httpx.AsyncClient,
) -> None:
    staff = await signed_in(client, Role.COORDINATOR)
    for i in range(5):
        body = {"orgName": f"org {i}", "programs": [{"programName": f"p{i}"}]}
        assert (await client.post(ORGS, json=body, headers=staff.headers)).status_code == 201
    pages = {  # (limit, offset): (names on the page, total)
        (20, 0): (["org 0", "org 1", "org 2", "org 3", "org 4"], 5),  # partial first page
        (5, 0): (["org 0", "org 1", "org 2", "org 3", "org 4"], 5),  # exactly full
        (2, 0): (["org 0", "org 1"], 5),  # full, more follow
        (2, 4): (["org 4"], 5),  # partial last page
        (2, 5): ([], 5),  # just past the end
        (2, 50): ([], 5),  # far past the end
    }
    for (limit, offset), (names, total) in pages.items():
        response = await client.get(f"{ORGS}?limit={limit}&offset={offset}", headers=staff.headers)
        body = response.json()
        assert [o["orgName"] for o in body["items"]] == names, (limit, offset)
        assert body["total"] == total, (limit, offset)
    first = (await client.get(ORGS, headers=staff.headers)).json()["items"][0]
    assert set(first) == {"id", "orgName", "programs"}
    assert [set(p) for p in first["programs"]] == [{"id", "programName"}]
    assert first["programs"][0]["programName"] == "p0"


async def test_the_last_page_of_orgs_is_answered_without_counting(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last page (full or not) tells the total; a count would read every org again.
    staff = await signed_in(client, Role.COORDINATOR)
    for name in ("one", "two"):
        assert (await client.post(ORGS, json={"orgName": name}, headers=staff.headers)).is_success

    class NoCount:
        """The orgs collection, on either store, refusing to count."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        async def count_documents(self, *_: Any, **__: Any) -> int:
            raise AssertionError("counted")

    orgs = housing_orgs._orgs  # pylint: disable=protected-access
    monkeypatch.setattr(housing_orgs, "_orgs", lambda: NoCount(orgs()))
    # The sorted query a real server runs (the embedded store's own path never counts).
    monkeypatch.setattr(db, "embedded", False)
    body = (await client.get(ORGS, headers=staff.headers)).json()
    assert (body["total"], len(body["items"])) == (2, 2)
    body = (await client.get(f"{ORGS}?limit=2", headers=staff.headers)).json()  # exactly full
    assert (body["total"], len(body["items"])) == (2, 2)
    body = (await client.get(f"{ORGS}?limit=1&offset=1", headers=staff.headers)).json()
    assert (body["total"], [o["orgName"] for o in body["items"]]) == (2, ["two"])


def test_no_request_could_be_taken_by_routes_of_two_routers_so_their_order_changes_nothing(
    app: FastAPI,
) -> None:
    # app.py orders the routers by how often they are requested (matching walks them in
    # order); that is only safe while no request could be taken by routes of two routers.
    router_of = {id(route): i for i, router in enumerate(ROUTERS) for route in router.routes}
    routes = [
        (route.path_format, route.path_regex, method, router_of[id(route.original_route)])
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and id(route.original_route) in router_of
        for method in route.methods or ()
    ]
    assert len({r[3] for r in routes}) == len(ROUTERS)
    for template, _, method, _ in routes:
        for path in (fill_path_params(template), template.replace("{", "").replace("}", "")):
            routers = {i for _, regex, m, i in routes if m == method and regex.match(path)}
            assert len(routers) == 1, (method, path, routers)


def test_the_sign_in_check_is_one_dependency_that_depends_on_nothing_else(app: FastAPI) -> None:
    # FastAPI solves each level of a dependency chain on every request; the bearer scheme (which
    # /docs signs in with) and the token check are one object, so a signed-in read solves one.
    [route] = [
        route
        for route in iter_route_contexts(app.routes)
        if route.path_format == "/api/users/current" and "GET" in (route.methods or ())
    ]
    checks = [dep for dep in route.dependant.dependencies if dep.call is authenticate]
    assert checks
    assert all(not dep.dependencies for dep in checks)
    assert app.openapi()["paths"]["/api/users/current"]["get"]["security"] == [
        {"OAuth2PasswordBearer": []}
    ]


async def test_embedded_discovery_pages_equal_the_sorted_query_of_a_real_server(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On the embedded store the list sorts only the matches' keys and reads the page by id; the
    # path a real server takes (sorted find, count) runs here too, on mongomock, as the reference.
    if not db.embedded:
        pytest.skip("the embedded store's path")
    staff = (await signed_in(client, Role.COORDINATOR)).headers
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    for i in range(12):
        place = {"title": f"p{i}", "latitude": 25.76 + i * 0.01, "longitude": -80.19 - i * 0.013}
        body = event_body(
            title=f"event {i} {'orientation' if i % 3 else 'picnic'}",
            startsAt=iso(start + timedelta(hours=i % 4)),  # ties, broken by id
            endsAt=iso(start + timedelta(hours=5)),
            location=place,
            public=i != 5,
        )
        assert (await client.post("/api/events", json=body, headers=staff)).status_code == 201
    cancelled = await create_event(client, staff, title="cancelled orientation")
    await client.post(f"/api/events/{cancelled['id']}/cancel", headers=staff)
    searches = [
        EventFilters(),
        EventFilters(q="orientation"),
        EventFilters(lat=25.8, lon=-80.25, radius_km=8),
        EventFilters(lat=25.8, lon=-80.25, radius_km=8, q="orientation"),
    ]
    pages = [(20, 0), (5, 0), (5, 5), (5, 10), (3, 20)]
    embedded = [await events.list_events(f, limit=n, offset=o) for f in searches for n, o in pages]
    monkeypatch.setattr(db, "embedded", False)
    reference = [await events.list_events(f, limit=n, offset=o) for f in searches for n, o in pages]
    assert embedded == reference
    assert any(len(page.items) == 5 and page.total > 5 for page in reference)
    assert any(item.distance_km for page in reference for item in page.items)


async def test_embedded_orgs_pages_equal_the_sorted_query_of_a_real_server(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.embedded:
        pytest.skip("the embedded store's path")
    staff = await signed_in(client, Role.COORDINATOR)
    names = ["zeta", "Äpfel", "abc", "ABD", "Ωmega", "a b", "ab", "Zulu", "émile", "1st", "_x"]
    for name in names:
        body = {"orgName": name, "programs": [{"programName": f"{name} program"}]}
        assert (await client.post(ORGS, json=body, headers=staff.headers)).status_code == 201
    pages = [(20, 0), (3, 0), (3, 3), (3, 9), (3, 11), (5, 30)]
    embedded = [await housing_orgs.list_orgs(n, o) for n, o in pages]
    monkeypatch.setattr(db, "embedded", False)
    assert embedded == [await housing_orgs.list_orgs(n, o) for n, o in pages]
    assert [org.org_name for org in embedded[0].items][:2] == ["1st", "_x"]
