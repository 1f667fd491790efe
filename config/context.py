"""Per-request context visible anywhere in its call stack (the request id)."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
