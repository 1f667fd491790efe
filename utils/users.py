"""Users, their sessions (refresh-token families) and their saved events.

Owns the `users` collection. Sessions live inside the user document, so checking who is calling
(user + live session) is a single `find_one`, and revoking a session is one atomic update that
every worker sees on its next request.
"""

from datetime import timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from config.settings import active_settings
from models.commons import Page, new_id, utcnow
from models.users import Role, User, UserDocument, UserStatus
from utils import tokens
from utils.errors import EmailAlreadyRegistered, InvalidToken, SessionRevoked, UserNotFound
from utils.search import words_condition

# What never leaves this module in a User: hashes, sessions and internal fields.
PUBLIC_PROJECTION = {"password_hash": 0, "sessions": 0, "saved_event_ids": 0, "email_lower": 0}
MAX_SESSIONS_PER_USER = 10
# Every read of users for others leaves out an account that is being deleted.
LIVE: dict[str, Any] = {"status": {"$ne": UserStatus.DELETING}}


def _users() -> Any:
    return db.collection("users")


def normalise_email(email: str) -> str:
    """The form e-mails are compared in: trimmed and lower-cased."""
    return email.strip().lower()


def to_user(document: dict[str, Any]) -> User:
    """The public view of a stored user."""
    document = {**document, "id": document["_id"]}
    return User.model_validate(document)


async def create_user(
    *,
    email: str,
    first_name: str,
    role: Role,
    status: UserStatus,
    password_hash: str | None = None,
    middle_name: str | None = None,
    last_name: str | None = None,
) -> User:
    """Store a new user; EmailAlreadyRegistered when the address is taken in any case."""
    document = UserDocument(
        email=email.strip(),
        email_lower=normalise_email(email),
        first_name=first_name.strip(),
        middle_name=middle_name,
        last_name=last_name,
        role=role,
        status=status,
        password_hash=password_hash,
    )
    try:
        await _users().insert_one(document.to_document())
    except DuplicateKeyError as exc:
        raise EmailAlreadyRegistered() from exc
    return to_user(document.to_document())


async def find_credentials(email: str) -> dict[str, Any] | None:
    """The stored user for an e-mail, with its password hash (for sign-in), or None."""
    return await _users().find_one(
        {"email_lower": normalise_email(email), **LIVE}, {"sessions": 0, "saved_event_ids": 0}
    )


async def find_by_email(email: str) -> User | None:
    """The user with this e-mail (any case), or None."""
    document = await _users().find_one(
        {"email_lower": normalise_email(email), **LIVE}, PUBLIC_PROJECTION
    )
    return to_user(document) if document else None


async def get_user(user_id: str) -> User:
    """The user with this id; UserNotFound otherwise."""
    document = await _users().find_one({"_id": user_id, **LIVE}, PUBLIC_PROJECTION)
    if document is None:
        raise UserNotFound()
    return to_user(document)


async def get_users(user_ids: list[str]) -> dict[str, User]:
    """The users with these ids that exist, by id."""
    documents = (
        await _users().find({"_id": {"$in": user_ids}, **LIVE}, PUBLIC_PROJECTION).to_list(None)
    )
    return {document["_id"]: to_user(document) for document in documents}


async def get_session_user(user_id: str, session_id: str) -> User:
    """Who is calling, in one round trip: the user, if that session is still live."""
    document = await _users().find_one(
        {
            "_id": user_id,
            "sessions": {"$elemMatch": {"id": session_id, "expires_at": {"$gt": utcnow()}}},
        },
        PUBLIC_PROJECTION,
    )
    if document is not None:
        return to_user(document)
    # Only failures pay for a second look, to say which failure it is.
    if await _users().find_one({"_id": user_id}, {"_id": 1}) is None:
        raise InvalidToken("The account this token belongs to no longer exists.")
    raise SessionRevoked()


async def set_status(user_id: str, expected: UserStatus, status: UserStatus) -> bool:
    """Move a user from `expected` to `status` atomically; False if it was not in `expected`."""
    result = await _users().update_one(
        {"_id": user_id, "status": expected},
        {"$set": {"status": status, "updated_at": utcnow()}},
    )
    return bool(result.modified_count)


async def set_password(
    user_id: str,
    password_hash: str,
    *,
    keep_session: str | None = None,
    activate_from: UserStatus | None = None,
) -> bool:
    """Store a new password hash and revoke every session but `keep_session`.

    With `activate_from`, only a user in that status is changed, and becomes active; the change
    and the status check are one atomic update. Returns whether a user was changed.
    """
    query: dict[str, Any] = {"_id": user_id}
    changes: dict[str, Any] = {"password_hash": password_hash, "updated_at": utcnow()}
    if activate_from is not None:
        query["status"] = activate_from
        changes["status"] = UserStatus.ACTIVE
    update: dict[str, Any] = {"$set": changes}
    if keep_session:
        update["$pull"] = {"sessions": {"id": {"$ne": keep_session}}}
    else:
        changes["sessions"] = []
    result = await _users().update_one(query, update)
    return bool(result.modified_count)


async def open_session(user_id: str) -> tuple[str, str]:
    """Start a session; returns (session id, refresh token). Keeps the newest sessions only."""
    now = utcnow()
    session_id = new_id()
    refresh_token = tokens.new_refresh_token(session_id)
    lifetime = timedelta(days=active_settings().REFRESH_TOKEN_DAYS)
    entry = {
        "id": session_id,
        "refresh_hash": tokens.digest(refresh_token),
        "created_at": now,
        "expires_at": now + lifetime,
    }
    await _users().update_one(
        {"_id": user_id}, {"$pull": {"sessions": {"expires_at": {"$lte": now}}}}
    )
    await _users().update_one(
        {"_id": user_id},
        {"$push": {"sessions": {"$each": [entry], "$slice": -MAX_SESSIONS_PER_USER}}},
    )
    return session_id, refresh_token


