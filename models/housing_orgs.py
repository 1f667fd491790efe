"""Housing organisations and their programs: the stored document and the bodies of the API."""

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from models.commons import APIModel, ExtendedBaseModel, new_id, utcnow

# Names are trimmed before they are checked, so a name of spaces only is refused as empty; the
# schema says so with a pattern (JSON Schema patterns search: "has a character that is not space").
_NotBlank = Field(json_schema_extra={"pattern": r"\S"})
OrgName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), _NotBlank
]
ProgramName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), _NotBlank
]


class ProgramDocument(APIModel):
    """A program as stored inside its organisation."""

    id: str = Field(default_factory=new_id)
    program_name: str
    program_name_lower: str


class HousingOrgDocument(ExtendedBaseModel):
    """An organisation as stored in `housing_orgs`; `org_name_lower` carries the unique index."""

    org_name: str
    org_name_lower: str
    programs: list[ProgramDocument] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Program(APIModel):
    """A program as clients see it."""

    id: str
    program_name: str


class HousingOrg(APIModel):
    """An organisation as clients see it."""

    id: str
    org_name: str
    programs: list[Program]


class ProgramCreate(APIModel):
    """POST /api/housing-orgs/{id}/programs, and a program inside an org body."""

    program_name: ProgramName


class ProgramReplace(ProgramCreate):
    """A program inside a PUT body: with its id it keeps that id."""

    id: str | None = Field(default=None, max_length=64)


class HousingOrgCreate(APIModel):
    """POST /api/housing-orgs."""

    org_name: OrgName
    programs: list[ProgramCreate] = Field(default_factory=list, max_length=200)


class HousingOrgReplace(APIModel):
    """PUT /api/housing-orgs/{id}; `id`, when sent, must equal the path's id."""

    org_name: OrgName
    programs: list[ProgramReplace] | None = Field(
        default=None,
        max_length=200,
        description="Omitted: the programs stay as they are. Sent: they replace the programs.",
    )
    # Any JSON scalar: a mismatch is a 409 IdMismatch, whatever its type.
    id: str | int | None = None
