"""/api/images: upload, serve and delete images."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, UploadFile, status

from config import errors
from docs import images as docs
from models.images import Image
from routes.deps import CurrentUser
from routes.http.error_responses import responses
from utils import images

router = APIRouter(prefix="/api/images", tags=["images"])

_IMAGE_CONTENT: dict[str, Any] = {
    "content": {kind: {} for kind in ("image/png", "image/jpeg", "image/gif", "image/webp")},
    "description": "The image's bytes.",
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary=docs.UPLOAD_SUMMARY,
    description=docs.UPLOAD_DESCRIPTION,
    responses=responses(errors.PayloadTooLarge, errors.UnsupportedMediaType),
)
async def upload_image(file: UploadFile, user: CurrentUser) -> Image:
    return await images.upload_image(user, file)


@router.get(
    "/{image_id}",
    response_class=Response,
    summary=docs.GET_SUMMARY,
    description=docs.GET_DESCRIPTION,
    responses={
        200: _IMAGE_CONTENT,
        304: {"description": "Not modified: the ETag sent is current."},
        **responses(errors.ImageNotFound),
    },
)
async def get_image(
    image_id: str, if_none_match: Annotated[str | None, Header(max_length=1024)] = None
) -> Response:
    image = await images.get_image(image_id, if_none_match)
    headers = {
        "ETag": image.etag,
        "Cache-Control": images.CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }
    if image.data is None:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(content=image.data, media_type=image.content_type, headers=headers)


@router.delete(
    "/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.DELETE_SUMMARY,
    description=docs.DELETE_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.ImageNotFound),
)
async def delete_image(image_id: str, user: CurrentUser) -> Response:
    await images.delete_image(user, image_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
