"""Texts for /api/housing-orgs."""

LIST_SUMMARY = "List housing organisations"
LIST_DESCRIPTION = """
Every signed-in user. Ordered by name; paginated with `limit` and `offset`. Each organisation
comes with its programs.
"""

CREATE_SUMMARY = "Create a housing organisation"
CREATE_DESCRIPTION = """
Coordinators and admins. `{orgName, programs?: [{programName}]}` → `201` with the organisation and
a `Location` header. Names are trimmed and must not be blank; programs get fresh ids.

Names are unique without regard to case or repeated spaces: when the name is taken the answer is
**`303 See Other`** with `Location: /api/housing-orgs/{existingId}` — follow it to read the
organisation that already has the name. Nothing is created then. Unknown fields are ignored.
"""

GET_SUMMARY = "Get a housing organisation"
GET_DESCRIPTION = "Every signed-in user. `404 HousingOrgNotFound` when there is none."

REPLACE_SUMMARY = "Replace or create a housing organisation"
REPLACE_DESCRIPTION = """
Coordinators and admins. `{orgName, programs?, id?}`:
- an existing id → `200` with the organisation renamed (and its programs replaced when `programs`
  is sent; a program keeps its id when the body gives it, or when it keeps its name);
- a new id (a UUID) → `201`, the organisation is created with that id;
- `id` in the body different from the path → `409 IdMismatch`;
- a name that another organisation has (any case) → `409 Conflict`;
- two programs of one name → `409 Conflict`.
Unknown fields are ignored.
"""

DELETE_SUMMARY = "Delete a housing organisation"
DELETE_DESCRIPTION = "Coordinators and admins. `204`; its programs go with it. `404` if unknown."

ADD_PROGRAM_SUMMARY = "Add a program"
ADD_PROGRAM_DESCRIPTION = """
Coordinators and admins. `{programName}` → `201` program. `409 Conflict` when the organisation
already has a program of that name (any case); `404 HousingOrgNotFound` for an unknown one.
"""

DELETE_PROGRAM_SUMMARY = "Delete a program"
DELETE_PROGRAM_DESCRIPTION = """
Coordinators and admins. `204`. `404 HousingOrgNotFound` for an unknown organisation, `404
NotFound` for a program it does not have.
"""
