"""The baseline: a bare FastAPI app with one JSON route, served exactly like the real one."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    """One small JSON document."""
    return {"message": "ok"}
