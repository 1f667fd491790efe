"""Intake forms and intake profiles.

Owns `intake_forms` and `intake_profiles`. Forms are seeded at start-up from the JSON files in
models/forms/ (idempotently: a form is rewritten only when its file's hash changed). A profile is
one document per user and form whose id is derived from both, so it is known before the first save
and two first saves cannot make two profiles. Every save is one conditional update on the profile's
`version`, which is also its ETag: a save made against an old version fails instead of
overwriting what another save wrote in between.
"""

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from email_validator import EmailNotValidError, validate_email
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from models.cases import CaseStatus
from models.commons import utcnow
from models.intake import (
    CHOICE_TYPES,
    EDITABLE_STATUSES,
    Answer,
    FieldType,
    Form,
    FormDocument,
    FormField,
    FormFile,
    Profile,
    ProfileDocument,
    ProfileSave,
    ProfileStatus,
    Review,
)
from models.users import User
from utils import cases, users
from utils.errors import (
    Conflict,
    Forbidden,
    FormNotFound,
    InvalidToken,
    NotFound,
    PreconditionFailed,
    UserNotFound,
    ValidationFailed,
)

log = logging.getLogger("hosthome.intake")

FORMS_DIR = Path(__file__).resolve().parent.parent / "models" / "forms"
# Limits for answers whose field sets none, so that no answer is unbounded.
DEFAULT_MAX_LENGTH = {FieldType.SHORT_TEXT: 1_000, FieldType.LONG_TEXT: 10_000}
MAX_LIST_ITEMS = 20
MAX_NAME_LENGTH = 100
MAX_NUMBER = 10**15
PET_TYPES = ("Cat", "Dog", "Other")
SAVE_ATTEMPTS = 5
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE = re.compile(r"^\+?[0-9()\-. ]{7,40}$")
_PROFILE_NAMESPACE = uuid5(NAMESPACE_URL, "hosthome:intake-profile")


def _forms() -> Any:
    return db.collection("intake_forms")


def _profiles() -> Any:
    return db.collection("intake_profiles")


# --- Forms -----------------------------------------------------------------------------------


def check_form_definition(form: FormFile) -> None:
    """Refuse a form file that could not be answered: ValueError saying what is wrong."""
    fields = [field for group in form.field_groups for field in group.fields]
    ids = [field.id for field in fields]
    if len(set(ids)) != len(ids):
        raise ValueError(f"form {form.id}: field ids are not unique")
    by_id = {field.id: field for field in fields}
    for field in fields:
        choices = field.properties.choices
        if field.type in CHOICE_TYPES and not choices:
            raise ValueError(f"form {form.id}: field {field.id} needs choices")
        if choices and len({c.id for c in choices}) != len(choices):
            raise ValueError(f"form {form.id}: field {field.id} has duplicate choice ids")
        condition = field.validations.required_if
        if condition is not None and condition.field_id not in by_id:
            raise ValueError(f"form {form.id}: field {field.id} depends on an unknown field")


def form_files(directory: Path) -> list[Path]:
    """The form files of a directory, in name order."""
    return sorted(directory.glob("*.json"))


def load_form_file(path: Path) -> tuple[FormFile, str]:
    """Read and check one form file; returns the form and the hash of the file's content."""
    content = path.read_bytes()
    form = FormFile.model_validate(json.loads(content))
    check_form_definition(form)
    return form, hashlib.sha256(content).hexdigest()


