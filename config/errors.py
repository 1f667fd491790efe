"""Render every error in the one shape of ../shared/API.md and document it in OpenAPI."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from config.context import request_id_var
from models.commons import ErrorResponse
from utils import errors

log = logging.getLogger("hosthome.errors")


def error_body(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The JSON body of an error response."""
    body: dict[str, Any] = {"message": message, "code": code, "status": status}
    if details is not None:
        body["details"] = details
    body["requestId"] = request_id_var.get()
    return body


def error_response(exc: errors.APIError) -> JSONResponse:
    """The response for one APIError."""
    body = error_body(exc.status_code, exc.code, str(exc.detail), exc.details)
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


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, errors.APIError):
        return error_response(exc)
    # A plain HTTPException from Starlette or FastAPI: unknown path, wrong method and the like.
    generic = errors.GENERIC_BY_STATUS.get(exc.status_code)
    if generic is None:
        body = error_body(exc.status_code, "HTTPError", str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    message = generic.message if exc.status_code in (404, 405) else str(exc.detail)
    return error_response(generic(message, headers=dict(exc.headers or {})))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(errors.ValidationFailed(details=validation_details(exc)))


async def _database_unavailable(_: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", str(exc)[:200])
    return error_response(errors.DatabaseUnavailable())


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure to the one error shape."""
    app.add_exception_handler(HTTPException, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ConnectionFailure, _database_unavailable)
    app.add_exception_handler(ServerSelectionTimeoutError, _database_unavailable)


ErrorSpec = int | type[errors.APIError]


def responses(*declared: ErrorSpec) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the errors a route raises itself, grouped by status.

    Each route lists its own error classes (`responses(errors.EventNotFound)`), so its page shows
    the codes it can answer and no others. A bare status stands for that status's generic error
    (404 is `NotFound`). The sign-in 401s, the 422 of routes that take input, 500 and 503 are
    added to each operation by `routes.openapi`, which also writes the descriptions.
    """
    by_status: dict[int, set[str]] = {}
    for item in declared:
        error = errors.GENERIC_BY_STATUS[item] if isinstance(item, int) else item
        by_status.setdefault(error.status_code, set()).add(error.code)
    return {status: error_entry(codes) for status, codes in sorted(by_status.items())}


def error_entry(codes: set[str] | list[str]) -> dict[str, Any]:
    """One OpenAPI response in the shared error shape; `x-error-codes` lists its codes."""
    names = sorted(set(codes))
    return {"model": ErrorResponse, "description": describe_codes(names), "x-error-codes": names}


def describe_codes(codes: list[str]) -> str:
    """The description of an error response: each code with the message it usually carries."""
    messages = {cls.code: cls.message for cls in _all_errors()}
    return "\n".join(f"- `{code}`: {messages.get(code, '')}".rstrip(": ") for code in codes)


def _all_errors() -> list[type[errors.APIError]]:
    found: list[type[errors.APIError]] = []
    pending = [errors.APIError]
    while pending:
        cls = pending.pop()
        found.extend(cls.__subclasses__())
        pending.extend(cls.__subclasses__())
    return found


# Added to each operation of the OpenAPI document; routes.openapi drops the 422 of operations
# that take no input.
DEFAULT_RESPONSES = responses(
    errors.ValidationFailed, errors.InternalError, errors.DatabaseUnavailable
)
