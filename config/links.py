"""Links into the web app (redirects) and to the API (e-mailed links).

The web app's pages live on `FRONTEND_URL` when it is set; otherwise on the origin the browser
is already on (app and API served from one origin), so a redirect can stay relative. E-mails need
absolute links: `FRONTEND_URL`, else the origin of the request that causes the e-mail. Every query
value is URL-encoded.
"""

from urllib.parse import urlencode

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.types import Scope

from config.context import request_origin_var
from config.settings import active_settings


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}?{urlencode(query)}" if query else url


def app_page(path: str, **query: str) -> str:
    """The URL of a page of the web app, e.g. `/create-password?userId=...`."""
    base = (active_settings().FRONTEND_URL or "").rstrip("/")
    return _with_query(base + path, query)


def api_link(path: str, **query: str) -> str | None:
    """An absolute URL of an API route for an e-mail; None when no base is known.

    The base is FRONTEND_URL. Only on the embedded store (a developer's machine, bound to the
    loopback address) may it fall back to the origin of the request being served: elsewhere the
    `Host` header is the client's to choose, and would let anyone send our users links to their
    own site (with a code in them). Without FRONTEND_URL on a real database, mail carries the
    code but no link (a start-up warning says so)."""
    settings = active_settings()
    fallback = request_origin_var.get() if settings.embedded else ""
    base = (settings.FRONTEND_URL or fallback or "").rstrip("/")
    return _with_query(base + path, query) if base else None


def accepts_html(scope: Scope) -> bool:
    """Whether the caller is a browser opening a link (it asks for HTML), not a JSON client."""
    return "text/html" in Headers(scope=scope).get("accept", "")


def see_other(url: str) -> RedirectResponse:
    """A 303 to a page of the web app. The URL may carry a one-time session: no cache keeps it
    and no Referer header passes it on."""
    return RedirectResponse(
        url,
        status_code=303,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