async def rotate_session(refresh_token: str) -> tuple[User, str, str]:
    """Trade a refresh token for a new one: (user, session id, new refresh token).

    A token that is not the session's current one has been used before: someone replayed it, so
    the whole session is revoked and InvalidToken is raised.
    """
    session_id = tokens.session_of_refresh_token(refresh_token)
    now = utcnow()
    new_token = tokens.new_refresh_token(session_id)
    lifetime = timedelta(days=active_settings().REFRESH_TOKEN_DAYS)
    document = await _users().find_one_and_update(
        {
            "sessions": {
                "$elemMatch": {
                    "id": session_id,
                    "refresh_hash": tokens.digest(refresh_token),
                    "expires_at": {"$gt": now},
                }
            }
        },
        {
            "$set": {
                "sessions.$.refresh_hash": tokens.digest(new_token),
                "sessions.$.expires_at": now + lifetime,
            }
        },
        projection=PUBLIC_PROJECTION,
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await revoke_session_everywhere(session_id)
        raise InvalidToken("This refresh token is not valid; sign in again.")
    return to_user(document), session_id, new_token


async def revoke_session_everywhere(session_id: str) -> None:
    """End a session whoever it belongs to (a replayed refresh token names only the session)."""
    await _users().update_one(
        {"sessions.id": session_id}, {"$pull": {"sessions": {"id": session_id}}}
    )


async def revoke_session(user_id: str, session_id: str) -> None:
    """End one session of a user."""
    await _users().update_one({"_id": user_id}, {"$pull": {"sessions": {"id": session_id}}})


async def update_profile(user_id: str, changes: dict[str, Any]) -> User:
    """Change the given profile fields; UserNotFound if the user is gone."""
    changes = {**changes, "updated_at": utcnow()}
    document = await _users().find_one_and_update(
        {"_id": user_id, **LIVE},
        {"$set": changes},
        projection=PUBLIC_PROJECTION,
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        raise UserNotFound()
    return to_user(document)


async def list_users(
    *,
    role: Role | None = None,
    q: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Page[User]:
    """A page of users, newest first, filtered by role and words in the name or e-mail."""
    query: dict[str, Any] = dict(LIVE)
    if role is not None:
        query["role"] = role
    if q and q.strip():
        query["$and"] = words_condition(
            q, ("first_name", "middle_name", "last_name", "email_lower")
        )
    total = await _users().count_documents(query)
    documents = (
        await _users()
        .find(query, PUBLIC_PROJECTION)
        .sort([("created_at", -1), ("_id", 1)])
        .skip(offset)
        .limit(limit)
        .to_list(None)
    )
    return Page[User](
        items=[to_user(d) for d in documents], total=total, limit=limit, offset=offset
    )


async def mark_deleting(user_id: str) -> None:
    """The first step of deleting an account, in one write: the user is hidden from every read,
    signed out everywhere, and every write that adds a reference to them undoes itself (they
    check `is_live` after writing). UserNotFound when there is no such user (any status)."""
    document = await _users().find_one_and_update(
        {"_id": user_id},
        {"$set": {"status": UserStatus.DELETING, "sessions": [], "updated_at": utcnow()}},
        projection={"_id": 1},
    )
    if document is None:
        raise UserNotFound()


async def is_live(user_id: str) -> bool:
    """Whether the user exists and is not being deleted.

    Every write that adds a reference to a user calls this after its own write and undoes itself
    when it is False: a write that comes before the deletion's mark is seen by its clean-up, one
    that comes after sees the mark, so nothing of a deleted user outlives the deletion.
    """
    return await _users().find_one({"_id": user_id, **LIVE}, {"_id": 1}) is not None


async def delete_user(user_id: str) -> None:
    """Remove the user document (and with it every session and saved event)."""
    result = await _users().delete_one({"_id": user_id})
    if result.deleted_count == 0:
        raise UserNotFound()


async def save_event(user_id: str, event_id: str) -> None:
    """Add an event to the user's saved events (idempotent)."""
    await _users().update_one({"_id": user_id}, {"$addToSet": {"saved_event_ids": event_id}})


async def unsave_event(user_id: str, event_id: str) -> None:
    """Remove an event from the user's saved events (idempotent)."""
    await _users().update_one({"_id": user_id}, {"$pull": {"saved_event_ids": event_id}})


async def saved_event_ids(user_id: str) -> list[str]:
    """The ids of the events this user saved."""
    document = await _users().find_one({"_id": user_id}, {"saved_event_ids": 1})
    return list(document.get("saved_event_ids", [])) if document else []


async def count_with_roles(roles: list[Role]) -> int:
    """How many users have one of these roles."""
    query = {"role": {"$in": [str(r) for r in roles]}, **LIVE}
    return int(await _users().count_documents(query))


async def roles_with_roles(roles: list[Role]) -> dict[str, Role]:
    """The id and role of every user with one of these roles (ids and roles only)."""
    documents = (
        await _users()
        .find({"role": {"$in": [str(r) for r in roles]}, **LIVE}, {"role": 1})
        .to_list(None)
    )
    return {document["_id"]: Role(document["role"]) for document in documents}


def display_name(user: User) -> str:
    """A user's name as people read it: first, middle and last names that are set."""
    return " ".join(n for n in (user.first_name, user.middle_name, user.last_name) if n)
