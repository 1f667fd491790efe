"""Housing organisations and their programs.

Owns the `housing_orgs` collection. Names are unique without regard to case: each document keeps a
trimmed, lower-cased copy of its name under a unique index, so two requests racing to create the
same name cannot both succeed. Programs live inside their organisation's document, so adding one
(with its own uniqueness check) is a single atomic update.
"""

from typing import Any
from uuid import UUID

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from config.errors import Conflict, HousingOrgNotFound, IdMismatch, NotFound, ValidationFailed
from models.commons import Page, new_id, utcnow
from models.housing_orgs import (
    HousingOrg,
    HousingOrgCreate,
    HousingOrgDocument,
    HousingOrgReplace,
    Program,
    ProgramDocument,
    ProgramReplace,
)
from utils.pages import page_of
from utils.pure.deletion import ForgetUser

# The list's order: by name. Names are unique (org_name_lower_unique), so the name alone is a total
# order, and the unique index serves it.
ORGS_ORDER = [("org_name_lower", 1)]


# What to_housing_org reads: the list copies nothing else out of the store.
PUBLIC_FIELDS = {"org_name": 1, "programs.id": 1, "programs.program_name": 1}


def _orgs() -> Any:
    return db.collection("housing_orgs")


def normalise_name(name: str) -> str:
    """The form names are compared in: trimmed, inner spaces collapsed, case-folded."""
    return " ".join(name.split()).casefold()


def to_housing_org(document: dict[str, Any]) -> HousingOrg:
    """The public view of a stored organisation."""
    return HousingOrg(
        id=document["_id"],
        org_name=document["org_name"],
        programs=[
            Program(id=p["id"], program_name=p["program_name"])
            for p in document.get("programs", [])
        ],
    )


def _program(name: str, program_id: str | None = None) -> ProgramDocument:
    return ProgramDocument(
        id=program_id or new_id(),
        program_name=name,
        program_name_lower=normalise_name(name),
    )


def _unique_programs(programs: list[ProgramDocument]) -> list[dict[str, Any]]:
    """The programs as stored; Conflict when two share a name or an id."""
    names = [p.program_name_lower for p in programs]
    if len(set(names)) != len(names):
        raise Conflict("Two programs of one organisation cannot share a name.")
    ids = [p.id for p in programs]
    if len(set(ids)) != len(ids):
        raise Conflict("Two programs of one organisation cannot share an id.")
    return [p.model_dump() for p in programs]


async def _name_holder(name: str, other_than: str | None = None) -> str | None:
    """The id of the organisation called `name` (any case), ignoring `other_than`."""
    query: dict[str, Any] = {"org_name_lower": normalise_name(name)}
    if other_than is not None:
        query["_id"] = {"$ne": other_than}
    document = await _orgs().find_one(query, {"_id": 1})
    return document["_id"] if document else None


async def create_org(body: HousingOrgCreate) -> tuple[HousingOrg, bool]:
    """Store a new organisation with its programs: (the organisation, True).

    When the name is taken: (the organisation that has it, False); the route answers 303 to it.
    "Created or not" is this pair everywhere (as for an RSVP).
    """
    document = HousingOrgDocument(
        org_name=body.org_name,
        org_name_lower=normalise_name(body.org_name),
    ).to_document()
    document["programs"] = _unique_programs([_program(p.program_name) for p in body.programs])
    try:
        await _orgs().insert_one(document)
    except DuplicateKeyError as exc:
        existing = await _orgs().find_one({"org_name_lower": document["org_name_lower"]})
        if existing is None:  # the other one was deleted in between: a real conflict, not a copy
            raise Conflict("This name was just taken and released; try again.") from exc
        return to_housing_org(existing), False
    return to_housing_org(document), True


async def list_orgs(limit: int = 20, offset: int = 0) -> Page[HousingOrg]:
    """A page of organisations in the order of their names."""
    if db.embedded:
        # mongomock copies every document before it cuts a page and sorts through slow comparison
        # objects: one projected pass and Python's sort (code point order, MongoDB's order for
        # strings) give the same page, and its total, for a fraction of that.
        every = await _orgs().find({}, {**PUBLIC_FIELDS, "org_name_lower": 1}).to_list(None)
        every.sort(key=lambda document: document["org_name_lower"])
        return Page[HousingOrg](
            items=[to_housing_org(d) for d in every[offset : offset + limit]],
            total=len(every),
            limit=limit,
            offset=offset,
        )
    return await page_of(
        _orgs(),
        {},
        ORGS_ORDER,
        to_housing_org,
        HousingOrg,
        limit=limit,
        offset=offset,
        projection=PUBLIC_FIELDS,
    )


