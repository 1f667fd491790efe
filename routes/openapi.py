"""The OpenAPI document as /docs and /redoc show it: security and errors per operation.

FastAPI marks every operation as needing OAuth2, because `authenticate` is installed on every
route; here the public list (routes/deps.py) decides instead. Each route declares its own errors
(routes.http.error_responses.responses); added here are the ones that follow from what an
operation is: the sign-in 401s of a private operation, the 422 of one that takes input, 500 and
503 everywhere.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from config import errors
from docs import app as docs
from routes.deps import PUBLIC_ROUTES
from routes.http.error_responses import ERROR_ITEMS_FLAG, describe_codes, error_entry

# What `authenticate` answers on a private route: no token, or one that cannot be used.
SIGN_IN_ERRORS = (
    errors.NotAuthenticated,
    errors.InvalidToken,
    errors.TokenExpired,
    errors.SessionRevoked,
)
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# Schema keys that do not restrict a value: a parameter with only these accepts any text.
_NOT_A_CONSTRAINT = {"type", "title", "description", "default", "examples", "example"}
_CHALLENGE = {
    "WWW-Authenticate": {"description": docs.WWW_AUTHENTICATE, "schema": {"type": "string"}}
}


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` return the document shaped by `shape_document`, built once."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            shape_document(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def shape_document(document: dict[str, Any]) -> None:
    """Set each operation's security and errors from what the operation is (in place)."""
    schemes = list(document.get("components", {}).get("securitySchemes", {}))
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            answers: dict[str, Any] = operation.setdefault("responses", {})
            # Errors of a route flagged for the web app's admin page carry `items` as well.
            schema = "ErrorWithItems" if operation.get(ERROR_ITEMS_FLAG) else "ErrorResponse"
            if (method.upper(), path) in PUBLIC_ROUTES:
                operation.pop("security", None)
            else:
                operation["security"] = [{scheme: []} for scheme in schemes[:1]]
                _add_codes(answers, "401", [cls.code for cls in SIGN_IN_ERRORS], schema)
                answers["401"]["headers"] = _CHALLENGE
            if takes_input(operation):
                _add_codes(answers, "422", [errors.ValidationFailed.code], schema)
            else:
                answers.pop("422", None)
            operation["responses"] = dict(sorted(answers.items()))


def takes_input(operation: dict[str, Any]) -> bool:
    """Whether a request to this operation can fail validation (so answer 422)."""
    if "requestBody" in operation:
        return True
    return any(
        (parameter.get("required") and parameter.get("in") != "path")
        or not _accepts_any_text(parameter.get("schema", {}))
        for parameter in operation.get("parameters", [])
    )


def _accepts_any_text(schema: dict[str, Any]) -> bool:
    if "anyOf" in schema:
        return all(
            option.get("type") == "null" or _accepts_any_text(option) for option in schema["anyOf"]
        )
    return schema.get("type") == "string" and set(schema) <= _NOT_A_CONSTRAINT


def _add_codes(answers: dict[str, Any], status: str, codes: list[str], schema: str) -> None:
    """Merge these codes into the operation's response of this status."""
    answer = answers.get(status)
    if answer is None:
        entry = error_entry(codes)
        entry.pop("model")
        answer = answers[status] = {
            **entry,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    merged = sorted(set(answer.get("x-error-codes", [])) | set(codes))
    answer["x-error-codes"] = merged
    answer["description"] = describe_codes(merged)
