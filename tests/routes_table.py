"""The app's own route table, for tests that must cover every route."""

from uuid import uuid4

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path template) the app serves through FastAPI routes."""
    found = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute):
            for method in route.methods or ():
                found.add((method, str(route.path_format)))
    return found


def fill_path_params(path: str) -> str:
    """The path template with a fresh uuid in each `{param}` (ids nobody has)."""
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + str(uuid4()) + path[end + 1 :]
    return path
