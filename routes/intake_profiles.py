"""/api/intake-profile: intake forms, each user's profile, and the coordinator's review; and
/api/profile, the same forms and profiles at the paths the web app calls."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response

from config import errors
from docs import intake as docs
from models.intake import FieldGroup, Form, Profile, ProfileSave, Responses, Review, SectionSave
from models.users import Role, User
from routes.deps import CoordinatorOrAdmin, CurrentUser, require_roles
from routes.http.error_responses import responses
from utils import intake, intake_forms

router = APIRouter(prefix="/api/intake-profile", tags=["intake profiles"])
web_app_router = APIRouter(prefix="/api/profile", tags=["intake profiles"])

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
    response_model_exclude_none=True,
)
async def get_form(form_id: str, _: CurrentUser) -> Form:
    return await intake_forms.get_form(form_id)


@router.get(
    "/responses/{form_id}",
    summary=docs.RESPONSES_SUMMARY,
    description=docs.RESPONSES_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.FormNotFound),
)
async def get_own_responses(form_id: str, user: GuestOrHost) -> Responses:
    return await intake.get_own_responses(user, form_id)


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


# The web app's paths (WEBAPP.md §2, #15, #16, #18). Unset optional keys are left out of forms, as
# the app's own form JSON has them.


@web_app_router.post(
    "/responses",
    summary=docs.SAVE_SECTION_SUMMARY,
    description=docs.SAVE_SECTION_DESCRIPTION,
    responses={**_WITH_ETAG, **responses(errors.Forbidden, errors.FormNotFound, errors.Conflict)},
)
async def save_section(body: SectionSave, user: GuestOrHost, response: Response) -> Profile:
    profile, etag = await intake.save_section(user, body)
    response.headers["ETag"] = etag
    return profile


@web_app_router.get(
    "/{form_id}",
    summary=docs.FORM_SUMMARY,
    description=docs.WEB_APP_FORM_DESCRIPTION,
    responses=responses(errors.FormNotFound),
    response_model_exclude_none=True,
)
async def get_web_app_form(form_id: str, _: CurrentUser) -> Form:
    return await intake_forms.get_form(form_id)


@web_app_router.get(
    "/{form_id}/{section_id}",
    summary=docs.SECTION_SUMMARY,
    description=docs.SECTION_DESCRIPTION,
    responses=responses(errors.FormNotFound, errors.NotFound),
    response_model_exclude_none=True,
)
async def get_section(form_id: str, section_id: str, _: CurrentUser) -> FieldGroup:
    return await intake_forms.get_section(form_id, section_id)
