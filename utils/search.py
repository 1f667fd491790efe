"""Word search that both the embedded store and MongoDB answer alike (no `$text` index needed)."""

import re
from typing import Any

# More words than this add cost, not precision.
MAX_QUERY_WORDS = 8


def words_condition(q: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Conditions under which every word of `q` appears, in any case, in one of the fields.

    Words are escaped, so `.*` or `(` are searched for literally and cannot become a costly or
    broken regular expression. An empty `q` gives no condition.
    """
    return [
        {"$or": [{field: {"$regex": re.escape(word), "$options": "i"}} for field in fields]}
        for word in q.split()[:MAX_QUERY_WORDS]
    ]
