"""The one database client, its indexes, and the databases used by tests.

`db` is the process-wide handle. The app's lifespan calls `db.connect(settings)` and `db.close()`;
`utils` modules call `db.collection(name)` and nothing else here. With `MONGO_DB_URI` set the client
is motor; without it, the embedded in-memory store (mongomock-motor), wrapped so that every
operation yields to the event loop before and after it, as a network round trip would. Without
that yield a read-then-write race could never show itself on the embedded store.

Moving to PyMongo's `AsyncMongoClient` touches only `_real_client` below: the collection methods the
utils call (`find_one`, `find_one_and_update`, `find(...).to_list()`, ...) keep their names.
"""

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from uuid import uuid4

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, GEOSPHERE, IndexModel
from pymongo.errors import ConnectionFailure, NetworkTimeout, PyMongoError

from config.settings import Settings

log = logging.getLogger("hosthome.db")

# After a connection failure, requests fail fast for this long instead of queueing for the driver.
BREAKER_COOLDOWN_SECONDS = 1.0
# Motor's collection methods are plain functions returning futures, not coroutine functions.
_ASYNC_METHODS = frozenset(
    {
        "find_one", "find_one_and_update", "find_one_and_delete", "find_one_and_replace",
        "insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one",
        "delete_many", "count_documents", "estimated_document_count", "distinct",
        "create_index", "create_indexes", "drop_index", "index_information", "drop",
    }
)  # fmt: skip

# Every index of every collection, created at start-up (idempotently). One place, so a reader sees
# what each query relies on.
INDEXES: dict[str, list[IndexModel]] = {
    "users": [
        IndexModel([("email_lower", ASCENDING)], unique=True, name="email_lower_unique"),
        IndexModel([("role", ASCENDING), ("created_at", DESCENDING)], name="role_created"),
        # The users list without a role filter (newest first).
        IndexModel([("created_at", DESCENDING), ("_id", ASCENDING)], name="created"),
        IndexModel([("saved_event_ids", ASCENDING)], name="saved_events"),
    ],
    "verification_codes": [
        IndexModel([("purge_at", ASCENDING)], expireAfterSeconds=0, name="purge_ttl"),
    ],
    "rate_limits": [
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_ttl"),
    ],
    "events": [
        # Equality on approval, public and cancelled, then the list's sort: served by the index.
        IndexModel(
            [
                ("approval", ASCENDING),
                ("public", ASCENDING),
                ("cancelled", ASCENDING),
                ("starts_at", ASCENDING),
                ("_id", ASCENDING),
            ],
            name="discovery_sorted",
        ),
        IndexModel([("location", GEOSPHERE)], name="location_2dsphere"),
        IndexModel([("creator_id", ASCENDING), ("starts_at", ASCENDING)], name="creator"),
        IndexModel([("attendee_ids", ASCENDING), ("starts_at", ASCENDING)], name="attendees"),
        IndexModel([("approval", ASCENDING), ("created_at", ASCENDING)], name="queue"),
    ],
    "feedback": [
        IndexModel([("event_id", ASCENDING), ("created_at", ASCENDING)], name="event_created"),
        IndexModel([("creator_id", ASCENDING)], name="creator"),
    ],
    "images": [IndexModel([("uploader_id", ASCENDING)], name="uploader")],
    # Host Home Program: org names unique in any case; profiles one per user and form (also the
    # deletion of a user's profiles); the dashboard's filters, each sorted by last change.
    "housing_orgs": [
        IndexModel([("org_name_lower", ASCENDING)], unique=True, name="org_name_lower_unique"),
    ],
    "intake_forms": [IndexModel([("aliases", ASCENDING)], name="aliases")],
    "intake_profiles": [
        IndexModel(
            [("user_id", ASCENDING), ("form_id", ASCENDING)], unique=True, name="user_form_unique"
        ),
    ],
    "cases": [
        IndexModel([("user_type", ASCENDING), ("last_updated", DESCENDING)], name="type_updated"),
        IndexModel(
            [("case_status", ASCENDING), ("last_updated", DESCENDING)], name="status_updated"
        ),
        IndexModel(
            [("coordinator_id", ASCENDING), ("last_updated", DESCENDING)],
            name="coordinator_updated",
        ),
    ],
}


