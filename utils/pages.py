"""The one paginator: how many documents match, and one page of them in a stable order.

Not a collection owner: each owner passes its own collection (so it stays the only module that
reaches it) with its filter, order and the conversion to the public model.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from models.commons import Page

ItemT = TypeVar("ItemT")


async def page_of(
    collection: Any,
    query: dict[str, Any],
    order: list[tuple[str, int]],
    convert: Callable[[dict[str, Any]], ItemT],
    item_type: type[ItemT],
    *,
    limit: int,
    offset: int,
    projection: dict[str, Any] | None = None,
) -> Page[ItemT]:
    """`limit` documents from `offset` in `order` (which must end in a unique key, so pages
    neither repeat nor skip), converted, and the count of all that match `query`."""
    cursor = collection.find(query, projection) if projection else collection.find(query)
    # One more than the page: when it is not there, this page is the last one and tells the total
    # without a count, which would read every match a second time.
    documents = await cursor.sort(order).skip(offset).limit(limit + 1).to_list(None)
    if len(documents) <= limit and (documents or offset == 0):
        total = offset + len(documents)
    else:
        total = await collection.count_documents(query)
    documents = documents[:limit]
    return Page[item_type](  # type: ignore[valid-type]
        items=[convert(document) for document in documents],
        total=total,
        limit=limit,
        offset=offset,
    )
