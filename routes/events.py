"""/api/events: events, their approval and RSVPs."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from config import errors
from docs import events as docs
from models.commons import Page
from models.events import (
    Attendance,
    Decision,
    Event,
    EventCreate,
    EventFilters,
    EventUpdate,
)
from models.users import User
from routes.deps import CoordinatorOrAdmin, CurrentUser, OptionalUser, Paging
from routes.http.error_responses import responses
from utils import events

router = APIRouter(prefix="/api/events", tags=["events"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary=docs.CREATE_SUMMARY,
    description=docs.CREATE_DESCRIPTION,
)
async def create_event(body: EventCreate, user: CurrentUser) -> Event:
    return await events.create_event(user, body)


@router.get("", summary=docs.LIST_SUMMARY, description=docs.LIST_DESCRIPTION)
async def list_events(filters: Annotated[EventFilters, Query()], paging: Paging) -> Page[Event]:
    return await events.list_events(filters, limit=paging.limit, offset=paging.offset)


# Declared before /{event_id}, which would otherwise take "queue" for an id.
@router.get(
    "/queue",
    summary=docs.QUEUE_SUMMARY,
    description=docs.QUEUE_DESCRIPTION,
    responses=responses(errors.Forbidden),
)
async def approval_queue(_: CoordinatorOrAdmin, paging: Paging) -> Page[Event]:
    return await events.pending_events(limit=paging.limit, offset=paging.offset)


@router.get(
    "/{event_id}",
    summary=docs.GET_SUMMARY,
    description=docs.GET_DESCRIPTION,
    responses=responses(errors.EventNotFound),
)
async def get_event(event_id: str, viewer: OptionalUser) -> Event:
    return await events.get_event(viewer, event_id)


@router.patch(
    "/{event_id}",
    summary=docs.UPDATE_SUMMARY,
    description=docs.UPDATE_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.EventNotFound, errors.Conflict),
)
async def update_event(event_id: str, body: EventUpdate, user: CurrentUser) -> Event:
    return await events.update_event(user, event_id, body)


@router.post(
    "/{event_id}/cancel",
    summary=docs.CANCEL_SUMMARY,
    description=docs.CANCEL_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.EventNotFound, errors.Conflict),
)
async def cancel_event(event_id: str, user: CurrentUser) -> Event:
    return await events.cancel_event(user, event_id)


@router.post(
    "/{event_id}/attendees",
    status_code=status.HTTP_201_CREATED,
    summary=docs.ATTEND_SUMMARY,
    description=docs.ATTEND_DESCRIPTION,
    responses={
        200: {"model": Attendance, "description": "Already attending"},
        **responses(errors.EventNotFound, errors.Conflict, errors.EventFull),
    },
)
async def attend(event_id: str, user: CurrentUser, response: Response) -> Attendance:
    attendance, added = await events.attend(user, event_id)
    response.status_code = status.HTTP_201_CREATED if added else status.HTTP_200_OK
    return attendance


@router.delete(
    "/{event_id}/attendees/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.LEAVE_SUMMARY,
    description=docs.LEAVE_DESCRIPTION,
    responses=responses(errors.EventNotFound),
)
async def leave(event_id: str, user: CurrentUser) -> Response:
    await events.leave(user, event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{event_id}/attendees",
    summary=docs.ATTENDEES_SUMMARY,
    description=docs.ATTENDEES_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.EventNotFound),
)
async def list_attendees(event_id: str, user: CurrentUser, paging: Paging) -> Page[User]:
    return await events.list_attendees(user, event_id, limit=paging.limit, offset=paging.offset)


@router.post(
    "/{event_id}/decision",
    summary=docs.DECISION_SUMMARY,
    description=docs.DECISION_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.EventNotFound, errors.AlreadyDecided),
)
async def decide(event_id: str, body: Decision, staff: CoordinatorOrAdmin) -> Event:
    return await events.decide(staff, event_id, body.approve)
