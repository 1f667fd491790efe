"""Render every error in the one shape of ../shared/API.md and document it in OpenAPI."""

import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic.alias_generators import to_camel
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from config import errors
from config.context import request_id_var
from models.commons import ErrorResponse, ErrorWithItems
from routes.http.links import accepts_html, app_page, see_other

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
    """`body.endsAt`, `query.limit`: the place as the API names it.

    Pydantic adds the offset of a JSON syntax error and the names of union members and
    validator wrappers to the location; those are not fields.
    """
    if len(location) == 2 and location[0] == "body" and isinstance(location[1], int):
        return "body"  # the offset of a JSON syntax error, not a list index
    parts = [str(part) for part in location]
    return ".".join(part for part in parts if "[" not in part and part not in _UNION_TAGS)


_UNION_TAGS = {"str", "int", "float", "bool", "list", "dict", "none"}


def _quoted_values(expected: str) -> str:
    """`<Role.GUEST: 'guest'>, <Role.HOST: 'host'> or 'x'` → `guest, host or x`."""
    values = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    if not values:
        return expected
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "This value is not valid."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _number(value: Any) -> Any:
    """90.0 → 90: a bound as a person writes it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _plural(count: Any, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# Pydantic's error types, said the way a person would say them (ctx fills the braces).
_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda _: "This field is required.",
    "string_type": lambda _: "Must be a string.",
    "int_type": lambda _: "Must be a whole number.",
    "int_parsing": lambda _: "Must be a whole number.",
    "int_from_float": lambda _: "Must be a whole number.",
    "float_type": lambda _: "Must be a number.",
    "float_parsing": lambda _: "Must be a number.",
    "finite_number": lambda _: "Must be a finite number.",
    "bool_type": lambda _: "Must be true or false.",
    "bool_parsing": lambda _: "Must be true or false.",
    "dict_type": lambda _: "Must be a JSON object.",
    "model_type": lambda _: "Must be a JSON object.",
    "model_attributes_type": lambda _: "Must be a JSON object.",
    "list_type": lambda _: "Must be a list.",
    "string_too_short": lambda c: (
        "Must not be empty."
        if c.get("min_length") == 1
        else f"Must be at least {_plural(c.get('min_length'), 'character')} long."
    ),
    "string_too_long": lambda c: (
        f"Must be at most {_plural(c.get('max_length'), 'character')} long."
    ),
    "too_short": lambda c: f"Must have at least {_plural(c.get('min_length'), 'item')}.",
    "too_long": lambda c: f"Must have at most {_plural(c.get('max_length'), 'item')}.",
    "greater_than": lambda c: f"Must be greater than {_number(c.get('gt'))}.",
    "greater_than_equal": lambda c: f"Must be at least {_number(c.get('ge'))}.",
    "less_than": lambda c: f"Must be less than {_number(c.get('lt'))}.",
    "less_than_equal": lambda c: f"Must be at most {_number(c.get('le'))}.",
    "enum": lambda c: f"Must be one of: {_quoted_values(str(c.get('expected', '')))}.",
    "literal_error": lambda c: f"Must be one of: {_quoted_values(str(c.get('expected', '')))}.",
    "string_pattern_mismatch": lambda c: (
        f"Is not in the expected form (the pattern is {c.get('pattern')})."
    ),
    "datetime_type": lambda _: "Must be a date and time such as 2026-12-01T18:00:00Z.",
    "datetime_parsing": lambda _: "Must be a date and time such as 2026-12-01T18:00:00Z.",
    "datetime_from_date_parsing": lambda _: "Must be a date and time such as 2026-12-01T18:00:00Z.",
    "url_type": lambda _: "Must be a web address such as https://example.org/page.",
    "url_parsing": lambda _: "Must be a web address such as https://example.org/page.",
    "url_scheme": lambda _: "Must be a web address that starts with http:// or https://.",
    "url_too_long": lambda c: f"Must be at most {c.get('max_length')} characters long.",
    "uuid_parsing": lambda _: "Must be a UUID.",
    "uuid_type": lambda _: "Must be a UUID.",
    "extra_forbidden": lambda _: "Is not a field of this request.",
    "json_invalid": lambda _: "The body is not valid JSON.",
    "json_type": lambda _: "The body is not valid JSON.",
}


def _message(problem: dict[str, Any]) -> str:
    kind = str(problem.get("type", ""))
    ctx = dict(problem.get("ctx") or {})
    if kind in _MESSAGES:
        message = _MESSAGES[kind](ctx)
        if kind == "json_invalid" and isinstance(_last(problem.get("loc")), int):
            message = f"The body is not valid JSON (look near character {_last(problem['loc'])})."
        return message
    text = str(problem.get("msg", ""))
    # Our own validators' messages, without pydantic's prefix.
    for prefix in ("Value error, ", "Assertion failed, "):
        text = text.removeprefix(prefix)
    text = text.replace("value is not a valid email address", "Not a valid e-mail address")
    text = re.sub(r"^Input should be ", "Must be ", text)
    text = re.sub(r"<\w+\.\w+: ('[^']*')>", r"\1", text)  # enum members: their value only
    return _sentence(text)


def _merged(previous: dict[str, Any], entry: dict[str, Any]) -> bool:
    """Fold one union member's refusal into the previous one's: "Must be a string or a number"."""
    if previous["field"] != entry["field"]:
        return False
    if not (previous["message"].startswith("Must be ") and entry["message"].startswith("Must be ")):
        return False
    alternative = entry["message"].removeprefix("Must be ")
    previous["message"] = f"{previous['message'].rstrip('.')} or {alternative}"
    return True


def _last(location: Any) -> Any:
    return location[-1] if location else None


def validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    """One `{field, message}` entry per problem FastAPI found in the request, in plain words."""
    details: list[dict[str, Any]] = []
    for problem in exc.errors():
        location = tuple(problem.get("loc", ()))
        if problem.get("type") == "value_error":
            # Our cross-field checks run on defaults too, and pydantic names a field it did
            # not receive by its Python name; the API's names are camelCase.
            location = tuple(to_camel(part) if isinstance(part, str) else part for part in location)
        entry = {"field": _field_name(location), "message": _message(problem)}
        from_union = any(str(part) in _UNION_TAGS for part in location)
        if not (from_union and details and _merged(details[-1], entry)):
            details.append(entry)
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


ErrorSpec = int | type[errors.APIError]


def responses(*declared: ErrorSpec, with_items: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the errors a route raises itself, grouped by status.

    Each route lists its own error classes (`responses(errors.EventNotFound)`), so its page shows
    the codes it can answer and no others. A bare status stands for that status's generic error
    (404 is `NotFound`). The sign-in 401s, the 422 of routes that take input, 500 and 503 are
    added to each operation by `routes.openapi`, which also writes the descriptions.
    `with_items`: the errors carry `items` (see ERROR_ITEMS_FLAG).
    """
    by_status: dict[int, set[str]] = {}
    for item in declared:
        error = errors.GENERIC_BY_STATUS[item] if isinstance(item, int) else item
        by_status.setdefault(error.status_code, set()).add(error.code)
    return {
        status: error_entry(codes, with_items=with_items)
        for status, codes in sorted(by_status.items())
    }


def error_entry(codes: set[str] | list[str], *, with_items: bool = False) -> dict[str, Any]:
    """One OpenAPI response in the shared error shape; `x-error-codes` lists its codes."""
    names = sorted(set(codes))
    model = ErrorWithItems if with_items else ErrorResponse
    return {"model": model, "description": describe_codes(names), "x-error-codes": names}


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
    errors.RequestTimeout,
    errors.ValidationFailed,
    errors.InternalError,
    errors.DatabaseUnavailable,
)
