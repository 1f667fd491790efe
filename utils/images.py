"""Images: upload, serving and deletion.

Owns the `images` collection. The bytes live in the image's own document (a BSON Binary): an
image is at most 5 MiB and a document may hold 16 MiB, so GridFS (which splits files into chunks)
would add a second collection and nothing else. The same code runs on the embedded store and on a
real server, and the image goes with the database in every backup.

The type is recognised from the first bytes (PNG, JPEG, GIF, WebP), never from the file name or
the declared type. Ids are never reused and an image never changes, so it is served with a strong
ETag (the SHA-256 of the bytes) and cached for a year.
"""

import hashlib
from typing import Any, Protocol

from config.db import db
from config.errors import (
    Forbidden,
    ImageNotFound,
    InvalidToken,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from config.settings import active_settings
from models.images import Image, ImageContent, ImageDocument
from models.users import Role, User
from utils import users
from utils.pure.deletion import ForgetUser

CHUNK_BYTES = 64 * 1024
CACHE_CONTROL = "public, max-age=31536000, immutable"


class Readable(Protocol):
    """Anything with an async `read(size)`, such as an uploaded file."""

    async def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes; b"" at the end."""


def _images() -> Any:
    return db.collection("images")


def sniff_content_type(head: bytes) -> str | None:
    """The image type the bytes start with, or None when they are not a supported image."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


async def read_limited(source: Readable, limit: int) -> bytes:
    """Read in chunks; PayloadTooLarge as soon as more than `limit` bytes have come."""
    parts: list[bytes] = []
    size = 0
    while chunk := await source.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"Images may be at most {limit // (1024 * 1024)} MiB.")
        parts.append(chunk)
    return b"".join(parts)


def etag_of(sha256: str) -> str:
    """The strong ETag of an image."""
    return f'"{sha256}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison, `*` included)."""
    if not if_none_match:
        return False
    for candidate in (part.strip() for part in if_none_match.split(",")):
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


async def upload_image(uploader: User, source: Readable) -> Image:
    """Store an uploaded image; PayloadTooLarge over the limit, UnsupportedMediaType if no image."""
    data = await read_limited(source, active_settings().MAX_UPLOAD_BYTES)
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise UnsupportedMediaType("Upload a PNG, JPEG, GIF or WebP image.")
    document = ImageDocument(
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploader_id=uploader.id,
    ).to_document()
    await _images().insert_one(document)
    if not await users.is_live(uploader.id):  # the uploader is being deleted: take it back
        await _images().delete_one({"_id": document["_id"]})
        raise InvalidToken("The account this token belongs to no longer exists.")
    return Image(id=document["_id"], content_type=content_type, size=len(data))


async def get_image(image_id: str, if_none_match: str | None = None) -> ImageContent:
    """An image to serve; without its bytes when `if_none_match` names its ETag.

    ImageNotFound if there is none. The bytes are only fetched when they will be sent.
    """
    head = await _images().find_one({"_id": image_id}, {"data": 0})
    if head is None:
        raise ImageNotFound()
    etag = etag_of(head["sha256"])
    if etag_matches(if_none_match, etag):
        return ImageContent(content_type=head["content_type"], etag=etag, data=None)
    document = await _images().find_one({"_id": image_id}, {"data": 1})
    if document is None:
        raise ImageNotFound()
    return ImageContent(content_type=head["content_type"], etag=etag, data=bytes(document["data"]))


async def missing_ids(image_ids: list[str]) -> list[str]:
    """Those of these ids that name no stored image, in the order given."""
    if not image_ids:
        return []
    found = await _images().find({"_id": {"$in": image_ids}}, {"_id": 1}).to_list(None)
    known = {document["_id"] for document in found}
    return [image_id for image_id in image_ids if image_id not in known]


async def delete_image(actor: User, image_id: str) -> None:
    """Delete an image: its uploader or an admin (Forbidden otherwise); ImageNotFound if none."""
    document = await _images().find_one({"_id": image_id}, {"uploader_id": 1})
    if document is None:
        raise ImageNotFound()
    if actor.id != document["uploader_id"] and actor.role != Role.ADMIN:
        raise Forbidden("Only the uploader or an admin can delete this image.")
    await _images().delete_one({"_id": image_id})


async def delete_by_uploader(user_id: str) -> None:
    """Remove every image a user uploaded (account deletion)."""
    await _images().delete_many({"uploader_id": user_id})


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "images": delete_by_uploader,
}
