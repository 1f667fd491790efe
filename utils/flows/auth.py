"""Identity flows: sign-up, confirmation, sign-in, sessions, passwords and invitations.

This module holds the rules; the data lives behind utils.users (users and sessions), utils.codes
(e-mailed codes), utils.rate_limits and utils.cases.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from config.errors import (
    EmailNotConfirmed,
    Forbidden,
    InvalidCode,
    InvalidCredentials,
    InvalidToken,
    InvitePending,
    TokenExpired,
)
from config.settings import active_settings
from models.auth import Invite, NewPasswordChallenge, SignUp
from models.commons import new_id
from models.users import Role, User, UserStatus
from utils import cases, codes, rate_limits, users
from utils.flows import email
from utils.pure import passwords, tokens

log = logging.getLogger("hosthome.auth")
NEW_PASSWORD_SESSION_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class SignedInSession:
    """What a successful sign-in or refresh hands out."""

    user: User
    access_token: str
    expires_in: int
    refresh_token: str


def _session(user: User, session_id: str, refresh_token: str) -> SignedInSession:
    settings = active_settings()
    lifetime = tokens.access_lifetime(settings)
    access = tokens.create_token(settings, user.id, session_id, lifetime)
    return SignedInSession(user, access, int(lifetime.total_seconds()), refresh_token)


async def register(body: SignUp, client: str | None = None) -> User:
    """Create an unconfirmed account and e-mail its confirmation code."""
    await rate_limits.check_signup(client)
    passwords.check_policy(body.password)
    user = await users.create_user(
        email=str(body.email),
        first_name=body.first_name,
        middle_name=body.middle_name,
        last_name=body.last_name,
        role=Role(body.role),
        status=UserStatus.UNCONFIRMED,
        password_hash=await passwords.hash_password(body.password),
    )
    await cases.open_case(user.id, user.role)
    code = await codes.issue_code(codes.Purpose.CONFIRM_EMAIL, user.id)
    await email.send_confirmation_code(user.email, user.first_name, code)
    return user


async def confirm_email(address: str, code: str, client: str | None) -> None:
    """Accept the sign-up code: the account becomes active."""
    await rate_limits.check_auth_attempt(address, client)
    user = await users.find_by_email(address)
    if user is None or user.status != UserStatus.UNCONFIRMED:
        raise InvalidCode()
    await codes.consume_code(codes.Purpose.CONFIRM_EMAIL, user.id, code)
    await users.set_status(user.id, UserStatus.UNCONFIRMED, UserStatus.ACTIVE)


async def resend_confirmation(address: str, client: str | None) -> None:
    """E-mail a new confirmation code if the account waits for one; silent otherwise.

    The request only counts the try and hands the rest to the background (see utils.email), so
    neither the answer nor its timing tells whether the account exists.
    """
    await rate_limits.check_auth_attempt(address, client)
    email.run_in_background(
        lambda: _send_code(address, codes.Purpose.CONFIRM_EMAIL), "confirmation code resend"
    )


async def _send_code(address: str, purpose: codes.Purpose) -> None:
    """The background half of resend and forgot-password: look up, make the code, send it."""
    user = await users.find_by_email(address)
    if user is None:
        return
    if purpose == codes.Purpose.CONFIRM_EMAIL and user.status != UserStatus.UNCONFIRMED:
        return
    if purpose == codes.Purpose.RESET_PASSWORD and user.status == UserStatus.INVITED:
        return
    code = await codes.issue_code(purpose, user.id)
    if not await users.is_live(user.id):  # deleted meanwhile: take the code back
        await codes.discard_codes(user.id)
        return
    if purpose == codes.Purpose.CONFIRM_EMAIL:
        await email.send_confirmation_code(user.email, user.first_name, code)
    else:
        await email.send_password_reset_code(user.email, user.first_name, code)


async def sign_in(address: str, password: str, client: str | None) -> SignedInSession:
    """Check the password (the same cost and answer for an unknown e-mail) and open a session."""
    await rate_limits.check_auth_attempt(address, client)
    stored = await users.find_credentials(address)
    ok = await passwords.verify_password(password, stored.get("password_hash") if stored else None)
    if not ok or stored is None:
        raise InvalidCredentials()
    if stored["status"] == UserStatus.UNCONFIRMED:
        raise EmailNotConfirmed()
    if stored["status"] == UserStatus.INVITED:
        raise InvitePending()
    session_id, refresh_token = await users.open_session(stored["_id"])
    return _session(users.to_user(stored), session_id, refresh_token)


async def refresh(refresh_token: str | None) -> SignedInSession:
    """Rotate the refresh token and mint a new access token."""
    if not refresh_token:
        raise InvalidToken("No refresh token; sign in again.")
    user, session_id, new_refresh = await users.rotate_session(refresh_token)
    return _session(user, session_id, new_refresh)


async def sign_out(user_id: str, session_id: str) -> None:
    """End this session: its access and refresh tokens stop working at once."""
    await users.revoke_session(user_id, session_id)


async def forgot_password(address: str, client: str | None) -> None:
    """E-mail a reset code if the account exists; silent otherwise (the same work either way:
    the look-up and the code are made in the background)."""
    await rate_limits.check_auth_attempt(address, client)
    email.run_in_background(
        lambda: _send_code(address, codes.Purpose.RESET_PASSWORD), "password reset code"
    )


async def reset_password(address: str, code: str, password: str, client: str | None) -> None:
    """Accept the reset code, set the new password and end every session of the user."""
    await rate_limits.check_auth_attempt(address, client)
    passwords.check_policy(password)
    user = await users.find_by_email(address)
    if user is None or user.status == UserStatus.INVITED:
        raise InvalidCode()
    await codes.consume_code(codes.Purpose.RESET_PASSWORD, user.id, code)
    password_hash = await passwords.hash_password(password)
    await users.set_password(user.id, password_hash)
    # Receiving the code proved the address: an unconfirmed account is confirmed too.
    await users.set_status(user.id, UserStatus.UNCONFIRMED, UserStatus.ACTIVE)


async def change_password(
    user: User, session_id: str, current: str, new: str, client: str | None = None
) -> None:
    """Check the current password, set the new one, and end the user's other sessions."""
    # A stolen access token must not buy more password guesses than sign-in allows.
    await rate_limits.check_auth_attempt(user.email, client)
    stored = await users.find_credentials(user.email)
    if stored is None or not await passwords.verify_password(current, stored.get("password_hash")):
        raise InvalidCredentials("The current password is not correct.")
    passwords.check_policy(new, field="body.newPassword")
    await users.set_password(user.id, await passwords.hash_password(new), keep_session=session_id)


