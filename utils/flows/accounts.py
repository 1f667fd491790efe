"""Account-wide operations that span several collections, each through its owning module."""

import logging
from typing import Any

from config.errors import Forbidden, UserNotFound, ValidationFailed
from models.users import Role, User
from utils import (
    cases,
    codes,
    events,
    feedback,
    housing_orgs,
    images,
    intake,
    intake_forms,
    rate_limits,
    users,
)
from utils.pure.roles import is_staff

log = logging.getLogger("hosthome.accounts")

# The collection owners account deletion walks, in this order, after marking the user: each says
# in FORGET_USER how it forgets a user. users comes last: its entry removes the user document.
# A new collection's owner gets a FORGET_USER and a place here (tests/test_deletion_registry.py).
DELETION_ORDER: tuple[Any, ...] = (
    codes,
    events,
    feedback,
    images,
    intake,
    intake_forms,
    cases,
    housing_orgs,
    rate_limits,
    users,
)


async def delete_account(actor: User, user_id: str) -> None:
    """Delete a user and everything that is theirs; only admins or the user may.

    There are no multi-document transactions here, so the order makes it safe to stop at any
    point and to run beside the user's own requests:
    1. one write marks the user `deleting` and ends their sessions: from then on the user is
       hidden from every read (no dashboard repair reopens their case) and every write that adds
       a reference to them (RSVP, event, feedback, image, profile, case, code) sees the mark
       after its own write and undoes itself;
    2. each collection is cleaned (each step idempotent), walking DELETION_ORDER;
    3. the user document goes last (users is last in DELETION_ORDER).
    An interrupted deletion leaves the marked user in place, and repeating it finishes the job.
    Notifications (attendees of cancelled events) are sent in the background and cannot fail it.
    """
    if actor.role != Role.ADMIN and actor.id != user_id:
        raise Forbidden("Only an admin or the user themself can delete an account.")
    await users.mark_deleting(user_id)  # UserNotFound before anything is touched
    for owner in DELETION_ORDER:
        for forget in owner.FORGET_USER.values():
            if forget is not None:
                await forget(user_id)
    log.info("user %s deleted by %s", user_id, actor.id)


async def set_role(actor: User, user_id: str, role: Role) -> User:
    """Change a user's role and open a case when they become a guest or host (admins only)."""
    log.info("user %s made %s by %s", user_id, role, actor.id)
    user = await users.update_profile(user_id, {"role": role})
    await cases.open_case(user.id, user.role)
    if not await users.is_live(user.id):  # deleted meanwhile: no case may outlive them
        await cases.delete_case(user.id)
        raise UserNotFound()
    return user


async def view_user(viewer: User, user_id: str) -> User:
    """A user, for staff or the user themself; others get UserNotFound (no existence leak)."""
    if viewer.id != user_id and not is_staff(viewer):
        raise UserNotFound()
    return await users.get_user(user_id)


async def update_own_profile(user: User, changes: dict[str, Any]) -> User:
    """Change the sent profile fields of the signed-in user; 422 when `imageId` names no stored
    image (as events refuse unknown image ids)."""
    image_id = changes.get("image_id")
    if image_id is not None and await images.missing_ids([image_id]):
        message = f"No such image: {image_id}."
        raise ValidationFailed(message, details=[{"field": "body.imageId", "message": message}])
    return await users.update_profile(user.id, changes)