class _Guard:
    """What runs around every database operation.

    On the embedded store: a yield to the event loop before and after, as a network round trip
    would give. On a real server: a deadline, so that a request never waits for the database
    longer than DB_TIMEOUT_MS however many requests are queued for the driver's threads, and a
    short circuit breaker, so that while the server is known to be down requests fail at once
    (503) instead of each waiting out its own timeout.
    """

    def __init__(self, embedded: bool, timeout_seconds: float) -> None:
        self.embedded = embedded
        self.timeout_seconds = timeout_seconds
        self.open_until = 0.0

    async def run(self, operation: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """Run one operation under the guard."""
        if self.embedded:
            await asyncio.sleep(0)
            result = await operation(*args, **kwargs)
            await asyncio.sleep(0)
            return result
        if time.monotonic() < self.open_until:
            raise NetworkTimeout("the database was unreachable a moment ago")
        try:
            async with asyncio.timeout(self.timeout_seconds):
                return await operation(*args, **kwargs)
        except (TimeoutError, ConnectionFailure) as exc:
            self.open_until = time.monotonic() + BREAKER_COOLDOWN_SECONDS
            if isinstance(exc, ConnectionFailure):
                raise
            raise NetworkTimeout("the database did not answer in time") from exc


class _GuardedCursor:
    """A cursor proxy whose `to_list` runs under the guard; chaining keeps the proxy."""

    def __init__(self, cursor: Any, guard: _Guard) -> None:
        self._cursor = cursor
        self._guard = guard

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._cursor, name)
        if name == "to_list":

            async def to_list(*args: Any, **kwargs: Any) -> list[Any]:
                return await self._guard.run(attr, *args, **kwargs)

            return to_list
        if callable(attr):

            def chain(*args: Any, **kwargs: Any) -> Any:
                result = attr(*args, **kwargs)
                return self if result is self._cursor else result

            return chain
        return attr


class GuardedCollection:
    """A collection proxy: every async operation (and cursor read) runs under the guard."""

    def __init__(self, collection: Any, guard: _Guard) -> None:
        self._collection = collection
        self._guard = guard

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if name in ("find", "aggregate"):

            def cursor(*args: Any, **kwargs: Any) -> _GuardedCursor:
                return _GuardedCursor(attr(*args, **kwargs), self._guard)

            return cursor
        if inspect.iscoroutinefunction(attr) or name in _ASYNC_METHODS:

            async def operation(*args: Any, **kwargs: Any) -> Any:
                return await self._guard.run(attr, *args, **kwargs)

            return operation
        return attr


def _find_ids_directly(collection: Any) -> None:
    """Let an embedded (mongomock) collection find a filter's exact `_id` without a scan.

    mongomock answers `{"_id": x, ...}` by testing every document of the collection, so the
    signed-in read, which loads the caller by id, grew with the number of users. Documents are
    stored keyed by their `_id`, so for a string or ObjectId `_id` the one candidate is looked up
    and the whole filter is still tested on it by mongomock: the answer is the scan's answer
    (tests/test_request_cost.py compares them). Everything after choosing the candidates (sort,
    projection, copies, updates) stays mongomock's own.
    """
    from mongomock.filtering import filter_applies  # pylint: disable=import-outside-toplevel

    inner = vars(collection).get("_AsyncMongoMockCollection__collection")
    if inner is None:  # another mongomock-motor layout: keep the plain scan
        return
    scan = inner._iter_documents  # pylint: disable=protected-access
    store = inner._store  # pylint: disable=protected-access

    def iter_documents(spec: Any) -> Iterator[Any]:
        key = spec.get("_id") if isinstance(spec, dict) else None
        if type(key) not in (str, ObjectId):  # pylint: disable=unidiomatic-typecheck
            return scan(spec)
        try:
            document = store[key]  # expires TTL-indexed documents first, as the scan does
        except KeyError:
            return iter(())
        return iter((document,) if filter_applies(spec, document) else ())

    inner._iter_documents = iter_documents  # pylint: disable=protected-access