async def seed_forms(directory: Path = FORMS_DIR) -> list[str]:
    """Store every form file of `directory`; returns the ids of the forms written.

    Idempotent and safe with several workers starting at once: a form is replaced only when its
    stored hash differs from its file's, in one conditional upsert.
    """
    written = []
    for path in form_files(directory):
        form, content_hash = load_form_file(path)
        document = FormDocument(
            _id=form.id,
            title=form.title,
            description=form.description,
            field_groups=form.field_groups,
            role=form.role,
            aliases=form.aliases,
            content_hash=content_hash,
        ).to_document()
        try:
            result = await _forms().replace_one(
                {"_id": form.id, "content_hash": {"$ne": content_hash}}, document, upsert=True
            )
        except DuplicateKeyError:
            continue  # the stored form already has this hash (or another worker just wrote it)
        if result.modified_count or result.upserted_id is not None:
            written.append(form.id)
            log.info("intake form %s (%s) written from %s", form.id, form.role, path.name)
    return written


async def _form_document(form_ref: str) -> FormDocument:
    """The form named by its id or one of its aliases (`guest`, `host`, `1`, `2`)."""
    document = await _forms().find_one({"$or": [{"_id": form_ref}, {"aliases": form_ref}]})
    if document is None:
        raise FormNotFound()
    return FormDocument.model_validate(document)


def _public_form(document: FormDocument) -> Form:
    return Form(
        id=document.id,
        title=document.title,
        description=document.description,
        field_groups=document.field_groups,
    )


async def get_form(form_ref: str) -> Form:
    """A form by id or alias; FormNotFound otherwise."""
    return _public_form(await _form_document(form_ref))


async def _own_form(user: User, form_ref: str) -> FormDocument:
    """The form, if this user fills it in (guests the guest form, hosts the host form)."""
    form = await _form_document(form_ref)
    if user.role != form.role:
        raise Forbidden(f"Only a {form.role} fills in this form.")
    return form


# --- Answers ---------------------------------------------------------------------------------

Problem = tuple[str, str]  # (suffix of the field path, message)


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return "Must be a string."
    if len(value) > limit:
        return f"At most {limit} characters."
    return None


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return "Must be a date as YYYY-MM-DD."
    try:
        date.fromisoformat(value)
    except ValueError:
        return "Not a real date."
    return None


def _email(value: Any) -> str | None:
    problem = _text(value, 254)
    if problem:
        return problem
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return "Not a valid e-mail address."
    return None


def _phone(value: Any) -> str | None:
    problem = _text(value, 40)
    if problem:
        return problem
    if not _PHONE.match(value) or sum(c.isdigit() for c in value) < 7:
        return "Not a valid phone number."
    return None


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "Must be a number."
    # Bounded so that every answer fits a 64-bit integer or a double exactly enough.
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_NUMBER:
        return f"Must be a number from -{MAX_NUMBER:,} to {MAX_NUMBER:,}."
    return None


