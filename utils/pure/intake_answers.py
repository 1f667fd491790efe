"""The intake answer rules, pure: is a form file renderable, is an answer valid for its field,
which stored answers still fit the form. No I/O; utils/intake.py stores what these accept."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from config.errors import ValidationFailed
from models.intake import Answer, FieldType, Form, FormDocument, FormField, FormFile

# Limits for answers whose field sets none, so that no answer is unbounded.
DEFAULT_MAX_LENGTH = {FieldType.SHORT_TEXT: 1_000, FieldType.LONG_TEXT: 10_000}
MAX_LIST_ITEMS = 20
MAX_NAME_LENGTH = 100
PET_TYPES = ("Dog", "Cat", "Bird", "Fish", "Reptile", "Hamster", "Rabbit", "")
YES_NO = ("yes", "no")
CONTACT_METHODS = ("phone", "email")
_GUEST_KEYS = ("id", "name", "dob", "relationship")
_PET_KEYS = ("id", "type")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T.+)?$")
_PHONE = re.compile(r"^\+?[0-9()\-. ]{7,40}$")


def all_fields(form: Form | FormDocument) -> list[FormField]:
    """Every field of a form, section by section, in order."""
    return [field for group in form.field_groups for field in group.fields]


def check_form_definition(form: FormFile) -> None:
    """Refuse a form file the web app could not render or a user could not answer: ValueError
    saying what is wrong."""
    fields = all_fields(form)
    ids = [field.id for field in fields]
    if len(set(ids)) != len(ids):
        raise ValueError(f"form {form.id}: field ids are not unique")
    if len({group.id for group in form.field_groups}) != len(form.field_groups):
        raise ValueError(f"form {form.id}: section ids are not unique")
    by_id = {field.id: field for field in fields}
    for field in fields:
        problem = _field_definition_problem(field, by_id)
        if problem:
            raise ValueError(f"form {form.id}: field {field.id} {problem}")


def _field_definition_problem(field: FormField, by_id: dict[str, FormField]) -> str | None:
    """What makes one field unrenderable (the app throws) or unanswerable, if anything."""
    choices = field.properties.choices or []
    if field.type == FieldType.DROPDOWN and not choices:
        return "needs choices"
    # The answer to a dropdown is the label, so labels must tell the choices apart too.
    for key in ("id", "label"):
        if len({getattr(c, key) for c in choices}) != len(choices):
            return f"has duplicate choice {key}s"
    condition = field.validations.required_if
    if condition is not None:
        named = by_id.get(condition.field_id)
        if named is None or named.type != FieldType.YES_NO:
            return "depends on no yes_no field"
        if condition.value not in YES_NO:
            return f"depends on {condition.value!r}"
    if field.type == FieldType.CONTACT_METHOD:
        linked = field.linked_fields
        if linked is None:
            return "needs linkedFields"
        email, phone = by_id.get(linked.email_field_id), by_id.get(linked.phone_field_id)
        if email is None or email.type != FieldType.EMAIL:
            return "links no email field"
        if phone is None or phone.type != FieldType.NUMBER:
            return "links no phone field"
    return None


# --- Answers ---------------------------------------------------------------------------------

Problem = tuple[str, str]  # (suffix of the field path, message)


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return "Must be a string."
    if len(value) > limit:
        return f"At most {limit} characters."
    return None


def _date(value: Any) -> str | None:
    """An ISO date (`1990-05-16`) or datetime (`1990-05-16T22:00:00.000Z`, the app's)."""
    if not isinstance(value, str) or len(value) > 40 or not _DATE.match(value):
        return "Must be an ISO date or date-time, such as 1990-05-16 or 1990-05-16T22:00:00.000Z."
    try:
        datetime.fromisoformat(value)
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
        return "Must be a phone number as a string, such as (909)555-1234."
    if not _PHONE.match(value) or sum(c.isdigit() for c in value) < 7:
        return "Not a valid phone number."
    return None


def _one_of(value: Any, allowed: tuple[str, ...] | list[str]) -> str | None:
    if not isinstance(value, str) or value not in allowed:
        return "Must be one of: " + ", ".join(f'"{a}"' for a in allowed) + "."
    return None


def _name(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "Required, as a string."
    return _text(value, MAX_NAME_LENGTH)


def _item_id(item: dict[str, Any]) -> list[Problem]:
    if "id" in item and (problem := _text(item["id"], MAX_NAME_LENGTH)):
        return [(".id", problem)]
    return []


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
    dob = item.get("dob")
    checks = (
        ("name", _name(item.get("name"))),
        ("dob", None if dob is None else _date(dob)),
        ("relationship", _name(item.get("relationship"))),
    )
    return _item_id(item) + [(f".{key}", problem) for key, problem in checks if problem]


def _pet(item: dict[str, Any]) -> list[Problem]:
    problems = _item_id(item)
    if problem := _one_of(item.get("type"), PET_TYPES):
        problems.append((".type", problem))
    return problems


def check_value(field: FormField, value: Any) -> list[Problem]:
    """Every problem with one non-blank answer to `field`, by the field's type (values in the
    web app's formats, WEBAPP.md §5)."""
    kind = field.type
    if kind in (FieldType.SHORT_TEXT, FieldType.LONG_TEXT):
        limit = field.validations.max_characters or DEFAULT_MAX_LENGTH[kind]
        problem = _text(value, limit)
    elif kind == FieldType.EMAIL:
        problem = _email(value)
    elif kind == FieldType.NUMBER:
        problem = _phone(value)
    elif kind == FieldType.DATE:
        problem = _date(value)
    elif kind == FieldType.YES_NO:
        problem = _one_of(value, YES_NO)
    elif kind == FieldType.CONTACT_METHOD:
        problem = _one_of(value, CONTACT_METHODS)
    elif kind == FieldType.DROPDOWN:
        problem = _one_of(value, [choice.label for choice in field.properties.choices or []])
    elif kind == FieldType.ADDITIONAL_GUESTS:
        return _items(value, _additional_guest)
    else:  # FieldType.PETS
        return _items(value, _pet)
    return [("", problem)] if problem else []


def _normalise(field: FormField, value: Any) -> Any:
    """The answer as stored: list entries keep only the keys their type knows."""
    keys = {FieldType.ADDITIONAL_GUESTS: _GUEST_KEYS, FieldType.PETS: _PET_KEYS}.get(field.type)
    if keys is None or not isinstance(value, list):
        return value
    return [{key: item[key] for key in keys if key in item} for item in value]


def is_blank(value: Any) -> bool:
    """Whether an answer says nothing: `null`, `""` (or only spaces) or `[]`, as the web app
    sends an unanswered field."""
    return (
        value is None
        or (isinstance(value, str | list) and not value)
        or (isinstance(value, str) and not value.strip())
    )


def _missing(fields: list[FormField], answers: dict[str, Any]) -> list[dict[str, str]]:
    """One entry per field that submitting needs and that has no answer."""
    titles = {field.id: field.title for field in fields}
    details = []
    for field in fields:
        if not is_blank(answers.get(field.id)):
            continue
        condition = field.validations.required_if
        if field.validations.required:
            message = "This field is required."
        elif condition is not None and answers.get(condition.field_id) == condition.value:
            message = f"Required because the answer to “{titles[condition.field_id]}” is "
            message += f"“{condition.value}”."
        else:
            continue
        details.append({"field": f"responses.{field.id}", "message": message})
    return details


def check_responses(form: FormDocument, responses: list[Answer], *, submit: bool) -> dict[str, Any]:
    """The answers as stored, by field id, or ValidationFailed with one `details` entry per
    problem.

    Every answer must name a field of the form, once; a blank one (`null`, `""`, `[]`) is kept
    as sent and means "no answer"; any other must suit its field. With `submit`, required fields
    and those a `required_if` makes required must be answered too.
    """
    fields = all_fields(form)
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
        elif is_blank(answer.value):
            answers[answer.field_id] = answer.value
        elif problems := check_value(field, answer.value):
            details.extend({"field": path + suffix, "message": msg} for suffix, msg in problems)
            answers[answer.field_id] = answer.value  # answered, if badly: not also "missing"
        else:
            answers[answer.field_id] = _normalise(field, answer.value)
    if submit:
        details.extend(_missing(fields, answers))
    if details:
        raise ValidationFailed("Some answers are not valid.", details=details)
    return answers


def usable(form: FormDocument, stored: list[dict[str, Any]]) -> dict[str, Any]:
    """The stored answers that fit the form as it is now, by field id, in the form's order.

    A profile saved before the form changed may hold answers to fields it no longer has, or
    values of an older shape: they are left out here (so never read back, never counted for
    submission) and dropped from the profile by its next save.
    """
    by_id = {field.id: field for field in all_fields(form)}
    found = {}
    for answer in stored:
        field = by_id.get(answer.get("field_id", ""))
        value = answer.get("value")
        if field is not None and (is_blank(value) or not check_value(field, value)):
            found[field.id] = value
    return {field_id: found[field_id] for field_id in by_id if field_id in found}


def as_stored(form: FormDocument, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Answers as stored: in the form's order, so a profile reads the same however it was saved."""
    order = [field.id for field in all_fields(form)]
    return [{"field_id": f, "value": answers[f]} for f in order if f in answers]
