"""/docs strings: feedback on events."""

from models.feedback import COMMENT_MAX_LENGTH

ADD_FEEDBACK_SUMMARY = "Comment on an event"
ADD_FEEDBACK_DESCRIPTION = (
    f"Anyone signed in who can see the event. `comment`: 1 to {COMMENT_MAX_LENGTH} characters."
)

LIST_FEEDBACK_SUMMARY = "An event's feedback"
LIST_FEEDBACK_DESCRIPTION = "Signed-in users who can see the event; oldest first, paginated."

DELETE_FEEDBACK_SUMMARY = "Delete feedback"
DELETE_FEEDBACK_DESCRIPTION = """
Its author or an admin (`403` otherwise). `404 FeedbackNotFound` when the event has no such comment.
"""
