"""/api/housing-orgs: housing organisations and their programs."""

# Each route's summary and description come from docs/, where a consumer reads them.
# pylint: disable=missing-function-docstring

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse, RedirectResponse

from config import errors
from docs import housing_orgs as docs
from models.commons import Page
from models.housing_orgs import (
    HousingOrg,
    HousingOrgCreate,
    HousingOrgReplace,
    Program,
    ProgramCreate,
)
from routes.deps import CoordinatorOrAdmin, CurrentUser, Paging
from routes.http.error_responses import responses
from utils import housing_orgs

router = APIRouter(prefix="/api/housing-orgs", tags=["housing orgs"])


def _location(org_id: str) -> str:
    return f"{router.prefix}/{org_id}"


@router.get("", summary=docs.LIST_SUMMARY, description=docs.LIST_DESCRIPTION)
async def list_orgs(_: CurrentUser, paging: Paging) -> Page[HousingOrg]:
    return await housing_orgs.list_orgs(paging.limit, paging.offset)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=HousingOrg,
    summary=docs.CREATE_SUMMARY,
    description=docs.CREATE_DESCRIPTION,
    responses={
        303: {"description": "The name is taken; `Location` is the organisation that has it."},
        **responses(errors.Forbidden, errors.Conflict),
    },
)
async def create_org(body: HousingOrgCreate, _: CoordinatorOrAdmin) -> Response:
    org, created = await housing_orgs.create_org(body)
    if not created:
        return RedirectResponse(_location(org.id), status.HTTP_303_SEE_OTHER)
    return JSONResponse(
        org.model_dump(mode="json", by_alias=True),
        status_code=status.HTTP_201_CREATED,
        headers={"Location": _location(org.id)},
    )


@router.get(
    "/{org_id}",
    summary=docs.GET_SUMMARY,
    description=docs.GET_DESCRIPTION,
    responses=responses(errors.HousingOrgNotFound),
)
async def get_org(org_id: str, _: CurrentUser) -> HousingOrg:
    return await housing_orgs.get_org(org_id)


@router.put(
    "/{org_id}",
    response_model=HousingOrg,
    summary=docs.REPLACE_SUMMARY,
    description=docs.REPLACE_DESCRIPTION,
    responses={
        201: {"description": "Created with this id.", "model": HousingOrg},
        **responses(errors.Forbidden, errors.IdMismatch, errors.Conflict),
    },
)
async def replace_org(org_id: str, body: HousingOrgReplace, _: CoordinatorOrAdmin) -> Response:
    org, created = await housing_orgs.replace_org(org_id, body)
    if created:
        return JSONResponse(
            org.model_dump(mode="json", by_alias=True),
            status_code=status.HTTP_201_CREATED,
            headers={"Location": _location(org.id)},
        )
    return JSONResponse(org.model_dump(mode="json", by_alias=True))


@router.delete(
    "/{org_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.DELETE_SUMMARY,
    description=docs.DELETE_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.HousingOrgNotFound),
)
async def delete_org(org_id: str, _: CoordinatorOrAdmin) -> Response:
    await housing_orgs.delete_org(org_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{org_id}/programs",
    status_code=status.HTTP_201_CREATED,
    summary=docs.ADD_PROGRAM_SUMMARY,
    description=docs.ADD_PROGRAM_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.HousingOrgNotFound, errors.Conflict),
)
async def add_program(org_id: str, body: ProgramCreate, _: CoordinatorOrAdmin) -> Program:
    return await housing_orgs.add_program(org_id, body.program_name)


@router.delete(
    "/{org_id}/programs/{program_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary=docs.DELETE_PROGRAM_SUMMARY,
    description=docs.DELETE_PROGRAM_DESCRIPTION,
    responses=responses(errors.Forbidden, errors.HousingOrgNotFound, errors.NotFound),
)
async def delete_program(org_id: str, program_id: str, _: CoordinatorOrAdmin) -> Response:
    await housing_orgs.delete_program(org_id, program_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
