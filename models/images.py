"""Images: the stored document and what clients see of it."""

from datetime import datetime

from pydantic import Field

from models.commons import APIModel, ExtendedBaseModel, utcnow


class ImageDocument(ExtendedBaseModel):
    """An image as stored in the `images` collection: the bytes themselves and their digest."""

    content_type: str
    size: int
    sha256: str
    data: bytes
    uploader_id: str
    created_at: datetime = Field(default_factory=utcnow)


class Image(APIModel):
    """POST /api/images answers this; fetch the bytes with GET /api/images/{id}."""

    id: str
    content_type: str = Field(examples=["image/png"])
    size: int = Field(description="Bytes.", examples=[20480])


class ImageContent(APIModel):
    """An image to serve: `data` is None when the client's copy is current (304)."""

    content_type: str
    etag: str
    data: bytes | None