def _name(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "Required, as a string."
    return _text(value, MAX_NAME_LENGTH)


def _items(value: Any, check: Callable[[dict[str, Any]], list[Problem]]) -> list[Problem]:
    if not isinstance(value, list):
        return [("", "Must be a list.")]
    if len(value) > MAX_LIST_ITEMS:
        return [("", f"At most {MAX_LIST_ITEMS} entries.")]
    problems = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append((f"[{index}]", "Must be an object."))
            continue
        problems.extend((f"[{index}]{suffix}", message) for suffix, message in check(item))
    return problems


def _additional_guest(item: dict[str, Any]) -> list[Problem]:
    checks = (
        ("name", _name(item.get("name"))),
        ("dateOfBirth", _date(item.get("dateOfBirth"))),
        ("relationship", _name(item.get("relationship"))),
    )
    return [(f".{key}", problem) for key, problem in checks if problem]


def _pet(item: dict[str, Any]) -> list[Problem]:
    problems = []
    if item.get("type") not in PET_TYPES:
        problems.append((".type", "Must be one of " + ", ".join(PET_TYPES) + "."))
    breed = item.get("breed")
    if breed is not None and (problem := _text(breed, MAX_NAME_LENGTH)):
        problems.append((".breed", problem))
    return problems


def _choices(field: FormField, value: Any, *, many: bool) -> list[Problem]:
    known = {choice.id for choice in field.properties.choices or []}
    if not many:
        if not isinstance(value, str) or value not in known:
            return [("", "Must be one of: " + ", ".join(sorted(known)) + ".")]
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [("", "Must be a list of choice ids.")]
    problems = [("", f"Not a choice: {v!r}.") for v in value if v not in known]
    if len(set(value)) != len(value):
        problems.append(("", "A choice is listed twice."))
    return problems


def check_value(field: FormField, value: Any) -> list[Problem]:
    """Every problem with one (non-null) answer to `field`, by the field's type."""
    kind = field.type
    if kind in (FieldType.SHORT_TEXT, FieldType.LONG_TEXT):
        limit = field.validations.max_length or field.properties.max_length
        problem = _text(value, limit or DEFAULT_MAX_LENGTH[kind])
    elif kind == FieldType.EMAIL:
        problem = _email(value)
    elif kind == FieldType.PHONE:
        problem = _phone(value)
    elif kind == FieldType.NUMBER:
        problem = _number(value)
    elif kind == FieldType.DATE:
        problem = _date(value)
    elif kind == FieldType.YES_NO:
        problem = None if isinstance(value, bool) else "Must be true or false."
    elif kind in (FieldType.DROPDOWN, FieldType.CONTACT_METHOD):
        return _choices(field, value, many=False)
    elif kind == FieldType.MULTIPLE_CHOICE:
        return _choices(field, value, many=True)
    elif kind == FieldType.ADDITIONAL_GUESTS:
        return _items(value, _additional_guest)
    else:  # FieldType.PETS
        return _items(value, _pet)
    return [("", problem)] if problem else []


def _normalise(field: FormField, value: Any) -> Any:
    """The answer as stored: list entries keep only the keys their type knows."""
    if field.type == FieldType.ADDITIONAL_GUESTS:
        return [
            {"name": i["name"], "dateOfBirth": i["dateOfBirth"], "relationship": i["relationship"]}
            for i in value
        ]
    if field.type == FieldType.PETS:
        return [{"type": i["type"], "breed": i.get("breed")} for i in value]
    return value


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str | list) and not value)
        or (isinstance(value, str) and not value.strip())
    )


def _holds(answer: Any, expected: Any) -> bool:
    """Whether an answer holds the value a requiredIf names (a list holds its members)."""
    if isinstance(answer, list):
        return expected in answer
    # True == 1 in Python; a yes/no answer must not satisfy a numeric condition, nor the reverse.
    return isinstance(answer, bool) == isinstance(expected, bool) and answer == expected


def _missing(fields: list[FormField], answers: dict[str, Any]) -> list[dict[str, str]]:
    """One entry per field that submitting needs and that has no answer."""
    titles = {field.id: field.title for field in fields}
    details = []
    for field in fields:
        if not _is_blank(answers.get(field.id)):
            continue
        condition = field.validations.required_if
        if field.validations.required:
            message = "This field is required."
        elif condition is not None and _holds(answers.get(condition.field_id), condition.value):
            shown = json.dumps(condition.value)
            message = f"Required because “{titles[condition.field_id]}” is {shown}."
        else:
            continue
        details.append({"field": f"responses.{field.id}", "message": message})
    return details


def check_responses(
    form: FormDocument, responses: list[Answer], *, submit: bool
) -> list[dict[str, Any]]:
    """The answers as stored, or ValidationFailed with one `details` entry per problem.

    Every answer must name a field of the form and suit its type; a null answer means "no answer"
    and is dropped. With `submit`, required fields and those a requiredIf makes required must be
    answered too.
    """
    fields = [field for group in form.field_groups for field in group.fields]
    by_id = {field.id: field for field in fields}
    details: list[dict[str, str]] = []
    answers: dict[str, Any] = {}
    for answer in responses:
        path = f"responses.{answer.field_id}"
        field = by_id.get(answer.field_id)
        if field is None:
            details.append({"field": path, "message": "This form has no such field."})
        elif answer.field_id in answers:
            details.append({"field": path, "message": "This field is answered twice."})
        elif answer.value is None:
            answers[answer.field_id] = None
        elif problems := check_value(field, answer.value):
            details.extend({"field": path + suffix, "message": msg} for suffix, msg in problems)
            answers[answer.field_id] = answer.value  # answered, if badly: not also "missing"
        else:
            answers[answer.field_id] = _normalise(field, answer.value)
    if submit:
        details.extend(_missing(fields, answers))
    if details:
        raise ValidationFailed("Some answers are not valid.", details=details)
    return [{"field_id": f, "value": v} for f, v in answers.items() if v is not None]


