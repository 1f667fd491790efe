"""Texts for /api/intake-profile."""

FORM_SUMMARY = "Get an intake form"
FORM_DESCRIPTION = """
Every signed-in user. `formId` is the form's id, or `guest` / `host` (also `1` / `2`, as in the old
system). The forms are seeded at start-up from the JSON files shipped in `models/forms/`.

A form: `{id, title, description, fieldGroups: [{id, title, fields: [{id, title, type,
properties: {choices?, maxLength?}, validations: {required?, requiredIf?: {fieldId, value},
maxLength?}}]}]}`. `requiredIf` makes a follow-up question ("if you answered yes …") required when
the field it names holds the value (a `multiple_choice` answer holds each of its choices).

Values by type: `short_text`, `long_text`, `email`, `phone` → string (text is limited to its
`maxLength`, else 1,000 characters for short and 10,000 for long text); `number` → number;
`date` → `"YYYY-MM-DD"`; `yes_no` → boolean; `dropdown`, `contact_method` → one choice id;
`multiple_choice` → list of distinct choice ids; `additional_guests` → list (at most 20) of
`{name, dateOfBirth, relationship}`, all three required; `pets` → list (at most 20) of
`{type: Cat|Dog|Other, breed?}`.
"""

GET_OWN_SUMMARY = "Your intake profile"
GET_OWN_DESCRIPTION = """
Guests read their guest-form profile, hosts their host-form profile (`403` for any other form, and
for coordinators and admins, who use `/{formId}/users/{userId}`). Never saved yet: an empty profile
in status `new` (nothing is stored by reading). The `ETag` header is the profile's version: send it
back as `If-Match` when saving.

A profile: `{id, userId, formId, status, responses: [{fieldId, value}], updatedAt, submittedAt}`.
Its `id` is derived from the user and the form, so it is the same before and after the first save.
"""

SAVE_SUMMARY = "Save or submit your intake profile"
SAVE_DESCRIPTION = """
`{responses: [{fieldId, value}], submit?: false}`. The responses **replace** the saved ones (send
every answer each time); a `null` value means "no answer".

- Every value is checked against its field: type, choices, `maxLength`. Unknown field ids and a
  field answered twice are refused too. `422 ValidationError` lists one `details` entry per
  problem, `{"field": "responses.<fieldId>", "message"}` (with `[i].key` after it for a problem
  inside a list entry).
- Without `submit` the answers are a draft: status `new` becomes `in_progress`; a profile sent
  back with `needs_info` stays `needs_info` until it is submitted again.
- `submit: true` also needs every required field, and every field that a `requiredIf` makes
  required, then sets status `submitted` and `submittedAt`.
- A `submitted`, `approved` or `denied` profile is read-only: `409 Conflict`, until a coordinator
  asks for more information (`needs_info`).
- `If-Match` (optional): the ETag you read. If the profile changed since, `412
  PreconditionFailed` and nothing is written — also when two saves with the same ETag race: one
  wins, the other gets 412. Without `If-Match` the last save wins.

The user's case follows: a first draft moves a `new` case to `in_progress`; a submission moves a
`new`, `in_progress` or `needs_info` case to `in_progress` (there is something to review) and
updates its `lastUpdated`. Approved, denied and matched cases are not moved by the user.
"""

GET_USER_SUMMARY = "A user's intake profile"
GET_USER_DESCRIPTION = """
Coordinators and admins. The profile of that user for that form, with its `ETag`; an empty `new`
one when a guest (guest form) or host (host form) has not saved yet. `404 UserNotFound`,
`404 FormNotFound`, and `404 NotFound` when the user has no profile for a form that is not theirs.
"""

REVIEW_SUMMARY = "Review a submitted intake profile"
REVIEW_DESCRIPTION = """
Coordinators and admins. `{decision: approved|denied|needs_info, note?}` → `200` profile with the
decision as its status. Only a `submitted` profile can be reviewed (`409 Conflict` otherwise, also
when another reviewer decided first). `needs_info` makes the profile editable again.

The user's case takes the decision as its `caseStatus`, and the note is added to the case notes as
a line `YYYY-MM-DD <reviewer> (<decision>): <note>`.
"""
