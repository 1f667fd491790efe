"""What keeps a request cheap, stated as behaviour (issue 13): no worker thread per request, and
the embedded store's shortcuts give exactly the answers mongomock itself gives."""

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from config.db import Database
from tests.conftest import make_settings


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


async def test_collection_handles_follow_the_connected_database(tmp_path: Path) -> None:
    database = Database()
    with database.connected(make_settings(tmp_path, MONGO_DB_URI=None), "first"):
        await database.collection("things").insert_one({"_id": "a"})
        with database.connected(make_settings(tmp_path, MONGO_DB_URI=None), "second"):
            assert await database.collection("things").find_one({"_id": "a"}) is None
        assert await database.collection("things").find_one({"_id": "a"}) == {"_id": "a"}
