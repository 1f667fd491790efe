"""The Home Unite Us web app's built files, served beside the API from one origin.

The app calls `/api/...` on the origin it was loaded from, so one process serving both is the
simplest deployment (WEBAPP_DIR). The files are the router's fallback: every API route, /docs and
/redoc match first (a wrong method on them is still 405), and only a path no route knows comes
here. A path that names a file gets the file; any other path outside the API and the docs gets
`index.html`, so the app's own routes (`/signin`, `/create-password?...`) load it. Unknown
`/api/...` paths keep the JSON 404.
"""

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

# First path segments that belong to the API and its documentation, never to the app.
RESERVED_PREFIXES = ("api", "docs", "redoc", "openapi.json", "static-offline-docs")


class WebAppFiles(StaticFiles):
    """StaticFiles (which refuses paths that leave the directory) with the single-page fallback."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.split("/", 1)[0] in RESERVED_PREFIXES:
            raise HTTPException(status_code=404)
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
        response = await super().get_response("index.html", scope)
        # The page names the current build's assets: always ask again for it.
        response.headers["Cache-Control"] = "no-cache"
        return response


def install_web_app(app: FastAPI, directory: str) -> None:
    """Serve the built web app in `directory` (settings checked it holds index.html) for
    unrouted paths."""
    files = WebAppFiles(directory=directory, html=True)
    not_found = app.router.default

    async def fallback(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await not_found(scope, receive, send)
            return
        await files(scope, receive, send)

    app.router.default = fallback