def may_invite(inviter: User, role: Role) -> bool:
    """Coordinators invite guests and hosts; admins invite anyone."""
    if inviter.role == Role.ADMIN:
        return True
    return inviter.role == Role.COORDINATOR and role in (Role.GUEST, Role.HOST)


async def invite(inviter: User, body: Invite) -> User:
    """Create an invited account, open its case with the inviter, and e-mail the code."""
    if not may_invite(inviter, body.role):
        article = "an" if str(body.role)[:1] in "aeiou" else "a"
        raise Forbidden(f"A {inviter.role} can invite guests and hosts, not {article} {body.role}.")
    user = await users.create_user(
        email=str(body.email),
        first_name=body.first_name,
        middle_name=body.middle_name,
        last_name=body.last_name,
        role=body.role,
        status=UserStatus.INVITED,
    )
    coordinator = inviter.id if inviter.role == Role.COORDINATOR else None
    await cases.open_case(user.id, user.role, coordinator_id=coordinator)
    code = await codes.issue_code(codes.Purpose.INVITE, user.id)
    await email.send_invitation(user.email, user.first_name, code, str(user.role))
    return user


async def confirm_invite(address: str, code: str, client: str | None) -> NewPasswordChallenge:
    """Accept the invitation code; returns a short-lived session for choosing a password."""
    await rate_limits.check_auth_attempt(address, client)
    user = await users.find_by_email(address)
    if user is None or user.status != UserStatus.INVITED:
        raise InvalidCode()
    await codes.consume_code(codes.Purpose.INVITE, user.id, code)
    settings = active_settings()
    session = tokens.create_token(
        settings, user.id, new_id(), NEW_PASSWORD_SESSION_LIFETIME, kind=tokens.NEW_PASSWORD
    )
    return NewPasswordChallenge(session=session, user_id=user.id)


async def complete_invite(
    session: str, password: str, user_id: str | None = None
) -> SignedInSession:
    """Set the invited user's first password (once) and sign them in.

    `user_id`, when sent (the web app sends the one from its redirect), must be the session's.
    """
    try:
        claims = tokens.verify_token(active_settings(), session, kind=tokens.NEW_PASSWORD)
    except InvalidToken as exc:
        raise InvalidCode("This session is not valid; confirm the invitation again.") from exc
    except TokenExpired as exc:
        raise InvalidCode("This session has expired; ask for a new invitation.") from exc
    if user_id is not None and user_id != claims.user_id:
        raise InvalidCode("This session belongs to another invitation.")
    passwords.check_policy(password)
    password_hash = await passwords.hash_password(password)
    if not await users.set_password(
        claims.user_id, password_hash, activate_from=UserStatus.INVITED
    ):
        raise InvalidCode("This invitation has already been used.")
    session_id, refresh_token = await users.open_session(claims.user_id)
    return _session(await users.get_user(claims.user_id), session_id, refresh_token)
