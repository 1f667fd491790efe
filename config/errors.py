"""Render every error in the one shape of ../shared/API.md and document it in OpenAPI."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from config.context import request_id_var
from config.links import accepts_html, app_page, see_other
from models.commons import ErrorResponse, ErrorWithItems
from utils import errors

log = logging.getLogger("hosthome.errors")

# A route whose `openapi_extra` sets this flag answers its errors with an `items` list of strings
# as well (the web app's admin page reads `items` on a failed user delete and crashes without it).
ERROR_ITEMS_FLAG = "x-error-items"


# A route opened from an e-mailed link sets this in `openapi_extra` to `{"page": "/x"}` (and
# `"errorParam": "error"` to pass the message on): a browser then gets a 303 to that page of the
# web app on any failure, instead of a JSON error it would show raw.
BROWSER_ERROR_PAGE = "x-browser-error-page"


def _route_extra(scope: Scope) -> dict[str, Any]:
    return getattr(scope.get("route"), "openapi_extra", None) or {}


def wants_items(scope: Scope) -> bool:
    """Whether the route matched for this request asks for `items` in its error bodies."""
    return bool(_route_extra(scope).get(ERROR_ITEMS_FLAG))


def _browser_error_redirect(scope: Scope, message: str) -> Response | None:
    target = _route_extra(scope).get(BROWSER_ERROR_PAGE)
    if not target or not accepts_html(scope):
        return None
    query = {target["errorParam"]: message} if target.get("errorParam") else {}
    return see_other(app_page(target["page"], **query))


def error_body(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    *,
    with_items: bool = False,
) -> dict[str, Any]:
    """The JSON body of an error response."""
    body: dict[str, Any] = {"message": message, "code": code, "status": status}
    if details is not None:
        body["details"] = details
    body["requestId"] = request_id_var.get()
    body["detail"] = {"code": code, "message": message}
    if with_items:
        body["items"] = [f"{d['field']}: {d['message']}" for d in details or []]
    return body


def error_response(exc: errors.APIError, scope: Scope | None = None) -> Response:
    """The response for one APIError (with `items` when the matched route asks for them; a
    redirect for a browser on a route opened from an e-mailed link)."""
    redirect = _browser_error_redirect(scope, str(exc.detail)) if scope is not None else None
    if redirect is not None:
        return redirect
    body = error_body(
        exc.status_code,
        exc.code,
        str(exc.detail),
        exc.details,
        with_items=scope is not None and wants_items(scope),
    )
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


def validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    """One `{field, message}` entry per problem FastAPI found in the request."""
    details = []
    for problem in exc.errors():
        message = str(problem.get("msg", "Invalid value"))
        if problem.get("type") == "json_invalid":
            message = "The body is not valid JSON."
        details.append({"field": _field_name(problem.get("loc", ())), "message": message})
    return details


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, errors.APIError):
        return error_response(exc, request.scope)
    # A plain HTTPException from Starlette or FastAPI: unknown path, wrong method and the like.
    generic = errors.GENERIC_BY_STATUS.get(exc.status_code)
    if generic is None:
        body = error_body(
            exc.status_code, "HTTPError", str(exc.detail), with_items=wants_items(request.scope)
        )
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    message = generic.message if exc.status_code in (404, 405) else str(exc.detail)
    return error_response(generic(message, headers=dict(exc.headers or {})), request.scope)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(errors.ValidationFailed(details=validation_details(exc)), request.scope)


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    log.error("database unavailable: %s", str(exc)[:200])
    return error_response(errors.DatabaseUnavailable(), request.scope)


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure to the one error shape."""
    app.add_exception_handler(HTTPException, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ConnectionFailure, _database_unavailable)
    app.add_exception_handler(ServerSelectionTimeoutError, _database_unavailable)


def responses(*statuses: int, with_items: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the given error statuses, in the shared shape."""
    described: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        names = sorted(cls.code for cls in _all_errors() if cls.status_code == status and cls.code)
        described[status] = {
            "model": ErrorWithItems if with_items else ErrorResponse,
            "description": "Error codes: " + ", ".join(names) if names else "Error",
        }
    return described


def _all_errors() -> list[type[errors.APIError]]:
    found: list[type[errors.APIError]] = []
    pending = [errors.APIError]
    while pending:
        cls = pending.pop()
        found.extend(cls.__subclasses__())
        pending.extend(cls.__subclasses__())
    return found


# Every route can answer these; they are added to each operation of the OpenAPI document.
DEFAULT_RESPONSES = responses(408, 422, 500, 503)
