"""/api/intake-profile: intake forms, each user's profile, and the coordinator's review."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response

from config.errors import responses
from docs import intake as docs
from models.intake import Form, Profile, ProfileSave, Review
from models.users import Role, User
from routes.deps import CoordinatorOrAdmin, CurrentUser, require_roles
from utils import errors, intake

router = APIRouter(prefix="/api/intake-profile", tags=["intake profiles"])

GuestOrHost = Annotated[User, Depends(require_roles(Role.GUEST, Role.HOST))]
IfMatch = Annotated[
    str | None, Header(max_length=200, description="The ETag you read; 412 when stale.")
]
_WITH_ETAG: dict[int | str, dict[str, Any]] = {
    200: {"headers": {"ETag": {"description": "The profile's version."}}}
}


@router.get(
    "/form/{form_id}",
    summary=docs.FORM_SUMMARY,
    description=docs.FORM_DESCRIPTION,
    responses=responses(errors.FormNotFound),
)
async def get_form(form_id: str, _: CurrentUser) -> Form:
    return await intake.get_form(form_id)


@router.get(
    "/{form_id}",
    summary=docs.GET_OWN_SUMMARY,
    description=docs.GET_OWN_DESCRIPTION,
    responses={**_WITH_ETAG, **responses(errors.Forbidden, errors.FormNotFound)},
)
async def get_own_profile(form_id: str, user: GuestOrHost, response: Response) -> Profile:
    profile, etag = await intake.get_own_profile(user, form_id)
    response.headers["ETag"] = etag
    return profile


@router.put(
    "/{form_id}",
    summary=docs.SAVE_SUMMARY,
    description=docs.SAVE_DESCRIPTION,
    responses={
        **_WITH_ETAG,
        **responses(
            errors.Forbidden, errors.FormNotFound, errors.Conflict, errors.PreconditionFailed
        ),
    },
)
async def save_own_profile(
    form_id: str, body: ProfileSave, user: GuestOrHost, response: Response, if_match: IfMatch = None
) -> Profile:
    profile, etag = await intake.save_profile(user, form_id, body, if_match)
    response.headers["ETag"] = etag
    return profile


@router.get(
    "/{form_id}/users/{user_id}",
    summary=docs.GET_USER_SUMMARY,
    description=docs.GET_USER_DESCRIPTION,
    responses={
        **_WITH_ETAG,
        **responses(errors.Forbidden, errors.FormNotFound, errors.UserNotFound, errors.NotFound),
    },
)
async def get_user_profile(
    form_id: str, user_id: str, _: CoordinatorOrAdmin, response: Response
) -> Profile:
    profile, etag = await intake.get_user_profile(form_id, user_id)
    response.headers["ETag"] = etag
    return profile


@router.post(
    "/{form_id}/users/{user_id}/review",
    summary=docs.REVIEW_SUMMARY,
    description=docs.REVIEW_DESCRIPTION,
    responses={
        **_WITH_ETAG,
        **responses(errors.Forbidden, errors.FormNotFound, errors.UserNotFound, errors.Conflict),
    },
)
async def review_profile(
    form_id: str, user_id: str, body: Review, reviewer: CoordinatorOrAdmin, response: Response
) -> Profile:
    profile, etag = await intake.review_profile(reviewer, form_id, user_id, body)
    response.headers["ETag"] = etag
    return profile
