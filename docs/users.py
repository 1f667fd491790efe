"""Texts for /api/users."""

CURRENT_SUMMARY = "The signed-in user"
CURRENT_DESCRIPTION = "Answers the user the access token belongs to."

UPDATE_CURRENT_SUMMARY = "Change your profile"
UPDATE_CURRENT_DESCRIPTION = """
Changes only the fields sent: `firstName`, `middleName`, `lastName`, `phone`, `imageId`. E-mail,
role and status cannot be changed here. `imageId` must name an uploaded image
(`422 ValidationError` otherwise).
"""

CHANGE_PASSWORD_SUMMARY = "Change your password"
CHANGE_PASSWORD_DESCRIPTION = """
Needs the current password (`401 InvalidCredentials` otherwise). Every other session of the user
ends; the current one goes on. Each try counts with sign-ins: 10 a minute per e-mail and 120 per
client address (`429` with `Retry-After`), so a stolen access token cannot guess the password.
"""

LIST_SUMMARY = "List users"
LIST_DESCRIPTION = """
Coordinators and admins. Newest first; `role` filters by role and `q` matches words in the name or
e-mail (case-insensitive; a NUL character in `q` is `422`). Paginated with `limit` and `offset`.
"""

GET_SUMMARY = "Get a user"
GET_DESCRIPTION = "Coordinators, admins, and the user themself. `404 UserNotFound` otherwise."

ROLE_SUMMARY = "Change a user's role"
ROLE_DESCRIPTION = """
Admins only. A user who becomes a guest or host gets a case if they had none.
"""

DELETE_SUMMARY = "Delete a user"
DELETE_DESCRIPTION = """
Admins, or the user themself. Their sessions, case, intake profiles, RSVPs, saved events, images
and feedback go with them, events they created that have not ended are cancelled (attendees are
e-mailed in the background), and cases assigned to them become unassigned. The account disappears
at once (signed out, hidden from every list); a request the user makes meanwhile is undone and
answers `401`. Safe to repeat: a deletion that was interrupted is finished by sending it again
(by an admin, since the user is signed out from its first step).

The web app's admin page deletes from the dashboard (`id` of a row) and reads `items` from the
error: every error of this route (401, 403, 404, 422, ...) also carries `items`, a list of strings
(one per bad field on `422`, otherwise empty).
"""

# The signed-in user's events (/api/users/current/...).

MY_EVENTS_SUMMARY = "Your events"
MY_EVENTS_DESCRIPTION = """
`kind` (default `created`):
- `created`: events you created that have not ended and are not cancelled (any approval);
- `attending`: events you RSVP'd to that have not ended and are not cancelled;
- `saved`: events you saved that have not ended, are not cancelled and you can still see;
- `archived`: events you created or attended that have ended or were cancelled.

Current events come soonest first, archived ones latest first. Paginated.
"""

SAVE_SUMMARY = "Save an event"
SAVE_DESCRIPTION = "Idempotent: `204`. `404 EventNotFound` when you cannot see the event."

UNSAVE_SUMMARY = "Forget a saved event"
UNSAVE_DESCRIPTION = """
Idempotent: `204`, also for an event that is no longer saved or no longer exists.
"""
