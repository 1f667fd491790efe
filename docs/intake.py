"""Texts for /api/intake-profile."""

FORM_SUMMARY = "Get an intake form"
FORM_DESCRIPTION = """
Every signed-in user. `formId` is the form's id or its name: `1` or `guest` (the guest form), `2` or
`host` (the host form). The forms are seeded at start-up from the JSON files shipped in
`models/forms/`, in the web app's model (the same as `GET /api/profile/{formId}`).

A form: `{id, title, fieldGroups: [{id, order, title, fields: [{id, title, type, properties:
{choices?: [{id, label}]}, validations: {required?, required_if?: {field_id, value},
max_characters?}, linkedFields?: {emailFieldId, phoneFieldId}}]}]}` (keys without a value are
left out). `validations` is in snake_case, as the web app reads it. A field with `required_if`
("if yes, …") is required when the `yes_no` field it names holds `value` (`"yes"` or `"no"`).
A `dropdown` always has `choices`; a `contact_method` always has `linkedFields` naming the form's
e-mail and phone fields.

The guest form's sections (`fieldGroups[].id`, in order): `basic-information`,
`contact-information`, `guests-and-pets`, `employment-information`, `education`,
`language-proficiency`, `substance-use`, `mental-health`, `interest`, `about-you`. The host form's:
`personal-information`, `home-information`, `restrictions`.

Values by type (what to send, and what is read back, exactly as sent):

| type | value | example |
|---|---|---|
| `short_text`, `long_text` | string, at most `max_characters` (else 1,000 / 10,000) | `"Gus"` |
| `email` | an e-mail address | `"gus@example.org"` |
| `number` | a phone number, as a string | `"(909)555-1234"` |
| `date` | an ISO date or date-time | `"1990-05-16"`, `"1990-05-16T22:00:00.000Z"` |
| `dropdown` | the chosen choice's **label** | `"Non-binary"` |
| `yes_no` | `"yes"` or `"no"` | `"yes"` |
| `contact_method` | `"phone"` or `"email"` | `"email"` |
| `additional_guests` | at most 20 `{id, name, dob, relationship}` | `[{"name": "Ana", …}]` |
| `pets` | at most 20 `{type}` (and `id`, if sent) | `[{"type": "Dog"}]` |

In `additional_guests`, `name` and `relationship` are non-blank strings, `dob` an ISO date or
date-time or `null`, `id` any string (the app's uuid). A pet's `type` is one of `Dog`, `Cat`,
`Bird`, `Fish`, `Reptile`, `Hamster`, `Rabbit` or `""`. Other keys inside list entries are
dropped. An unanswered field is blank: `""`, `null` or `[]` (allowed in any draft).
"""

WEB_APP_FORM_DESCRIPTION = """
The web app's path for `GET /api/intake-profile/form/{formId}`: the same form, the same rules
(`1`/`guest`, `2`/`host`). Every signed-in user.
"""

SECTION_SUMMARY = "Get one section of an intake form"
SECTION_DESCRIPTION = """
Every signed-in user. One field group of the form, `{id, order, title, fields}`, by its id (such as
`/api/profile/1/contact-information`); `404 FormNotFound` for an unknown form, `404 NotFound` for a
section the form does not have.
"""

RESPONSES_SUMMARY = "Your answers"
RESPONSES_DESCRIPTION = """
The guest (guest form) or host (host form): `{responses: [{fieldId, value}]}`, the caller's own
answers to that form, in the form's order, exactly as saved (none before the first save). The web
app calls `/api/intake-profile/responses/1`. `403` for a form that is not the caller's.

A profile saved before the forms took their current shape may hold answers to fields the form no
longer has, or values of an older shape: they are left out here and in every profile read (never
counted for submission), and dropped from the profile by its next save.
"""

SAVE_SECTION_SUMMARY = "Save some answers (one section)"
SAVE_SECTION_DESCRIPTION = """
The guest or host, into their own profile of their role's form (no form id is sent, as the web
app calls it): `{responses: [{fieldId, value, ...}]}`, one entry per field of the section, blank
ones included. Other keys of an entry (such as an echoed `id`) are ignored.

- A draft save: blanks are allowed; every other value is checked against its field (see the value
  table under `GET /api/intake-profile/form/{formId}`), and an unknown `fieldId` is refused:
  `422 ValidationError` with one `details` entry per bad field, and nothing is written.
- The answers are **merged** into the saved ones: those of other sections stay. Two sections saved
  at the same moment both land (each save is one conditional write on the profile's version; the
  one that loses the race merges again into what the other wrote).
- The status moves as with `PUT /api/intake-profile/{formId}` without `submit`: `new` becomes
  `in_progress` and the user's case follows. A `submitted`, `approved` or `denied` profile is
  read-only: `409 Conflict`.

Answers `200` with the whole profile and its new `ETag`. Submitting is `PUT
/api/intake-profile/{formId}` with `submit: true`.
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
every answer each time, such as those read from `GET /api/intake-profile/responses/{formId}`); a
blank value (`""`, `null`, `[]`) means "no answer".

- Every non-blank value is checked against its field (see the value table under
  `GET /api/intake-profile/form/{formId}`). Unknown field ids and a field answered twice are
  refused too. `422 ValidationError` lists one `details` entry per
  problem, `{"field": "responses.<fieldId>", "message"}` (with `[i].key` after it for a problem
  inside a list entry).
- Without `submit` the answers are a draft: status `new` becomes `in_progress`; a profile sent
  back with `needs_info` stays `needs_info` until it is submitted again.
- `submit: true` also needs every `required` field, and every field that a `required_if` makes
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
Coordinators and admins. The profile of that user for that form, with its `ETag` (answers as
under `GET /api/intake-profile/responses/{formId}`); an empty `new`
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
