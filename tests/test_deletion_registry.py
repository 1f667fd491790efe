"""Account deletion walks a registry: every collection says how a deleted user is forgotten there.

A collection added to config/db.py's index list without an entry fails here, instead of silently
keeping a deleted user's data.
"""

from config.db import INDEXES
from utils import users
from utils.flows import accounts


def _registered() -> dict[str, object]:
    entries: dict[str, object] = {}
    for owner in accounts.DELETION_ORDER:
        for collection, forget in owner.FORGET_USER.items():
            assert collection not in entries, f"{collection} is registered twice"
            entries[collection] = forget
    return entries


def test_every_indexed_collection_says_how_to_forget_a_user() -> None:
    assert set(INDEXES) - set(_registered()) == set()


def test_the_registry_names_no_collection_that_does_not_exist() -> None:
    assert set(_registered()) - set(INDEXES) == set()


def test_the_user_document_is_removed_last() -> None:
    assert accounts.DELETION_ORDER[-1] is users
    assert users.FORGET_USER["users"] is users.delete_user
    assert len(users.FORGET_USER) == 1


def test_collections_that_hold_a_users_data_have_a_forgetter() -> None:
    holding = {"verification_codes", "events", "feedback", "images", "intake_profiles", "cases"}
    registered = _registered()
    assert {name for name in holding if registered[name] is None} == set()
