"""Access tokens (JWT, HS256), authenticated refresh tokens, and short-lived challenge tokens."""

import base64
import functools
import hashlib
import hmac
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

import jwt

from config.errors import InvalidToken, TokenExpired
from config.settings import Settings
from models.commons import utcnow

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


# Refresh tokens are `<user id>.<session id>.<generation>.<MAC>`. The MAC is keyed by a key
# derived from the JWT key under its own label, so it proves the token was issued here: a forged
# or junk token is refused before anything stored is touched, while a valid MAC on an old
# generation is a real replay. The generation counts the session's rotations; the database keeps
# only that number, no token material, so a copy of it yields no usable token.
_REFRESH_KEY_LABEL = b"hosthome/refresh-token/v1"
_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_USER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_GENERATION = re.compile(r"0|[1-9][0-9]{0,15}")
_MAC = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class RefreshClaims:
    """What an authentic refresh token names."""

    user_id: str
    session_id: str
    generation: int


def is_session_id(value: str) -> bool:
    """Whether a value has the form of a session id (a uuid4 string), so it is safe in a path."""
    return _SESSION_ID.fullmatch(value) is not None


@functools.lru_cache(maxsize=4)
def _refresh_key(jwt_key: str) -> bytes:
    return hmac.new(jwt_key.encode(), _REFRESH_KEY_LABEL, hashlib.sha256).digest()


def _refresh_mac(settings: Settings, body: str) -> str:
    mac = hmac.new(_refresh_key(settings.jwt_key), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def new_refresh_token(settings: Settings, user_id: str, session_id: str, generation: int) -> str:
    """The refresh token of one generation of a session (the same string each time it is made)."""
    body = f"{user_id}.{session_id}.{generation}"
    return f"{body}.{_refresh_mac(settings, body)}"


def read_refresh_token(settings: Settings, token: str) -> RefreshClaims:
    """The session and generation an authentic refresh token names; InvalidToken otherwise.

    Every part's form is checked before the MAC, and the MAC before anything is looked up.
    """
    parts = token.split(".") if len(token) <= 200 else []
    if len(parts) != 4:
        raise InvalidToken()
    user_id, session_id, generation, mac = parts
    if not (
        _USER_ID.fullmatch(user_id)
        and is_session_id(session_id)
        and _GENERATION.fullmatch(generation)
        and _MAC.fullmatch(mac)
    ):
        raise InvalidToken()
    expected = _refresh_mac(settings, f"{user_id}.{session_id}.{generation}")
    if not hmac.compare_digest(mac, expected):
        raise InvalidToken()
    return RefreshClaims(user_id, session_id, int(generation))


def keyed_digest(settings: Settings, value: str) -> str:
    """HMAC-SHA256 of a low-entropy secret (6-digit codes), so a copy of the database is no key."""
    return hmac.new(settings.jwt_key.encode(), value.encode(), hashlib.sha256).hexdigest()
