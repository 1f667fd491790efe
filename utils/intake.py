"""Intake profiles: the owner of `intake_profiles` (the forms are utils.intake_forms').

A profile is
one document per user and form whose id is derived from both, so it is known before the first save
and two first saves cannot make two profiles. Every save is one conditional update on the profile's
`version`, which is also its ETag: a save made against an old version fails instead of
overwriting what another save wrote in between.
"""

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from config.db import db
from config.errors import (
    Conflict,
    InvalidToken,
    NotFound,
    PreconditionFailed,
    UserNotFound,
)
from models.cases import CaseStatus
from models.commons import utcnow
from models.intake import (
    EDITABLE_STATUSES,
    Answer,
    FormDocument,
    FormFile,
    Profile,
    ProfileDocument,
    ProfileSave,
    ProfileStatus,
    Responses,
    Review,
    SectionSave,
)
from models.users import User
from utils import cases, intake_forms, users
from utils.pure.deletion import ForgetUser
from utils.pure.intake_answers import (
    as_stored,
    check_responses,
    usable,
)

log = logging.getLogger("hosthome.intake")

# A save that loses the race to another re-reads and retries; each round one of them lands, so
# this many sections (the guest form has 10) saved at the same moment all land.
SAVE_ATTEMPTS = 20
_PROFILE_NAMESPACE = uuid5(NAMESPACE_URL, "hosthome:intake-profile")


def _profiles() -> Any:
    return db.collection("intake_profiles")


# --- Forms -----------------------------------------------------------------------------------


async def seed_forms(directory: Path = intake_forms.FORMS_DIR) -> list[str]:
    """Seed the forms (utils.intake_forms.seed_forms; returns the ids written), then move the
    profiles made on each form's former ids to it."""
    written = await intake_forms.seed_forms(directory)
    for path in intake_forms.form_files(directory):
        form, _ = intake_forms.load_form_file(path)
        await _adopt_former_profiles(form)
    return written


async def _adopt_former_profiles(form: FormFile) -> None:
    """Move the profiles made on the form's former ids to the form (copy, then delete the old
    one; a repeat after an interruption finds the copy and only deletes). Their answers are
    kept as stored; those that do not fit the form are left out on read (see `usable`)."""
    if not form.former_ids:
        return
    old = await _profiles().find({"form_id": {"$in": form.former_ids}}).to_list(None)
    for document in old:
        moved = {**document, "_id": profile_id(document["user_id"], form.id), "form_id": form.id}
        # A duplicate: already moved, or the user has started on the new form (theirs is kept).
        with contextlib.suppress(DuplicateKeyError):
            await _profiles().insert_one(moved)
        await _profiles().delete_one({"_id": document["_id"]})
    if old:
        log.info("intake form %s: %d profiles moved from former ids", form.id, len(old))


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


def to_profile(document: ProfileDocument, form: FormDocument) -> Profile:
    """The public view of a profile: only the answers that fit the form (see `usable`)."""
    answers = usable(form, document.responses)
    return Profile(
        id=document.id,
        user_id=document.user_id,
        form_id=document.form_id,
        status=document.status,
        responses=[Answer(field_id=f, value=v) for f, v in answers.items()],
        updated_at=document.updated_at,
        submitted_at=document.submitted_at,
    )


async def get_own_profile(user: User, form_ref: str) -> tuple[Profile, str]:
    """The caller's profile for their form (an empty `new` one if never saved) and its ETag."""
    form = await intake_forms.own_form(user, form_ref)
    document = await _stored(user.id, form.id) or _unsaved(user.id, form.id)
    return to_profile(document, form), etag(document)


async def get_own_responses(user: User, form_ref: str) -> Responses:
    """The caller's answers to their form (none if never saved): GET
    /api/intake-profile/responses/{formId}, as the web app reads them."""
    profile, _ = await get_own_profile(user, form_ref)
    return Responses(responses=profile.responses)


async def get_user_profile(form_ref: str, user_id: str) -> tuple[Profile, str]:
    """Any user's profile for a form, for staff; NotFound if the form is not theirs to fill."""
    form = await intake_forms.form_document(form_ref)
    user = await users.get_user(user_id)
    document = await _stored(user.id, form.id)
    if document is None:
        if user.role != form.role:
            raise NotFound(f"This user is not a {form.role} and has no profile for this form.")
        document = _unsaved(user.id, form.id)
    return to_profile(document, form), etag(document)


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


