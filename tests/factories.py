"""Factories: users made at the utils layer, signed in through the real endpoint."""

import email
import re
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from config.errors import EmailAlreadyRegistered
from models.users import Role, User, UserStatus
from utils import cases, users
from utils.pure import passwords

PASSWORD = "Sup3r-secret!"
_hash_cache: dict[str, str] = {}
_counter = {"n": 0}


@dataclass
class SignedInUser:
    """A user with the headers of a live session."""

    user: User
    headers: dict[str, str]
    token: str
    refresh_cookie: str

    @property
    def id(self) -> str:
        """The user's id."""
        return self.user.id


async def make_user(
    role: Role | str = Role.GUEST,
    *,
    email_address: str | None = None,
    status: UserStatus = UserStatus.ACTIVE,
    first_name: str = "Test",
    last_name: str = "User",
    password: str = PASSWORD,
) -> User:
    """Store a user directly (hashing each distinct password once per run)."""
    _counter["n"] += 1
    role = Role(role)
    address = email_address or f"{role}{_counter['n']}@example.org"
    if password not in _hash_cache:
        _hash_cache[password] = await passwords.hash_password(password)
    user = await users.create_user(
        email=address,
        first_name=first_name,
        last_name=last_name,
        role=role,
        status=status,
        password_hash=_hash_cache[password],
    )
    await cases.open_case(user.id, user.role)
    return user


async def sign_in(
    client: httpx.AsyncClient, address: str, password: str = PASSWORD
) -> SignedInUser:
    """Sign in through POST /api/auth/signin and return the session's headers."""
    response = await client.post("/api/auth/signin", json={"email": address, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    user = User.model_validate(body["user"])
    token = body["token"]
    return SignedInUser(
        user=user,
        headers={"Authorization": f"Bearer {token}"},
        token=token,
        refresh_cookie=response.cookies["refresh_token"],
    )


async def signed_in(
    client: httpx.AsyncClient, role: Role | str = Role.GUEST, **kwargs: object
) -> SignedInUser:
    """A new active user of this role, signed in."""
    user = await make_user(role, **kwargs)  # type: ignore[arg-type]
    client.cookies.clear()
    return await sign_in(client, user.email, str(kwargs.get("password", PASSWORD)))


def read_outbox(outbox: Path, to: str) -> list[email.message.EmailMessage]:
    """The messages written to the outbox for this address, oldest first."""
    found = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if str(message["To"]).lower() == to.lower():
            found.append(message)
    return found  # type: ignore[return-value]


def last_code(outbox: Path, to: str) -> str:
    """The 6-digit code in the newest message to this address."""
    messages = read_outbox(outbox, to)
    # A server in another process sends in the background: give its first message a moment.
    deadline = time.monotonic() + 5
    while not messages and time.monotonic() < deadline:
        time.sleep(0.05)
        messages = read_outbox(outbox, to)
    assert messages, f"no e-mail to {to}"
    body = messages[-1].get_body(("plain",))
    assert body is not None
    match = re.search(r"\b(\d{6})\b", body.get_content())
    assert match, "no code in the message"
    return match.group(1)


__all__ = [
    "PASSWORD",
    "EmailAlreadyRegistered",
    "SignedInUser",
    "last_code",
    "make_user",
    "sign_in",
    "signed_in",
]
