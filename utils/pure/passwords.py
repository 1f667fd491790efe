"""Password policy and hashing (Argon2id through pwdlib), always off the event loop."""

import re
import secrets

import anyio
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from config.errors import WeakPassword
from models.users import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

# OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane): slow for an attacker, light enough that a
# burst of sign-ins does not exhaust memory on a small dyno.
_hasher = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1),))
# At most this many hashes at once; others wait their turn instead of piling onto two cores.
_limiter = anyio.CapacityLimiter(4)

MIN_LENGTH, MAX_LENGTH = PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH
_RULES = (
    (re.compile(r"[a-z]"), "a lower-case letter"),
    (re.compile(r"[A-Z]"), "an upper-case letter"),
    (re.compile(r"[0-9]"), "a digit"),
    (re.compile(r"[^a-zA-Z0-9]"), "a symbol"),
)


def check_policy(password: str, field: str = "body.password") -> None:
    """Raise WeakPassword (422) naming what the password lacks."""
    missing = [name for pattern, name in _RULES if not pattern.search(password)]
    problems = []
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        problems.append(f"be {MIN_LENGTH} to {MAX_LENGTH} characters long")
    if missing:
        listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
        problems.append(f"have {listed}")
    if problems:
        message = f"Must {' and '.join(problems)}."
        raise WeakPassword(details=[{"field": field, "message": message}])


async def hash_password(password: str) -> str:
    """The salted Argon2id hash of a password."""
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_limiter)


async def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; costs the same when there is no hash (unknown user)."""
    target = password_hash or _DUMMY_HASH
    matches = await anyio.to_thread.run_sync(_verify, password, target, limiter=_limiter)
    return matches and password_hash is not None


def _verify(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # pylint: disable=broad-exception-caught
        # A malformed stored hash must never turn into a 500 or a match.
        return False


_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
