"""The session rules, pure: how many sessions a user keeps and how long a rotated refresh token
still refreshes its session. utils/users.py stores the sessions and applies these rules."""

from datetime import datetime, timedelta
from typing import Any

from utils.pure import tokens

MAX_SESSIONS_PER_USER = 10
# A refresh token rotated less than this long ago still refreshes its session: the web app sends
# several refreshes at once with one cookie. After it, using the token again is a replay.
REFRESH_GRACE = timedelta(seconds=30)
# Rotation times each session remembers for that grace: enough for any honest client.
ROTATIONS_REMEMBERED = 8


def sessions_to_drop(sessions: dict[str, Any], now: datetime) -> list[str]:
    """To make room for one more session: the expired ones, then the oldest beyond the limit."""
    expired: list[str] = []
    live: list[tuple[datetime, str]] = []
    for session_id, entry in sessions.items():
        if not tokens.is_session_id(session_id):
            continue  # never written by this module, and unsafe in a field path
        expires_at = entry.get("expires_at") if isinstance(entry, dict) else None
        if not isinstance(expires_at, datetime) or expires_at <= now:
            expired.append(session_id)
        else:
            live.append((entry.get("created_at") or expires_at, session_id))
    # Stable: sessions opened in the same millisecond keep their stored (insertion) order.
    live.sort(key=lambda item: item[0])
    excess = max(0, len(live) - (MAX_SESSIONS_PER_USER - 1))
    return expired + [session_id for _, session_id in live[:excess]]


def retired_within_grace(entry: dict[str, Any], generations_ago: int, now: datetime) -> bool:
    """Whether the generation that many rotations before the current one was retired within
    REFRESH_GRACE (`retired_at` holds the latest rotation times, oldest first)."""
    retired_at = entry.get("retired_at")
    if not isinstance(retired_at, list) or generations_ago > len(retired_at):
        return False
    return bool(now - retired_at[-generations_ago] < REFRESH_GRACE)
