"""Feedback: comments on events.

Owns the `feedback` collection. Feedback is visible exactly as its event is (asked of
`utils.events`); its author or an admin may delete it.
"""

from typing import Any

from config.db import db
from config.errors import FeedbackNotFound, Forbidden, InvalidToken
from models.commons import Page
from models.feedback import Feedback, FeedbackDocument
from models.users import Role, User
from utils import events, users
from utils.pages import page_of
from utils.pure.deletion import ForgetUser


def _feedback() -> Any:
    return db.collection("feedback")


def to_feedback(document: dict[str, Any]) -> Feedback:
    """The public view of a stored comment."""
    return Feedback.model_validate({**document, "id": document["_id"]})


async def add_feedback(author: User, event_id: str, comment: str) -> Feedback:
    """Add a comment to an event the author can see; EventNotFound otherwise."""
    await events.ensure_visible(author, event_id)
    document = FeedbackDocument(
        event_id=event_id, comment=comment.strip(), creator_id=author.id
    ).to_document()
    await _feedback().insert_one(document)
    if not await users.is_live(author.id):  # the author is being deleted: take it back
        await _feedback().delete_one({"_id": document["_id"]})
        raise InvalidToken("The account this token belongs to no longer exists.")
    return to_feedback(document)


async def list_feedback(
    viewer: User | None, event_id: str, *, limit: int = 20, offset: int = 0
) -> Page[Feedback]:
    """An event's comments, oldest first, for whoever can see the event."""
    await events.ensure_visible(viewer, event_id)
    query = {"event_id": event_id}
    order = [("created_at", 1), ("_id", 1)]
    return await page_of(
        _feedback(), query, order, to_feedback, Feedback, limit=limit, offset=offset
    )


async def delete_feedback(actor: User, event_id: str, feedback_id: str) -> None:
    """Delete a comment: its author or an admin (Forbidden otherwise); FeedbackNotFound if none."""
    await events.ensure_visible(actor, event_id)
    document = await _feedback().find_one({"_id": feedback_id, "event_id": event_id})
    if document is None:
        raise FeedbackNotFound()
    if actor.id != document["creator_id"] and actor.role != Role.ADMIN:
        raise Forbidden("Only the author or an admin can delete this feedback.")
    await _feedback().delete_one({"_id": feedback_id})


async def delete_by_author(user_id: str) -> None:
    """Remove every comment a user wrote (account deletion)."""
    await _feedback().delete_many({"creator_id": user_id})


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "feedback": delete_by_author,
}
