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
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

from pymongo import ASCENDING, DESCENDING, GEOSPHERE, IndexModel
from pymongo.errors import PyMongoError

from config.settings import Settings

log = logging.getLogger("hosthome.db")

# Every index of every collection, created at start-up (idempotently). One place, so a reader sees
# what each query relies on.
INDEXES: dict[str, list[IndexModel]] = {
    "users": [
        IndexModel([("email_lower", ASCENDING)], unique=True, name="email_lower_unique"),
        IndexModel([("role", ASCENDING), ("created_at", DESCENDING)], name="role_created"),
        IndexModel([("sessions.id", ASCENDING)], name="session_id"),
        IndexModel([("saved_event_ids", ASCENDING)], name="saved_events"),
    ],
    "verification_codes": [
        IndexModel([("purge_at", ASCENDING)], expireAfterSeconds=0, name="purge_ttl"),
    ],
    "rate_limits": [
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_ttl"),
    ],
    "events": [
        IndexModel(
            [("approval", ASCENDING), ("public", ASCENDING), ("starts_at", ASCENDING)],
            name="discovery",
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
}


class _YieldingCursor:
    """A cursor proxy whose `to_list` yields to the event loop around the call."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._cursor, name)
        if name == "to_list":

            async def to_list(*args: Any, **kwargs: Any) -> list[Any]:
                await asyncio.sleep(0)
                result = await attr(*args, **kwargs)
                await asyncio.sleep(0)
                return result

            return to_list
        if callable(attr):

            def chain(*args: Any, **kwargs: Any) -> Any:
                result = attr(*args, **kwargs)
                return self if result is self._cursor else result

            return chain
        return attr


class YieldingCollection:
    """A collection proxy for the embedded store: every operation yields before and after."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if name in ("find", "aggregate"):

            def cursor(*args: Any, **kwargs: Any) -> _YieldingCursor:
                return _YieldingCursor(attr(*args, **kwargs))

            return cursor
        if inspect.iscoroutinefunction(attr):

            async def operation(*args: Any, **kwargs: Any) -> Any:
                await asyncio.sleep(0)
                result = await attr(*args, **kwargs)
                await asyncio.sleep(0)
                return result

            return operation
        return attr


class Database:
    """Holds the client and the database; `collection()` is the way in for utils modules."""

    def __init__(self) -> None:
        self.client: Any = None
        self.database: Any = None
        self.embedded = True
        self.name = ""

    def connect(self, settings: Settings, database_name: str | None = None) -> None:
        """Create the client (lazily connecting; no I/O happens here)."""
        self.name = database_name or settings.MONGO_DB_NAME
        self.embedded = settings.embedded
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
        collection = self.database[name]
        return YieldingCollection(collection) if self.embedded else collection

    async def ping(self) -> None:
        """One round trip to the server; raises a PyMongoError when it cannot be reached."""
        await asyncio.sleep(0)
        await self.database.command("ping")

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
        saved = (self.client, self.database, self.embedded, self.name)
        self.connect(settings, database_name)
        try:
            yield
        finally:
            self.close()
            self.client, self.database, self.embedded, self.name = saved


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
    """Create indexes, retrying while the server is unreachable, so the app can start without it."""
    while True:
        try:
            await database.ensure_indexes()
            log.info("indexes are in place")
            return
        except PyMongoError as exc:
            log.warning("could not create indexes yet (%s); retrying in %.0fs", exc, retry_seconds)
            await asyncio.sleep(retry_seconds)


db = Database()