async def get_org(org_id: str) -> HousingOrg:
    """The organisation with this id; HousingOrgNotFound otherwise."""
    document = await _orgs().find_one({"_id": org_id})
    if document is None:
        raise HousingOrgNotFound()
    return to_housing_org(document)


def _check_client_id(org_id: str) -> None:
    """A client-chosen id must look like every other id: a UUID (422 otherwise)."""
    try:
        UUID(org_id)
    except ValueError as exc:
        raise ValidationFailed(
            "A new organisation's id must be a UUID.",
            details=[{"field": "path.id", "message": "Not a UUID."}],
        ) from exc


def _replacement_programs(
    wanted: list[ProgramReplace], current: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The programs a PUT asks for; an existing program keeps its id when named the same."""
    by_name = {p["program_name_lower"]: p["id"] for p in current}
    programs = []
    for program in wanted:
        program_id = program.id or by_name.get(normalise_name(program.program_name))
        programs.append(_program(program.program_name, program_id))
    return _unique_programs(programs)


async def replace_org(org_id: str, body: HousingOrgReplace) -> tuple[HousingOrg, bool]:
    """Create or replace the organisation with this id; returns it and whether it was created.

    IdMismatch when the body names another id; Conflict when another organisation has the name.
    Without `programs` in the body the programs stay as they are.
    """
    if body.id is not None and str(body.id) != org_id:
        raise IdMismatch()
    current = await _orgs().find_one({"_id": org_id}, {"programs": 1})
    if current is None:
        _check_client_id(org_id)
    now = utcnow()
    changes: dict[str, Any] = {
        "org_name": body.org_name,
        "org_name_lower": normalise_name(body.org_name),
        "updated_at": now,
    }
    on_insert: dict[str, Any] = {"created_at": now}
    if body.programs is not None:
        changes["programs"] = _replacement_programs(
            body.programs, current.get("programs", []) if current else []
        )
    else:
        on_insert["programs"] = []
    try:
        # One atomic upsert: the document as it was before tells whether it was created.
        before = await _orgs().find_one_and_update(
            {"_id": org_id},
            {"$set": changes, "$setOnInsert": on_insert},
            upsert=True,
            return_document=ReturnDocument.BEFORE,
        )
    except DuplicateKeyError as exc:
        if await _name_holder(body.org_name, other_than=org_id) is not None:
            raise Conflict("Another housing organisation has this name.") from exc
        raise
    return await get_org(org_id), before is None


async def delete_org(org_id: str) -> None:
    """Remove an organisation and its programs; HousingOrgNotFound if there is none."""
    result = await _orgs().delete_one({"_id": org_id})
    if result.deleted_count == 0:
        raise HousingOrgNotFound()


async def add_program(org_id: str, program_name: str) -> Program:
    """Add a program to an organisation; Conflict when it already has one of that name."""
    program = _program(program_name)
    result = await _orgs().update_one(
        {"_id": org_id, "programs.program_name_lower": {"$ne": program.program_name_lower}},
        {"$push": {"programs": program.model_dump()}, "$set": {"updated_at": utcnow()}},
    )
    if result.matched_count == 0:
        await get_org(org_id)  # HousingOrgNotFound when the organisation is not there
        raise Conflict("This organisation already has a program of that name.")
    return Program(id=program.id, program_name=program.program_name)


async def delete_program(org_id: str, program_id: str) -> None:
    """Remove one program; HousingOrgNotFound or NotFound when either is not there."""
    result = await _orgs().update_one(
        {"_id": org_id, "programs.id": program_id},
        {"$pull": {"programs": {"id": program_id}}, "$set": {"updated_at": utcnow()}},
    )
    if result.matched_count == 0:
        await get_org(org_id)
        raise NotFound("This organisation has no such program.")


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "housing_orgs": None,  # organisations, not people
}
