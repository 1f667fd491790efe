"""Intake forms: the owner of `intake_forms`.

Forms are seeded at start-up from the JSON files in models/forms/ (idempotently: a form is
rewritten only when its file's hash changed); a request reads them by id or alias. The id of each
role's form is cached, as forms change only when seeded.
"""

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from pymongo.errors import DuplicateKeyError

from config.db import db
from config.errors import Forbidden, FormNotFound, NotFound
from models.intake import FieldGroup, Form, FormDocument, FormFile
from models.users import User
from utils.pure.deletion import ForgetUser
from utils.pure.intake_answers import check_form_definition

log = logging.getLogger("hosthome.intake")


FORMS_DIR = Path(__file__).resolve().parent.parent / "models" / "forms"


def _forms() -> Any:
    return db.collection("intake_forms")


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
    stored hash differs from its file's, in one conditional upsert. Any other stored form of the
    same role (a former edition under another id) is removed first; utils.intake.seed_forms then
    moves the profiles made on a form's former ids, so a repeated start-up finishes an interrupted
    one.
    """
    written = []
    _FORM_IDS.clear()
    loaded = [load_form_file(path) for path in form_files(directory)]
    seeded = {form.id: form for form, _ in loaded}
    if seeded:
        roles = [str(form.role) for form in seeded.values()]
        # One form per role: a former edition would still answer to the same alias. Removed
        # before the new one is written, so a read meanwhile finds no form (404), never the old.
        await _forms().delete_many({"role": {"$in": roles}, "_id": {"$nin": list(seeded)}})
    for form, content_hash in loaded:
        document = FormDocument(
            _id=form.id,
            title=form.title,
            field_groups=form.field_groups,
            role=form.role,
            aliases=form.aliases,
            former_ids=form.former_ids,
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
            log.info("intake form %s (%s) written", form.id, form.role)
    _FORM_IDS.clear()  # a read during the seeding may have cached what it replaced
    await form_ids_by_role()  # cached now, so no request pays for it
    return written


async def form_document(form_ref: str) -> FormDocument:
    """The form named by its id or one of its aliases (`1` or `guest`, `2` or `host`)."""
    # The id first: a former edition still stored during an upgrade may have `1` as an alias.
    document = await _forms().find_one({"_id": form_ref})
    if document is None:
        document = await _forms().find_one({"aliases": form_ref})
    if document is None:
        raise FormNotFound()
    return FormDocument.model_validate(document)


def _public_form(document: FormDocument) -> Form:
    return Form(id=document.id, title=document.title, field_groups=document.field_groups)


async def get_form(form_ref: str) -> Form:
    """A form by id or alias; FormNotFound otherwise."""
    return _public_form(await form_document(form_ref))


async def get_section(form_ref: str, section_id: str) -> FieldGroup:
    """One field group (section) of a form; FormNotFound or NotFound otherwise."""
    form = await form_document(form_ref)
    for group in form.field_groups:
        if group.id == section_id:
            return group
    raise NotFound("This form has no such section.")


async def own_form(user: User, form_ref: str) -> FormDocument:
    """The form, if this user fills it in (guests the guest form, hosts the host form)."""
    form = await form_document(form_ref)
    if user.role != form.role:
        raise Forbidden(f"Only a {form.role} fills in this form.")
    return form


async def form_of_role(user: User) -> FormDocument:
    """The form this user fills in; Forbidden for roles that fill in none."""
    document = await _forms().find_one({"role": str(user.role)})
    if document is None:
        raise Forbidden("Only guests and hosts fill in an intake form.")
    return FormDocument.model_validate(document)


# The id of each role's form: forms change only when seed_forms writes them, which clears this.
_FORM_IDS: dict[str, str] = {}


async def form_ids_by_role() -> dict[str, str]:
    if not _FORM_IDS:
        forms = await _forms().find({}, {"role": 1}).to_list(None)
        _FORM_IDS.update({document["role"]: document["_id"] for document in forms})
    return _FORM_IDS


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "intake_forms": None,  # the forms themselves: nobody's
}