class Database:
    """Holds the client and the database; `collection()` is the way in for utils modules."""

    def __init__(self) -> None:
        self.client: Any = None
        self.database: Any = None
        self.embedded = True
        # Whether the store answers MongoDB's geo operators ($geoWithin): a real server does,
        # the embedded store (mongomock) does not. The one place that choice is made.
        self.geo_operators = False
        self.name = ""
        self.guard = _Guard(embedded=True, timeout_seconds=5.0)
        # Collection handles of `_handles_of` (the database they belong to): a fresh handle costs
        # microseconds on every database operation (mongomock copies its collection object).
        self._handles: dict[str, GuardedCollection] = {}
        self._handles_of: Any = None
        self._handles_guard: _Guard | None = None

    def connect(self, settings: Settings, database_name: str | None = None) -> None:
        """Create the client (lazily connecting; no I/O happens here)."""
        self.name = database_name or settings.MONGO_DB_NAME
        self.embedded = settings.embedded
        self.geo_operators = not settings.embedded
        self.guard = _Guard(settings.embedded, settings.DB_TIMEOUT_MS / 1000)
        if settings.embedded:
            from mongomock_motor import AsyncMongoMockClient  # pylint: disable=import-outside-toplevel

            self.client = AsyncMongoMockClient(tz_aware=True)
            log.warning(
                "EMBEDDED IN-MEMORY DATABASE: no MONGO_DB_URI is set, so nothing is kept after"
                " this process stops. Set MONGO_DB_URI to use MongoDB."
            )
        else:
            self.client = _real_client(settings)
        self.database = self.client[self.name]

    def collection(self, name: str) -> Any:
        """The named collection, ready for async operations."""
        if self.database is None:
            raise RuntimeError("the database is not connected; is the app's lifespan running?")
        if self._handles_of is not self.database or self._handles_guard is not self.guard:
            self._handles, self._handles_of, self._handles_guard = {}, self.database, self.guard
        handle = self._handles.get(name)
        if handle is None:
            raw = self.database[name]
            if self.embedded:
                _find_ids_directly(raw)
            handle = self._handles[name] = GuardedCollection(raw, self.guard)
        return handle

    async def ping(self) -> None:
        """One round trip to the server; raises a PyMongoError when it cannot be reached."""
        await self.guard.run(self.database.command, "ping")

    async def ensure_indexes(self) -> None:
        """Create every index in INDEXES; creating an existing index is a no-op."""
        for name, indexes in INDEXES.items():
            await self.collection(name).create_indexes(indexes)

    async def drop(self) -> None:
        """Drop the whole database (tests only)."""
        await self.client.drop_database(self.name)

    def close(self) -> None:
        """Close the client."""
        if self.client is not None:
            self.client.close()
        self.client = None
        self.database = None

    @contextlib.contextmanager
    def connected(self, settings: Settings, database_name: str | None = None) -> Iterator[None]:
        """Connect for the span of an app's lifespan, then restore what was there before.

        One process normally runs one app; restoring lets a test run a second, differently
        configured app without disturbing the first.
        """
        saved = (
            self.client, self.database, self.embedded, self.geo_operators, self.name, self.guard
        )  # fmt: skip
        self.connect(settings, database_name)
        try:
            yield
        finally:
            self.close()
            (
                self.client, self.database, self.embedded, self.geo_operators, self.name,
                self.guard,
            ) = saved  # fmt: skip


def _real_client(settings: Settings) -> Any:
    """A motor client that gives up on an unreachable server within the configured timeout."""
    from motor.motor_asyncio import AsyncIOMotorClient  # pylint: disable=import-outside-toplevel

    timeout = settings.DB_TIMEOUT_MS
    return AsyncIOMotorClient(
        settings.MONGO_DB_URI,
        tz_aware=True,
        uuidRepresentation="standard",
        serverSelectionTimeoutMS=timeout,
        connectTimeoutMS=timeout,
        socketTimeoutMS=max(timeout * 2, 10000),
        appname="hosthome-api",
    )


def test_database_name(prefix: str = "hosthome_test") -> str:
    """A unique database name for one test run against a real server."""
    return f"{prefix}_{uuid4().hex[:12]}"


async def ensure_indexes_in_background(database: Database, retry_seconds: float = 5.0) -> None:
    """Create indexes, retrying while the server is unreachable, so the app can start without it.

    Any other failure (an index that exists with other keys, say) is logged loudly and the start-up
    goes on: the service works without an index, only slower, whereas retrying would never end.
    """
    while True:
        try:
            await database.ensure_indexes()
            log.info("indexes are in place")
            return
        except ConnectionFailure as exc:
            log.warning("could not create indexes yet (%s); retrying in %.0fs", exc, retry_seconds)
            await asyncio.sleep(retry_seconds)
        except PyMongoError as exc:
            log.error("index creation failed, going on without: %s", exc)
            return


db = Database()
