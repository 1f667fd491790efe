"""Users, their sessions (refresh-token families) and their saved events.

Owns the `users` collection. Sessions live inside the user document as a sub-document keyed by
session id (`sessions.<id>: {generation, retired_at, created_at, expires_at}`), so checking who is
calling (user + live session) is a single `find_one`, and every change to a session is one atomic
update on exact paths (no positional `$`, which the embedded store applies to the wrong element).
"""

from datetime import timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from config.errors import EmailAlreadyRegistered, InvalidToken, SessionRevoked, UserNotFound
from config.settings import active_settings
from models.commons import Page, new_id, utcnow
from models.users import Role, User, UserDocument, UserStatus
from utils.pages import page_of
from utils.pure import sessions as session_rules
from utils.pure import tokens
from utils.pure.deletion import ForgetUser
from utils.pure.user_queries import LIVE, USERS_ORDER, list_users_query, with_roles_query

# What never leaves this module in a User: hashes, sessions and internal fields.
PUBLIC_PROJECTION = {"password_hash": 0, "sessions": 0, "saved_event_ids": 0, "email_lower": 0}


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
    if not tokens.is_session_id(session_id):
        raise InvalidToken()
    document = await _users().find_one(
        {"_id": user_id, f"sessions.{session_id}.expires_at": {"$gt": utcnow()}},
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
    for _ in range(3):
        kept = await _session_entry(user_id, keep_session) if keep_session else None
        if kept is None:
            break
        # Written back only if it has not rotated since it was read, so its newest token stays
        # the one that works; a session opened meanwhile is dropped with the others.
        result = await _users().update_one(
            {**query, f"sessions.{keep_session}.generation": kept.get("generation")},
            {"$set": {**changes, "sessions": {keep_session: kept}}},
        )
        if result.matched_count:
            return True
    # No session to keep (or it kept rotating under us): end them all.
    result = await _users().update_one(query, {"$set": {**changes, "sessions": {}}})
    return bool(result.modified_count)


async def _session_entry(user_id: str, session_id: str) -> dict[str, Any] | None:
    """One stored session of a user, or None (also for a malformed id or the old list shape)."""
    if not tokens.is_session_id(session_id):
        return None
    document = await _users().find_one({"_id": user_id}, {f"sessions.{session_id}": 1})
    sessions = (document or {}).get("sessions")
    entry = sessions.get(session_id) if isinstance(sessions, dict) else None
    return entry if isinstance(entry, dict) else None


async def open_session(user_id: str) -> tuple[str, str]:
    """Start a session; returns (session id, refresh token). Keeps the newest sessions only.

    Expired sessions and the oldest beyond MAX_SESSIONS_PER_USER (utils.pure.sessions) go in the
    same update that adds the new one.
    """
    now = utcnow()
    session_id = new_id()
    lifetime = timedelta(days=active_settings().REFRESH_TOKEN_DAYS)
    entry = {"generation": 0, "retired_at": [], "created_at": now, "expires_at": now + lifetime}
    document = await _users().find_one({"_id": user_id}, {"sessions": 1})
    if document is None:
        raise UserNotFound()
    sessions = document.get("sessions")
    if not isinstance(sessions, dict):
        # Stored before sessions were keyed by id (a list): those sessions are over, and a field
        # path cannot reach into a list, so the field starts afresh.
        await _users().update_one(
            {"_id": user_id, "$or": [{"sessions": {"$type": "array"}}, {"sessions": None}]},
            {"$set": {"sessions": {}}},
        )
        sessions = {}
    update: dict[str, Any] = {"$set": {f"sessions.{session_id}": entry}}
    if dropped := session_rules.sessions_to_drop(sessions, now):
        update["$unset"] = {f"sessions.{dropped_id}": "" for dropped_id in dropped}
    await _users().update_one({"_id": user_id}, update)
    return session_id, tokens.new_refresh_token(active_settings(), user_id, session_id, 0)


async def rotate_session(refresh_token: str) -> tuple[User, str, str]:
    """Trade a refresh token for the session's next one: (user, session id, refresh token).

    The current generation rotates by one compare-and-swap on the session's exact path. A
    generation retired less than REFRESH_GRACE ago (parallel refreshes with one cookie) answers the
    current token without rotating again. An older one is a replay: the whole session is revoked.
    A token that was never issued (bad MAC, unknown or expired session, future generation) is
    InvalidToken and changes nothing.
    """
    settings = active_settings()
    claims = tokens.read_refresh_token(settings, refresh_token)
    user_id, session_id, generation = claims.user_id, claims.session_id, claims.generation
    path = f"sessions.{session_id}"
    now = utcnow()
    lifetime = timedelta(days=settings.REFRESH_TOKEN_DAYS)
    document = await _users().find_one_and_update(
        {"_id": user_id, f"{path}.generation": generation, f"{path}.expires_at": {"$gt": now}},
        {
            "$set": {f"{path}.generation": generation + 1, f"{path}.expires_at": now + lifetime},
            "$push": {
                f"{path}.retired_at": {
                    "$each": [now],
                    "$slice": -session_rules.ROTATIONS_REMEMBERED,
                }
            },
        },
        projection=PUBLIC_PROJECTION,
        return_document=ReturnDocument.AFTER,
    )
    if document is not None:
        new_token = tokens.new_refresh_token(settings, user_id, session_id, generation + 1)
        return to_user(document), session_id, new_token
    # Not the current generation: one look at the session tells a parallel refresh within the
    # grace from a replay and from a token that was never issued.
    document = await _users().find_one(
        {"_id": user_id, f"{path}.expires_at": {"$gt": now}},
        {"password_hash": 0, "saved_event_ids": 0, "email_lower": 0},
    )
    sessions = (document or {}).get("sessions")
    entry = sessions.get(session_id) if isinstance(sessions, dict) else None
    if document is None or not isinstance(entry, dict):
        raise InvalidToken("This refresh token is not valid; sign in again.")
    current = entry.get("generation")
    if not isinstance(current, int) or generation >= current:
        raise InvalidToken("This refresh token is not valid; sign in again.")
    if session_rules.retired_within_grace(entry, current - generation, now):
        current_token = tokens.new_refresh_token(settings, user_id, session_id, current)
        return to_user(document), session_id, current_token
    await revoke_session(user_id, session_id)
    raise InvalidToken("This refresh token was already used; sign in again.")


async def revoke_session(user_id: str, session_id: str) -> None:
    """End one session of a user."""
    if not tokens.is_session_id(session_id):
        return
    path = f"sessions.{session_id}"
    await _users().update_one({"_id": user_id, path: {"$exists": True}}, {"$unset": {path: ""}})


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
    query = list_users_query(role, q)
    return await page_of(
        _users(),
        query,
        USERS_ORDER,
        to_user,
        User,
        limit=limit,
        offset=offset,
        projection=PUBLIC_PROJECTION,
    )


async def mark_deleting(user_id: str) -> None:
    """The first step of deleting an account, in one write: the user is hidden from every read,
    signed out everywhere, and every write that adds a reference to them undoes itself (they
    check `is_live` after writing). UserNotFound when there is no such user (any status)."""
    document = await _users().find_one_and_update(
        {"_id": user_id},
        {"$set": {"status": UserStatus.DELETING, "sessions": {}, "updated_at": utcnow()}},
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
    """Remove the user document (and with it every session and saved event). Idempotent, as every
    step of a deletion is: two overlapping deletions both finish; mark_deleting already answers
    UserNotFound for a user who never existed."""
    await _users().delete_one({"_id": user_id})


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


_PRIVATE_FIELDS = frozenset(key for key, shown in PUBLIC_PROJECTION.items() if not shown)


def _public(document: dict[str, Any]) -> dict[str, Any]:
    """PUBLIC_PROJECTION applied here: the embedded store cannot run an exclusion `$project`
    inside a pipeline."""
    return {key: value for key, value in document.items() if key not in _PRIVATE_FIELDS}


async def people_and_page(
    user_ids: list[str], role: Role, *, limit: int, offset: int
) -> tuple[dict[str, User], Page[User]]:
    """The users with these ids that exist, by id, and a page of the users of `role` (newest
    first, as `list_users` pages them), in one round trip: one filter, then a `$facet`."""
    by_role = list_users_query(role, None)
    wanted = {"$or": [{"_id": {"$in": user_ids}, **LIVE}, by_role]}
    facets: dict[str, Any] = {
        "people": [{"$match": {"_id": {"$in": user_ids}, **LIVE}}],
        "total": [{"$match": by_role}, {"$count": "n"}],
    }
    if limit > 0:  # $limit must be positive; a page with no room still reports the total
        facets["page"] = [
            {"$match": by_role},
            {"$sort": dict(USERS_ORDER)},
            {"$skip": offset},
            {"$limit": limit},
        ]
    pipeline = [{"$match": wanted}, {"$facet": facets}]
    # One document always on a server; the embedded store gives none when nothing matched.
    result: dict[str, Any] = next(
        iter(await _users().aggregate(pipeline).to_list(None)), {"people": [], "total": []}
    )
    people = {d["_id"]: to_user(_public(d)) for d in result["people"]}
    total = result["total"][0]["n"] if result["total"] else 0
    items = [to_user(_public(d)) for d in result.get("page", [])]
    return people, Page[User](items=items, total=total, limit=max(limit, 1), offset=offset)


async def count_with_roles(roles: list[Role]) -> int:
    """How many users have one of these roles."""
    return int(await _users().count_documents(with_roles_query(roles)))


async def roles_with_roles(roles: list[Role]) -> dict[str, Role]:
    """The id and role of every user with one of these roles (ids and roles only)."""
    documents = await _users().find(with_roles_query(roles), {"role": 1}).to_list(None)
    return {document["_id"]: Role(document["role"]) for document in documents}


def display_name(user: User) -> str:
    """A user's name as people read it: first, middle and last names that are set."""
    return " ".join(n for n in (user.first_name, user.middle_name, user.last_name) if n)


# How account deletion forgets a user here (see utils/pure/deletion.py): the user document itself,
# removed last, after utils/flows/accounts.py has marked it `deleting` and cleaned the rest.
FORGET_USER: dict[str, ForgetUser | None] = {"users": delete_user}
