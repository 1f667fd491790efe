"""Who is calling: typed dependencies for authentication and roles.

Every route needs a signed-in user unless it is in PUBLIC_ROUTES, the one short list of public
routes. The app installs `authenticate` on every route, so a route added without thought is
private by default.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer

from config.errors import (
    APIError,
    Forbidden,
    InvalidToken,
    NotAuthenticated,
    SessionRevoked,
    TokenExpired,
)
from config.settings import active_settings
from models.users import Role, User, UserStatus
from utils import users
from utils.pure import tokens
from utils.pure.roles import STAFF

# Method and path template of every route that needs no sign-in.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/redoc"),
        ("GET", "/api/health"),
        ("POST", "/api/auth/signup"),
        ("GET", "/api/auth/signup/confirm"),
        ("POST", "/api/auth/resend_confirmation_code"),
        ("POST", "/api/auth/signin"),
        ("POST", "/api/auth/token"),
        ("GET", "/api/auth/refresh"),
        ("GET", "/api/auth/session"),
        ("POST", "/api/auth/forgot-password"),
        ("POST", "/api/auth/forgot-password/confirm"),
        ("GET", "/api/auth/confirm-invite"),
        ("POST", "/api/auth/new-password"),
        ("GET", "/api/auth/google"),
        ("POST", "/api/auth/google/sign_in"),
        ("POST", "/api/auth/google/sign_up"),
        ("GET", "/api/events"),
        ("GET", "/api/events/{event_id}"),
        ("GET", "/api/images/{image_id}"),
    }
)


def is_public(request: Request) -> bool:
    """Whether the matched route is on the public list."""
    # The scope's path, not request.url.path: building a URL costs microseconds on every request.
    path = getattr(request.scope.get("route"), "path_format", None) or request.scope["path"]
    return (request.method, path) in PUBLIC_ROUTES


def invalid_token_challenge(exc: APIError) -> str:
    """The RFC 6750 challenge for a bearer token that was sent but cannot be used.

    error_description may hold only printable ASCII without quote or backslash (RFC 6750 §3).
    """
    description = "".join(
        char for char in str(exc.detail) if " " <= char <= "~" and char not in '"\\'
    )
    return f'Bearer error="invalid_token", error_description="{description}"'


class _Authentication(OAuth2PasswordBearer):
    """The bearer scheme that /docs signs in with, which also checks the token: one dependency
    rather than the scheme and a function depending on it, since FastAPI solves every level of
    a dependency chain again on each request."""

    async def __call__(self, request: Request) -> User | None:  # type: ignore[override]
        """Installed on every route, and run once per request: who is calling.

        On a route that is not public it never returns None: without a token it raises 401
        NotAuthenticated, and a bad token gives the 401 that says what is wrong with it. On a
        public route it returns None when no usable token was sent (a stale header must not break
        sign-in).
        """
        token = await super().__call__(request)
        public = is_public(request)
        if not token:
            if public:
                return None
            raise NotAuthenticated(headers={"WWW-Authenticate": "Bearer"})
        try:
            claims = tokens.verify_token(active_settings(), token)
            user = await users.get_session_user(claims.user_id, claims.session_id)
            if user.status == UserStatus.DELETING:  # an account being deleted is gone already
                raise InvalidToken("The account this token belongs to no longer exists.")
        except (InvalidToken, TokenExpired, SessionRevoked) as exc:
            if public:
                return None
            exc.headers = {
                **(exc.headers or {}),
                "WWW-Authenticate": invalid_token_challenge(exc),
            }
            raise
        request.state.session_id = claims.session_id
        return user


# The scheme keeps the name it has always had in openapi.json.
authenticate = _Authentication(
    tokenUrl="/api/auth/token", auto_error=False, scheme_name="OAuth2PasswordBearer"
)


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only users with one of these roles through (403 otherwise)."""

    async def check(user: Annotated[User, Depends(authenticate)]) -> User:
        if user.role not in roles:
            raise Forbidden()
        return user

    return check


async def session_id(request: Request) -> str:
    """The id of the caller's session (for sign-out and password changes)."""
    return str(request.state.session_id)


async def client_address(request: Request) -> str | None:
    """The caller's address, for rate limits: behind trusted proxies, the X-Forwarded-For entry
    the proxy appended (routes.http.middleware.ForwardedClientMiddleware), never one the client
    wrote."""
    return request.client.host if request.client else None


# Both are the one `authenticate` dependency (so it runs once per request); on private routes it
# always gives a User.
CurrentUser = Annotated[User, Depends(authenticate)]
OptionalUser = Annotated[User | None, Depends(authenticate)]
CoordinatorOrAdmin = Annotated[User, Depends(require_roles(*STAFF))]
Admin = Annotated[User, Depends(require_roles(Role.ADMIN))]
SessionId = Annotated[str, Depends(session_id)]
ClientAddress = Annotated[str | None, Depends(client_address)]


class Pagination:
    """`limit` and `offset`, as the `pagination` dependency read them."""

    def __init__(self, limit: int = 20, offset: int = 0) -> None:
        self.limit = limit
        self.offset = offset


async def pagination(
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
) -> Pagination:
    """`limit` (1–100, default 20) and `offset` (≥ 0) query parameters.

    An async function, not the class itself: FastAPI runs a plain callable in a worker thread,
    which cost every paginated request a thread hand-off.
    """
    return Pagination(limit, offset)


Paging = Annotated[Pagination, Depends(pagination)]
