"""Texts for the API as a whole."""

TITLE = "Host Home Program API"

DESCRIPTION = """
The backend of the Host Home Program: volunteer **hosts** house young **guests**, and
**coordinators** match them.

## Using this API
- Every route lives under `/api`; JSON in and out with camelCase field names; ids are uuid4 strings;
  times are ISO 8601 in UTC.
- Sign in with `POST /api/auth/signin` (or the **Authorize** button here, which uses
  `POST /api/auth/token`) and send `Authorization: Bearer <token>`. Access tokens are short-lived;
  `GET /api/auth/refresh` uses the `refresh_token` cookie to get a new one.
- Operations shown with a lock need a signed-in user; the others are public. A `401` on a locked
  operation carries `WWW-Authenticate: Bearer` (RFC 6750), with `error="invalid_token"` and the
  reason when the token sent cannot be used.
- Collections come back as `{"items": [...], "total": N, "limit": L, "offset": O}` and take
  `limit` (1–100, default 20) and `offset` query parameters.
- Every error has one shape:
  `{"message", "code", "status", "details"?, "requestId", "detail": {"code", "message"}}`.
  Branch on `code`; show `message`; quote `requestId` (also in the `X-Request-ID` header) when
  reporting a problem. `detail` repeats code and message where the Home Unite Us web app reads
  them; `DELETE /api/users/{userId}` errors also carry `items` (strings). Each operation lists the
  codes it can answer under each status. A `422 ValidationError` has one `details` entry per
  problem: `field` names it as the API does (`body.endsAt`, `query.limit`), `message` says what
  is allowed.
- A user's `role` is an object, `{"type": "guest"}` (guest, host, coordinator or admin); request
  bodies and query filters take the plain string.
- The Home Unite Us web app runs on this API from one origin (`WEBAPP_DIR` serves its build at
  `/`); e-mailed links open `/api/auth/...` routes that redirect a browser to the app's pages.
- Send requests promptly: headers that take longer than 10 seconds to arrive, or a body longer than
  30 seconds (the defaults), are answered `408 RequestTimeout` and the connection is closed.
  Rate-limited routes answer `429 TooManyRequests` with `Retry-After` (seconds).
"""

WWW_AUTHENTICATE = (
    'RFC 6750: `Bearer` without a token; `Bearer error="invalid_token", error_description="..."`'
    " when the token sent cannot be used."
)

TAGS = [
    {"name": "health", "description": "Is the service up, and can it reach its database?"},
    {"name": "auth", "description": "Sign-up, sign-in, tokens, invitations and passwords."},
    {"name": "users", "description": "The signed-in user, and user management for staff."},
    {"name": "housing orgs", "description": "Housing organisations and their programs."},
    {"name": "intake profiles", "description": "Intake forms and each user's answers."},
    {"name": "coordinator", "description": "Cases and the coordinator dashboard; hosts."},
    {"name": "events", "description": "Orientations, info sessions and other events."},
    {"name": "images", "description": "Uploaded images for users and events."},
]
