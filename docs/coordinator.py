"""Texts for the coordinator dashboard, cases and the hosts list."""

DASHBOARD_SUMMARY = "The coordinator dashboard"
DASHBOARD_DESCRIPTION = """
Coordinators and admins. `{dashboardItems: [...], total}`, the shape the Home Unite Us web app
reads: one row for every guest, host **and coordinator** (admins are not listed):
`{id, userId, userName, userType, caseStatus, coordinatorId, coordinatorName, lastUpdated, notes,
profileStatus}`.

- `id` is the user's id (the same as `userId`): the row's key, and the id the admin page deletes
  with `DELETE /api/users/{id}`.
- `userType` is `GUEST`, `HOST` or `COORDINATOR` (upper case, as the app filters its tabs).
- Guests' and hosts' cases come first, the most recently changed first; coordinators follow,
  newest first. A coordinator has no case: `caseStatus`, `coordinatorId`, `coordinatorName`,
  `notes` and `profileStatus` are null and `lastUpdated` is when the user last changed.
- Without `limit` every row is answered, up to 1,000 (the app pages by itself); with `limit`
  (1–1,000) and `offset` the rows are paged. `total` counts every matching row.
- Filters: `userType=GUEST|HOST|COORDINATOR` (any case), `caseStatus=new|in_progress|needs_info|
  approved|denied|matched` and `mine=true` (the cases assigned to you); the last two leave
  coordinators out, since they have no case.
- `lastUpdated` is when the case last changed: a coordinator's change, a review, the user's
  first draft or a submission of their intake profile.
- `profileStatus` is the status of the user's intake profile (guest form for guests, host form for
  hosts): `new` until they save a draft, then `in_progress`, `submitted`, `needs_info`,
  `approved` or `denied`.

Every guest and host has a case from sign-up or invitation on (an invited guest's case is assigned
to the coordinator who invited them). Should a case be missing, it is created when the dashboard
is read.
"""

UPDATE_CASE_SUMMARY = "Update a case"
UPDATE_CASE_DESCRIPTION = """
Coordinators and admins. `{coordinatorId?, caseStatus?, notes?}`: only the fields sent change, and
`lastUpdated` becomes the time of the change. `coordinatorId` must be a coordinator's or an
admin's id (`null` unassigns; anything else is `422`); `notes` replaces the notes (`null` clears
them). Answers the case's dashboard row. `404 UserNotFound` for an id that is not a guest's or
host's.
"""

HOSTS_SUMMARY = "List hosts"
HOSTS_DESCRIPTION = """
Coordinators and admins. Users with the role host, newest first; `q` matches words in the name or
e-mail (case-insensitive; a NUL character in `q` is `422`). Paginated with `limit` and `offset`.
"""
