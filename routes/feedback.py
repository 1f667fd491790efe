"""/api/events/{eventId}/feedback: comments on an event."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from fastapi import APIRouter, Response, status

from config import errors
from docs import feedback as docs
from models.commons import Page
from models.feedback import Feedback, FeedbackCreate
from routes.deps import CurrentUser, Paging
from routes.http.error_responses import responses
from utils import feedback

# Tagged with events: /docs shows feedback under the event it belongs to.
router = APIRouter(prefix="/api/events", tags=["events"])


@router.post(
    "/{event_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    summary=docs.ADD_FEEDBACK_SUMMARY,
    description=docs.ADD_FEEDBACK_DESCRIPTION,
    responses=responses(errors.EventNotFound),
)
async def add_feedback(event_id: str, body: FeedbackCreate, user: CurrentUser) -> Feedback:
    return await feedback.add_feedback(user, event_id, body.comment)


@router.get(
    "/{event_id}/feedback",
    summary=docs.LIST_FEEDBACK_SUMMARY,
    description=docs.LIST_FEEDBACK_DESCRIPTION,
    responses=responses(errors.EventNotFound),
)
async def list_feedback(event_id: str, user: CurrentUser, paging: Paging) -> Page[Feedback]:
    return await feedback.list_feedback(user, event_id, limit=paging.limit, offset=paging.offset)


@router.delete(
    "/{event_id}/feedback/{feedback_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.DELETE_FEEDBACK_SUMMARY,
    description=docs.DELETE_FEEDBACK_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.EventNotFound, errors.FeedbackNotFound),
)
async def delete_feedback(event_id: str, feedback_id: str, user: CurrentUser) -> Response:
    await feedback.delete_feedback(user, event_id, feedback_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
