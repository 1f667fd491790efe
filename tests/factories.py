"""Factories shared by the tests: users made at the utils layer and signed in through the real
endpoint, event bodies and events, and the movable clock (its fixture is in conftest.py)."""

import email
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from config.errors import EmailAlreadyRegistered
from config.settings import Settings
from models.commons import utcnow
from models.users import Role, User, UserStatus
from utils import cases, users
from utils.pure import passwords, tokens

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


# --- events -----------------------------------------------------------------------------------

MIAMI = {"title": "Miami", "latitude": 25.7617, "longitude": -80.1918}


def iso(moment: datetime) -> str:
    """ISO 8601 with offset, as a client sends it."""
    return moment.isoformat()


def event_body(**overrides: Any) -> dict[str, Any]:
    """A valid event body starting tomorrow, for two hours; overrides replace fields."""
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    body: dict[str, Any] = {
        "title": "Host orientation",
        "description": "Everything a new host needs to know.",
        "startsAt": iso(start),
        "endsAt": iso(start + timedelta(hours=2)),
        "tags": ["orientation"],
        "location": MIAMI,
        "maxCapacity": 10,
        "public": True,
        "links": ["https://example.org/orientation"],
    }
    body.update(overrides)
    return body


async def create_event(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    """POST an event and return it (asserting 201)."""
    response = await client.post("/api/events", json=event_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def quick_headers(settings: Settings, role: Role | str = Role.GUEST) -> dict[str, str]:
    """Headers of a new user with a live session, minted without the (slow, rate-limited)
    sign-in endpoint; for tests that need many users."""
    user = await make_user(role)
    session_id, _ = await users.open_session(user.id)
    token = tokens.create_token(settings, user.id, session_id, timedelta(minutes=15))
    return {"Authorization": f"Bearer {token}"}


class Clock:
    """A movable clock for utils.events: status, RSVP windows and lists read it."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        """The real time plus the offset."""
        return utcnow() + self.offset

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.offset += delta
