"""/api/users: the signed-in user, and user management for staff."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from config import errors
from docs import users as docs
from models.commons import Message, Page
from models.events import Event, EventKind
from models.users import PasswordChange, Role, RoleChange, User, UserUpdate
from routes.deps import Admin, ClientAddress, CoordinatorOrAdmin, CurrentUser, Paging, SessionId
from routes.http.error_responses import ERROR_ITEMS_FLAG, responses
from utils import events, users
from utils.flows import accounts, auth

router = APIRouter(prefix="/api/users", tags=["users"])
# The signed-in user's events; tagged with events, where /docs has always shown them.
current_router = APIRouter(prefix="/api/users/current", tags=["events"])


@router.get(
    "/current",
    summary=docs.CURRENT_SUMMARY,
    description=docs.CURRENT_DESCRIPTION,
)
async def get_current_user(user: CurrentUser) -> User:
    return user


@router.patch(
    "/current",
    summary=docs.UPDATE_CURRENT_SUMMARY,
    description=docs.UPDATE_CURRENT_DESCRIPTION,
)
async def update_current_user(body: UserUpdate, user: CurrentUser) -> User:
    return await accounts.update_own_profile(user, body.model_dump(exclude_unset=True))


@router.post(
    "/current/password",
    summary=docs.CHANGE_PASSWORD_SUMMARY,
    description=docs.CHANGE_PASSWORD_DESCRIPTION,
    responses=responses(errors.InvalidCredentials, errors.WeakPassword, errors.TooManyRequests),
)
async def change_password(
    body: PasswordChange, user: CurrentUser, session: SessionId, client: ClientAddress
) -> Message:
    await auth.change_password(user, session, body.current_password, body.new_password, client)
    return Message(message="Password changed; your other sessions have been signed out.")


@router.get(
    "",
    summary=docs.LIST_SUMMARY,
    description=docs.LIST_DESCRIPTION,
    responses=responses(errors.Forbidden),
)
async def list_users(
    _: CoordinatorOrAdmin,
    paging: Paging,
    role: Role | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[User]:
    return await users.list_users(role=role, q=q, limit=paging.limit, offset=paging.offset)


@router.get(
    "/{user_id}",
    summary=docs.GET_SUMMARY,
    description=docs.GET_DESCRIPTION,
    responses=responses(errors.UserNotFound),
)
async def get_user(user_id: str, caller: CurrentUser) -> User:
    return await accounts.view_user(caller, user_id)


@router.patch(
    "/{user_id}/role",
    summary=docs.ROLE_SUMMARY,
    description=docs.ROLE_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.UserNotFound),
)
async def set_role(user_id: str, body: RoleChange, admin: Admin) -> User:
    return await accounts.set_role(admin, user_id, body.role)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.DELETE_SUMMARY,
    description=docs.DELETE_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.UserNotFound, with_items=True),
    # The web app's admin page reads `items` from this route's errors
    # (see routes/http/error_responses.py).
    openapi_extra={ERROR_ITEMS_FLAG: True},
)
async def delete_user(user_id: str, caller: CurrentUser) -> Response:
    await accounts.delete_account(caller, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@current_router.get(
    "/events",
    summary=docs.MY_EVENTS_SUMMARY,
    description=docs.MY_EVENTS_DESCRIPTION,
)
async def my_events(
    user: CurrentUser, paging: Paging, kind: EventKind = EventKind.CREATED
) -> Page[Event]:
    return await events.user_events(user, kind, limit=paging.limit, offset=paging.offset)


@current_router.put(
    "/saved-events/{event_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.SAVE_SUMMARY,
    description=docs.SAVE_DESCRIPTION,
    responses=responses(errors.EventNotFound),
)
async def save_event(event_id: str, user: CurrentUser) -> Response:
    await events.save_for_user(user, event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@current_router.delete(
    "/saved-events/{event_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.UNSAVE_SUMMARY,
    description=docs.UNSAVE_DESCRIPTION,
)
async def unsave_event(event_id: str, user: CurrentUser) -> Response:
    await events.unsave_for_user(user, event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