# --- Profiles --------------------------------------------------------------------------------


def profile_id(user_id: str, form_id: str) -> str:
    """The id of a user's profile for a form: the same before and after its first save."""
    return str(uuid5(_PROFILE_NAMESPACE, f"{user_id}/{form_id}"))


def etag(profile: ProfileDocument) -> str:
    """The profile's ETag: its id and version, quoted."""
    return f'"{profile.id}-{profile.version}"'


def _matches(if_match: str, current: str) -> bool:
    """Whether an If-Match header names the current ETag (`*` names any)."""
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    return "*" in tags or current in tags


def _unsaved(user_id: str, form_id: str) -> ProfileDocument:
    return ProfileDocument(
        _id=profile_id(user_id, form_id), user_id=user_id, form_id=form_id, status=ProfileStatus.NEW
    )


async def _stored(user_id: str, form_id: str) -> ProfileDocument | None:
    document = await _profiles().find_one({"_id": profile_id(user_id, form_id)})
    return ProfileDocument.model_validate(document) if document else None


def to_profile(document: ProfileDocument) -> Profile:
    """The public view of a profile."""
    return Profile(
        id=document.id,
        user_id=document.user_id,
        form_id=document.form_id,
        status=document.status,
        responses=[Answer(field_id=r["field_id"], value=r["value"]) for r in document.responses],
        updated_at=document.updated_at,
        submitted_at=document.submitted_at,
    )


async def get_own_profile(user: User, form_ref: str) -> tuple[Profile, str]:
    """The caller's profile for their form (an empty `new` one if never saved) and its ETag."""
    form = await _own_form(user, form_ref)
    document = await _stored(user.id, form.id) or _unsaved(user.id, form.id)
    return to_profile(document), etag(document)


async def get_user_profile(form_ref: str, user_id: str) -> tuple[Profile, str]:
    """Any user's profile for a form, for staff; NotFound if the form is not theirs to fill."""
    form = await _form_document(form_ref)
    user = await users.get_user(user_id)
    document = await _stored(user.id, form.id)
    if document is None:
        if user.role != form.role:
            raise NotFound(f"This user is not a {form.role} and has no profile for this form.")
        document = _unsaved(user.id, form.id)
    return to_profile(document), etag(document)


async def _write(
    current: ProfileDocument | None, fresh: ProfileDocument, changes: dict[str, Any]
) -> ProfileDocument | None:
    """One conditional write: insert the first version, or update the version that was read.

    None when another save got there first.
    """
    if current is None:
        document = fresh.model_copy(
            update={**changes, "version": 1, "created_at": changes["updated_at"]}
        )
        try:
            await _profiles().insert_one(document.to_document())
        except DuplicateKeyError:
            return None
        return document
    saved = await _profiles().find_one_and_update(
        {
            "_id": current.id,
            "version": current.version,
            "status": {"$in": [str(s) for s in EDITABLE_STATUSES]},
        },
        {"$set": changes, "$inc": {"version": 1}},
        return_document=ReturnDocument.AFTER,
    )
    return ProfileDocument.model_validate(saved) if saved else None


