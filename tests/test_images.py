"""Images: recognised by content, size-limited, served with caching headers, deletable."""

import hashlib
import os

import httpx
import pytest

from tests.conftest import assert_error
from tests.factories import signed_in
from utils.images import sniff_content_type

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2048)
JPEG = b"\xff\xd8\xff\xe0" + os.urandom(512)
GIF = b"GIF89a" + os.urandom(100)
WEBP = b"RIFF" + (1000).to_bytes(4, "little") + b"WEBPVP8 " + os.urandom(100)
MIB = 1024 * 1024


async def _upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "picture.png",
    declared: str = "image/png",
) -> httpx.Response:
    return await client.post("/api/images", files={"file": (name, data, declared)}, headers=headers)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
async def test_an_image_round_trips_byte_for_byte_with_its_detected_type(
    client: httpx.AsyncClient, data: bytes, content_type: str
) -> None:
    user = await signed_in(client, "guest")
    # The name and declared type lie; the bytes decide.
    uploaded = await _upload(client, user.headers, data, "notes.txt", "text/plain")
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["contentType"] == content_type
    assert body["size"] == len(data)
    served = await client.get(f"/api/images/{body['id']}")
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == content_type
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_a_matching_if_none_match_is_304_without_the_bytes(
    client: httpx.AsyncClient,
) -> None:
    user = await signed_in(client, "host")
    image_id = (await _upload(client, user.headers, PNG)).json()["id"]
    etag = (await client.get(f"/api/images/{image_id}")).headers["etag"]
    cached = await client.get(f"/api/images/{image_id}", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag
    listed = await client.get(
        f"/api/images/{image_id}", headers={"If-None-Match": f'"other", W/{etag}'}
    )
    assert listed.status_code == 304
    stale = await client.get(f"/api/images/{image_id}", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200
    assert stale.content == PNG


async def test_anything_but_png_jpeg_gif_or_webp_is_415(client: httpx.AsyncClient) -> None:
    user = await signed_in(client, "guest")
    for data in (b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"%PDF-1.7", b"", b"RIFF1234WAVE"):
        response = await _upload(client, user.headers, data)
        assert_error(response, 415, "UnsupportedMediaType")


async def test_an_image_over_5_mib_is_413(client: httpx.AsyncClient) -> None:
    user = await signed_in(client, "guest")
    just_over = PNG + bytes(5 * MIB + 1 - len(PNG))
    assert_error(await _upload(client, user.headers, just_over), 413, "PayloadTooLarge")
    far_over = PNG + bytes(7 * MIB)
    assert_error(await _upload(client, user.headers, far_over), 413, "PayloadTooLarge")
    exactly = PNG + bytes(5 * MIB - len(PNG))
    assert (await _upload(client, user.headers, exactly)).status_code == 201


async def test_an_upload_without_a_file_is_422_and_needs_sign_in(
    client: httpx.AsyncClient,
) -> None:
    user = await signed_in(client, "guest")
    missing = await client.post("/api/images", data={"other": "x"}, headers=user.headers)
    assert_error(missing, 422, "ValidationError")
    client.cookies.clear()
    anonymous = await client.post("/api/images", files={"file": ("a.png", PNG, "image/png")})
    assert_error(anonymous, 401, "NotAuthenticated")


async def test_an_unknown_image_is_404(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/images/nope"), 404, "ImageNotFound")


async def test_the_uploader_or_an_admin_may_delete_an_image(client: httpx.AsyncClient) -> None:
    uploader = await signed_in(client, "host")
    other = await signed_in(client, "coordinator")
    admin = await signed_in(client, "admin")
    first = (await _upload(client, uploader.headers, PNG)).json()["id"]
    second = (await _upload(client, uploader.headers, GIF)).json()["id"]
    assert_error(
        await client.delete(f"/api/images/{first}", headers=other.headers), 403, "Forbidden"
    )
    assert (
        await client.delete(f"/api/images/{first}", headers=uploader.headers)
    ).status_code == 204
    assert_error(await client.get(f"/api/images/{first}"), 404, "ImageNotFound")
    assert (await client.delete(f"/api/images/{second}", headers=admin.headers)).status_code == 204
    again = await client.delete(f"/api/images/{second}", headers=admin.headers)
    assert_error(again, 404, "ImageNotFound")


def test_sniffing_needs_the_whole_signature() -> None:
    assert sniff_content_type(b"\x89PNG") is None
    assert sniff_content_type(b"RIFF\x00\x00\x00\x00WEBP") == "image/webp"
    assert sniff_content_type(b"GIF88a") is None
