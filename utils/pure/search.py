"""Word search that both the embedded store and MongoDB answer alike (no `$text` index needed)."""

import re
from typing import Any

from config.errors import ValidationFailed

# More words than this add cost, not precision.
MAX_QUERY_WORDS = 8


def words_condition(
    q: str, fields: tuple[str, ...], parameter: str = "query.q"
) -> list[dict[str, Any]]:
    """Conditions under which every word of `q` appears, in any case, in one of the fields.

    Words are escaped, so `.*` or `(` are searched for literally and cannot become a costly or
    broken regular expression. An empty `q` gives no condition. A NUL character is refused with
    422 (`parameter` names it in the error): MongoDB refuses a regular expression that contains one.
    """
    if "\x00" in q:
        message = "Must not contain a NUL character."
        raise ValidationFailed(message, details=[{"field": parameter, "message": message}])
    return [
        {"$or": [{field: {"$regex": re.escape(word), "$options": "i"}} for field in fields]}
        for word in q.split()[:MAX_QUERY_WORDS]
    ]
