"""Per-request context visible anywhere in its call stack (the request id, the origin)."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# The origin (`scheme://host`) the current request was sent to: the base of e-mailed links when
# FRONTEND_URL is not set. Empty outside a request or when the Host header is not a plain host.
request_origin_var: ContextVar[str] = ContextVar("request_origin", default="")
