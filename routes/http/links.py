"""Links into the web app: the redirects a browser gets (e-mailed links: utils.flows.email).

The web app's pages live on `FRONTEND_URL` when it is set; otherwise on the origin the browser
is already on (app and API served from one origin), so a redirect can stay relative. Every query
value is URL-encoded.
"""

from urllib.parse import urlencode

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.types import Scope

from config.settings import active_settings


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}?{urlencode(query)}" if query else url


def app_page(path: str, **query: str) -> str:
    """The URL of a page of the web app, e.g. `/create-password?userId=...`."""
    base = (active_settings().FRONTEND_URL or "").rstrip("/")
    return _with_query(base + path, query)


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
