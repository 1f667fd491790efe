"""Schemas of the health route."""

from models.commons import APIModel


class Health(APIModel):
    """The service and its database are up."""

    status: str = "ok"
    database: str = "ok"
    version: str
