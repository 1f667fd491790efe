"""Feedback: comments on an event, as stored and as clients send and see them."""

from datetime import datetime

from pydantic import Field, field_validator

from models.commons import APIModel, ExtendedBaseModel, utcnow

COMMENT_MAX_LENGTH = 2000


class FeedbackCreate(APIModel):
    """POST /api/events/{eventId}/feedback."""

    comment: str = Field(
        min_length=1, max_length=COMMENT_MAX_LENGTH, json_schema_extra={"pattern": r"\S"}
    )

    @field_validator("comment")
    @classmethod
    def _not_blank(cls, comment: str) -> str:
        if not comment.strip():
            raise ValueError("Must not be blank.")
        return comment


class FeedbackDocument(ExtendedBaseModel):
    """One comment on an event, as stored in the `feedback` collection."""

    event_id: str
    comment: str
    creator_id: str
    created_at: datetime = Field(default_factory=utcnow)


class Feedback(APIModel):
    """One comment on an event, as clients see it."""

    id: str
    event_id: str
    comment: str
    creator_id: str
    created_at: datetime
