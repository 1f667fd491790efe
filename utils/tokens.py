"""Access tokens (JWT, HS256), opaque refresh tokens, and short-lived challenge tokens."""

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

import jwt

from config.settings import Settings
from models.commons import utcnow
from utils.errors import InvalidToken, TokenExpired

ALGORITHM = "HS256"
ACCESS = "access"
NEW_PASSWORD = "new_password"


@dataclass(frozen=True)
class Claims:
    """What a verified token says."""

    user_id: str
    session_id: str
    kind: str


def create_token(
    settings: Settings, user_id: str, session_id: str, lifetime: timedelta, kind: str = ACCESS
) -> str:
    """A signed JWT with `sub`, `sid`, `typ`, `iat` and `exp`."""
    now = utcnow()
    payload = {
        "sub": user_id,
        "sid": session_id,
        "typ": kind,
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(payload, settings.jwt_key, algorithm=ALGORITHM)


def access_lifetime(settings: Settings) -> timedelta:
    """How long an access token lives."""
    return timedelta(minutes=settings.ACCESS_TOKEN_MINUTES)


# Verified tokens, so a client's next requests skip the signature check (revocation is still
# checked in the database on every request: this cache only remembers that a signature is good).
_verified: OrderedDict[tuple[str, str, str], tuple[Claims, float]] = OrderedDict()
_VERIFIED_MAX = 4096


def verify_token(settings: Settings, token: str, kind: str = ACCESS) -> Claims:
    """Check signature, algorithm, expiry and type; InvalidToken or TokenExpired otherwise."""
    key = (settings.jwt_key, token, kind)
    cached = _verified.get(key)
    if cached is not None:
        claims, expires = cached
        if time.time() < expires:
            return claims
        _verified.pop(key, None)
        raise TokenExpired()
    claims, expires = _decode(settings, token, kind)
    _verified[key] = (claims, expires)
    if len(_verified) > _VERIFIED_MAX:
        _verified.popitem(last=False)
    return claims


def _decode(settings: Settings, token: str, kind: str) -> tuple[Claims, float]:
    try:
        payload = jwt.decode(
            token,
            settings.jwt_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "typ"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired() from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken() from exc
    if payload.get("typ") != kind:
        raise InvalidToken()
    if not isinstance(payload["sub"], str) or not isinstance(payload["sid"], str):
        raise InvalidToken()
    claims = Claims(user_id=payload["sub"], session_id=payload["sid"], kind=kind)
    return claims, float(payload["exp"])


def new_refresh_token(session_id: str) -> str:
    """An opaque refresh token naming its session: `<session id>.<random secret>`."""
    return f"{session_id}.{secrets.token_urlsafe(32)}"


def session_of_refresh_token(token: str) -> str:
    """The session id a refresh token names (InvalidToken when malformed)."""
    session_id, _, secret = token.partition(".")
    if not session_id or not secret or len(token) > 200:
        raise InvalidToken()
    return session_id


def digest(value: str) -> str:
    """SHA-256 of a high-entropy secret (refresh tokens): enough, since it cannot be guessed."""
    return hashlib.sha256(value.encode()).hexdigest()


def keyed_digest(settings: Settings, value: str) -> str:
    """HMAC-SHA256 of a low-entropy secret (6-digit codes), so a copy of the database is no key."""
    return hmac.new(settings.jwt_key.encode(), value.encode(), hashlib.sha256).hexdigest()
