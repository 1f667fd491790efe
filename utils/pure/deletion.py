"""The contract of the deletion registry (utils/flows/accounts.py walks it).

Each collection owner ends with `FORGET_USER`: for each collection it owns, how to forget a deleted
user there (an idempotent coroutine taking the user id), or None when the collection holds nothing
of a user's. A test fails when a collection with indexes in config/db.py has no entry.
"""

from collections.abc import Awaitable, Callable

ForgetUser = Callable[[str], Awaitable[None]]