async def save_profile(
    user: User, form_ref: str, body: ProfileSave, if_match: str | None
) -> tuple[Profile, str]:
    """Save the caller's answers as a draft or, with `submit`, submit them; returns the profile
    and its new ETag.

    Conflict when the profile is read-only (submitted, approved or denied); PreconditionFailed
    when `if_match` is not the current ETag, also when another save lands between our read and
    our write. Without `if_match` the last save wins, but never over a submitted profile.
    """
    form = await _own_form(user, form_ref)
    fresh = _unsaved(user.id, form.id)
    responses: list[dict[str, Any]] | None = None
    for _ in range(SAVE_ATTEMPTS):
        current = await _stored(user.id, form.id)
        seen = current or fresh
        if seen.status not in EDITABLE_STATUSES:
            raise Conflict(f"This profile is {seen.status}; it cannot be changed now.")
        if if_match is not None and not _matches(if_match, etag(seen)):
            raise PreconditionFailed()
        if responses is None:
            responses = check_responses(form, body.responses, submit=body.submit)
        now = utcnow()
        changes: dict[str, Any] = {"responses": responses, "updated_at": now}
        if body.submit:
            changes.update(status=ProfileStatus.SUBMITTED, submitted_at=now)
        elif seen.status == ProfileStatus.NEW:
            changes["status"] = ProfileStatus.IN_PROGRESS
        saved = await _write(current, fresh, changes)
        if saved is not None:
            await cases.profile_saved(user.id, user.role, submitted=body.submit)
            if not await users.is_live(user.id):  # being deleted: undo the profile and case
                await delete_profiles_of(user.id)
                await cases.delete_case(user.id)
                raise InvalidToken("The account this token belongs to no longer exists.")
            return to_profile(saved), etag(saved)
    raise Conflict("The profile is being changed elsewhere; reload it and try again.")


async def review_profile(
    reviewer: User, form_ref: str, user_id: str, review: Review
) -> tuple[Profile, str]:
    """Decide about a submitted profile; the user's case takes the decision as its status.

    UserNotFound for an unknown user; Conflict unless the profile is submitted (one atomic
    update, so two reviewers cannot both decide).
    """
    form = await _form_document(form_ref)
    user = await users.get_user(user_id)
    now = utcnow()
    saved = await _profiles().find_one_and_update(
        {"_id": profile_id(user.id, form.id), "status": str(ProfileStatus.SUBMITTED)},
        {
            "$set": {
                "status": str(review.decision),
                "reviewed_at": now,
                "reviewed_by": reviewer.id,
            },
            "$inc": {"version": 1},
        },
        return_document=ReturnDocument.AFTER,
    )
    if saved is None:
        raise Conflict("Only a submitted profile can be reviewed.")
    reviewer_name = " ".join(n for n in (reviewer.first_name, reviewer.last_name) if n)
    await cases.record_review(
        user.id, user.role, CaseStatus(review.decision), review.note, reviewer_name
    )
    if not await users.is_live(user.id):  # deleted meanwhile: the case must not come back
        await delete_profiles_of(user.id)
        await cases.delete_case(user.id)
        raise UserNotFound()
    document = ProfileDocument.model_validate(saved)
    return to_profile(document), etag(document)


async def profile_statuses(people: list[User]) -> dict[str, ProfileStatus]:
    """The status of each user's profile for the form of their role (`new` when never saved)."""
    forms = await _forms().find({}, {"role": 1}).to_list(None)
    form_of_role = {document["role"]: document["_id"] for document in forms}
    wanted = {
        profile_id(person.id, form_of_role[person.role]): person.id
        for person in people
        if person.role in form_of_role
    }
    documents = await _profiles().find({"_id": {"$in": list(wanted)}}, {"status": 1}).to_list(None)
    statuses = {person.id: ProfileStatus.NEW for person in people}
    for document in documents:
        statuses[wanted[document["_id"]]] = ProfileStatus(document["status"])
    return statuses


async def delete_profiles_of(user_id: str) -> None:
    """Remove every intake profile of a user (account deleted)."""
    await _profiles().delete_many({"user_id": user_id})