async def _save(
    user: User,
    form: FormDocument,
    answers_after: Callable[[ProfileDocument], dict[str, Any]],
    *,
    submit: bool,
    if_match: str | None,
) -> tuple[Profile, str]:
    """Read the profile, compute its answers from what was read (`answers_after` may raise
    ValidationFailed), and write them in one
    conditional update on the version read; when another save landed in between, read again
    and recompute (so answers merged into the profile are never lost), at most SAVE_ATTEMPTS
    times. With `if_match`, a version other than the one named is PreconditionFailed instead.
    """
    fresh = _unsaved(user.id, form.id)
    for _ in range(SAVE_ATTEMPTS):
        current = await _stored(user.id, form.id)
        seen = current or fresh
        if seen.status not in EDITABLE_STATUSES:
            raise Conflict(f"This profile is {seen.status}; it cannot be changed now.")
        if if_match is not None and not _matches(if_match, etag(seen)):
            raise PreconditionFailed()
        now = utcnow()
        changes: dict[str, Any] = {
            "responses": as_stored(form, answers_after(seen)),
            "updated_at": now,
        }
        if submit:
            changes.update(status=ProfileStatus.SUBMITTED, submitted_at=now)
        elif seen.status == ProfileStatus.NEW:
            changes["status"] = ProfileStatus.IN_PROGRESS
        saved = await _write(current, fresh, changes)
        if saved is not None:
            await cases.profile_saved(user.id, user.role, submitted=submit)
            if not await users.is_live(user.id):  # being deleted: undo the profile and case
                await delete_profiles_of(user.id)
                await cases.delete_case(user.id)
                raise InvalidToken("The account this token belongs to no longer exists.")
            return to_profile(saved, form), etag(saved)
    raise Conflict("The profile is being changed elsewhere; reload it and try again.")


def _checked_once(
    form: FormDocument, responses: list[Answer], *, submit: bool
) -> Callable[[], dict[str, Any]]:
    """`check_responses`, run when first needed: after the read-only and If-Match checks, so a
    read-only profile is 409 whatever the answers, and only once however often a save retries."""
    checked: list[dict[str, Any]] = []

    def check() -> dict[str, Any]:
        if not checked:
            checked.append(check_responses(form, responses, submit=submit))
        return checked[0]

    return check


async def save_profile(
    user: User, form_ref: str, body: ProfileSave, if_match: str | None
) -> tuple[Profile, str]:
    """Replace the caller's answers, as a draft or, with `submit`, submitted; returns the
    profile and its new ETag.

    Conflict when the profile is read-only (submitted, approved or denied); PreconditionFailed
    when `if_match` is not the current ETag, also when another save lands between our read and
    our write. Without `if_match` the last save wins, but never over a submitted profile.
    """
    form = await intake_forms.own_form(user, form_ref)
    check = _checked_once(form, body.responses, submit=body.submit)
    return await _save(user, form, lambda _: check(), submit=body.submit, if_match=if_match)


async def save_section(user: User, body: SectionSave) -> tuple[Profile, str]:
    """Merge some answers (a section's, from the web app) into the caller's profile of their
    role's form, as a draft; returns the profile and its new ETag.

    The answers are checked as a draft (blanks allowed). The others saved so far are kept, so
    sections saved at the same moment all land: the merge is redone on what is stored whenever
    another save got in first. Conflict when the profile is read-only.
    """
    form = await intake_forms.form_of_role(user)
    check = _checked_once(form, body.responses, submit=False)
    return await _save(
        user,
        form,
        lambda seen: {**usable(form, seen.responses), **check()},
        submit=False,
        if_match=None,
    )


async def review_profile(
    reviewer: User, form_ref: str, user_id: str, review: Review
) -> tuple[Profile, str]:
    """Decide about a submitted profile; the user's case takes the decision as its status.

    UserNotFound for an unknown user; Conflict unless the profile is submitted (one atomic
    update, so two reviewers cannot both decide).
    """
    form = await intake_forms.form_document(form_ref)
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
    await cases.record_review(
        user.id, user.role, CaseStatus(review.decision), review.note, users.display_name(reviewer)
    )
    if not await users.is_live(user.id):  # deleted meanwhile: the case must not come back
        await delete_profiles_of(user.id)
        await cases.delete_case(user.id)
        raise UserNotFound()
    document = ProfileDocument.model_validate(saved)
    return to_profile(document, form), etag(document)


async def profile_statuses(people: list[User]) -> dict[str, ProfileStatus]:
    """The status of each user's profile for the form of their role (`new` when never saved).

    One round trip: the form of each role is cached (forms change only when seeded).
    """
    form_of_role = await intake_forms.form_ids_by_role()
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


# How account deletion forgets a user here (see utils/pure/deletion.py).
FORGET_USER: dict[str, ForgetUser | None] = {
    "intake_profiles": delete_profiles_of,
}
