"""The one exception hierarchy of the service.

Every error a client can see is an `APIError`: it carries the HTTP status, a stable `code` and a
human-readable message, and `routes.http.error_responses` renders it in the shared error shape.
It subclasses Starlette's HTTPException so that FastAPI passes it through untouched even when it
is raised while the request body is being read.
"""

from typing import Any, ClassVar

from starlette.exceptions import HTTPException


class APIError(HTTPException):
    """Base of every error a client sees; subclasses fix the status and code."""

    status_code: int = 500
    code: ClassVar[str] = "InternalError"
    message: ClassVar[str] = "Something went wrong."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(self.status_code, message or self.message, headers)
        self.details = details


class ValidationFailed(APIError):
    """Request data broke a rule (rendered with code ValidationError).

    Without a message of its own, the message sums up `details`, for clients that show only
    `message`: the problem itself when there is one, otherwise the fields at fault.
    """

    status_code = 422
    code = "ValidationError"
    message = "The request is not valid."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or summarise(details), details=details, headers=headers)


_PLACES = ("body", "query", "path", "header", "cookie")


def summarise(details: list[dict[str, Any]] | None) -> str | None:
    """One sentence for a list of `{field, message}` problems (None when there are none)."""
    if not details:
        return None
    names = []
    for detail in details:
        place, _, name = str(detail["field"]).partition(".")
        name = name if place in _PLACES else str(detail["field"])
        if name not in names:
            names.append(name)
    if len(details) == 1:
        return f"{names[0]}: {details[0]['message']}" if names[0] else str(details[0]["message"])
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return f"Some fields are not valid: {listed or 'the body'}."


class WeakPassword(APIError):
    """422 WeakPassword: the password breaks the policy."""

    status_code = 422
    code = "WeakPassword"
    message = (
        "Passwords need 8 to 256 characters with a lower-case letter, an upper-case letter,"
        " a digit and a symbol."
    )


class NotAuthenticated(APIError):
    """401 NotAuthenticated."""

    status_code = 401
    code = "NotAuthenticated"
    message = "Sign in to use this route."


class InvalidToken(APIError):
    """401 InvalidToken."""

    status_code = 401
    code = "InvalidToken"
    message = "The token is not valid."


class TokenExpired(APIError):
    """401 TokenExpired."""

    status_code = 401
    code = "TokenExpired"
    message = "The token has expired; refresh it or sign in again."


class SessionRevoked(APIError):
    """401 SessionRevoked."""

    status_code = 401
    code = "SessionRevoked"
    message = "This session has ended; sign in again."


class InvalidCredentials(APIError):
    """401 InvalidCredentials."""

    status_code = 401
    code = "InvalidCredentials"
    message = "The e-mail or password is not correct."


class Forbidden(APIError):
    """403 Forbidden."""

    status_code = 403
    code = "Forbidden"
    message = "You are not allowed to do this."


class EmailNotConfirmed(APIError):
    """403 EmailNotConfirmed."""

    status_code = 403
    code = "EmailNotConfirmed"
    message = "Confirm your e-mail address first."


class InvitePending(APIError):
    """403 InvitePending."""

    status_code = 403
    code = "InvitePending"
    message = "Accept your invitation and choose a password first."


class NotFound(APIError):
    """404 NotFound."""

    status_code = 404
    code = "NotFound"
    message = "Nothing was found here."


class UserNotFound(APIError):
    """404 UserNotFound."""

    status_code = 404
    code = "UserNotFound"
    message = "No such user."


class HousingOrgNotFound(APIError):
    """404 HousingOrgNotFound."""

    status_code = 404
    code = "HousingOrgNotFound"
    message = "No such housing organisation."


class FormNotFound(APIError):
    """404 FormNotFound."""

    status_code = 404
    code = "FormNotFound"
    message = "No such form."


class EventNotFound(APIError):
    """404 EventNotFound."""

    status_code = 404
    code = "EventNotFound"
    message = "No such event."


class ImageNotFound(APIError):
    """404 ImageNotFound."""

    status_code = 404
    code = "ImageNotFound"
    message = "No such image."


class FeedbackNotFound(APIError):
    """404 FeedbackNotFound."""

    status_code = 404
    code = "FeedbackNotFound"
    message = "No such feedback."


class MethodNotAllowed(APIError):
    """405 MethodNotAllowed."""

    status_code = 405
    code = "MethodNotAllowed"
    message = "This method is not allowed here."


class EmailAlreadyRegistered(APIError):
    """409 EmailAlreadyRegistered."""

    status_code = 409
    code = "EmailAlreadyRegistered"
    message = "An account with this e-mail address already exists."


class Conflict(APIError):
    """409 Conflict."""

    status_code = 409
    code = "Conflict"
    message = "This conflicts with the current state."


class IdMismatch(APIError):
    """409 IdMismatch."""

    status_code = 409
    code = "IdMismatch"
    message = "The id in the body does not match the id in the path."


class AlreadyDecided(APIError):
    """409 AlreadyDecided."""

    status_code = 409
    code = "AlreadyDecided"
    message = "A decision has already been made."


class EventFull(APIError):
    """409 EventFull."""

    status_code = 409
    code = "EventFull"
    message = "This event is full."


class InvalidCode(APIError):
    """400 InvalidCode."""

    status_code = 400
    code = "InvalidCode"
    message = "The code is not valid."


class CodeExpired(APIError):
    """400 CodeExpired."""

    status_code = 400
    code = "CodeExpired"
    message = "The code has expired; ask for a new one."


class BadRequest(APIError):
    """400 BadRequest."""

    status_code = 400
    code = "BadRequest"
    message = "The request could not be understood."


class PreconditionFailed(APIError):
    """412 PreconditionFailed."""

    status_code = 412
    code = "PreconditionFailed"
    message = "The resource changed since you read it; reload and try again."


class RequestTimeout(APIError):
    """408 RequestTimeout: the request's headers or body did not arrive in time."""

    status_code = 408
    code = "RequestTimeout"
    message = "The request did not arrive in time."


class PayloadTooLarge(APIError):
    """413 PayloadTooLarge."""

    status_code = 413
    code = "PayloadTooLarge"
    message = "The request body is too large."


class UnsupportedMediaType(APIError):
    """415 UnsupportedMediaType."""

    status_code = 415
    code = "UnsupportedMediaType"
    message = "This media type is not supported."


class TooManyRequests(APIError):
    """429 TooManyRequests."""

    status_code = 429
    code = "TooManyRequests"
    message = "Too many attempts; try again later."


class InternalError(APIError):
    """500 InternalError."""

    status_code = 500
    code = "InternalError"
    message = "Something went wrong on our side."


class NotImplementedFeature(APIError):
    """501 NotImplemented: the route exists for a client that calls it, but cannot work here."""

    status_code = 501
    code = "NotImplemented"
    message = "This is not available on this server."


class DatabaseUnavailable(APIError):
    """503 DatabaseUnavailable."""

    status_code = 503
    code = "DatabaseUnavailable"
    message = "The database cannot be reached; try again shortly."


# Status code → the generic error used when Starlette or FastAPI raise a plain HTTPException.
GENERIC_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: NotAuthenticated,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    408: RequestTimeout,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: ValidationFailed,
    429: TooManyRequests,
    500: InternalError,
    501: NotImplementedFeature,
    503: DatabaseUnavailable,
}


def too_many_requests(retry_after: int) -> APIError:
    """A 429 that tells the client when to try again."""
    return TooManyRequests(headers={"Retry-After": str(max(1, retry_after))})
