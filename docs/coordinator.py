"""Texts for the coordinator dashboard, cases and the hosts list."""

DASHBOARD_SUMMARY = "The coordinator dashboard"
DASHBOARD_DESCRIPTION = """
Coordinators and admins. Every guest and host, one item each: `{userId, userName, userType,
caseStatus, coordinatorId, coordinatorName, lastUpdated, notes, profileStatus}`, the most recently
changed cases first, paginated with `limit` and `offset`.

- `userType=guest|host` and `caseStatus=new|in_progress|needs_info|approved|denied|matched`
  filter; `mine=true` keeps the cases assigned to you.
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
them). Answers the dashboard item. `404 UserNotFound` for an id that is not a guest's or host's.
"""

HOSTS_SUMMARY = "List hosts"
HOSTS_DESCRIPTION = """
Coordinators and admins. Users with the role host, newest first; `q` matches words in the name or
e-mail (case-insensitive; a NUL character in `q` is `422`). Paginated with `limit` and `offset`.
"""
