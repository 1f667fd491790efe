"""What the database needs before the service is useful: indexes, seeded forms, demo data, and
cases for every guest and host (data older than that rule, or left by an interrupted write)."""

import logging

from config.db import db, ensure_indexes_in_background
from config.settings import Settings
from utils import cases, intake, users
from utils.flows import demo

log = logging.getLogger("hosthome.startup")


async def prepare_database(settings: Settings) -> None:
    """Create indexes (retrying until the server answers), then seed what the settings ask for."""
    await ensure_indexes_in_background(db)
    await intake.seed_forms()
    if settings.seed_demo_data:
        await demo.seed_demo_users(settings)
    await reconcile_cases()
    log.info("database ready")


async def reconcile_cases() -> None:
    """Make the cases match the users: a case for every guest and host, none on the dashboard
    for anyone else. Cheap when they already match (two counts); otherwise one pass.

    Every guest and host gets a case when they sign up or are invited, so a mismatch means an
    interrupted write (or data older than that rule): repaired at start-up and by
    `python -m scripts.repair_cases`, never by a read (the dashboard only reads).
    """
    case_roles = list(cases.CASE_ROLES)
    if await cases.count_open_cases() == await users.count_with_roles(case_roles):
        return
    people = await users.roles_with_roles(case_roles)
    open_ids = await cases.open_case_ids()
    for user_id in people.keys() - open_ids:
        await cases.open_case(user_id, people[user_id])
    strays = list(open_ids - people.keys())
    still_there = await users.get_users(strays)
    for user_id in strays:
        if user_id in still_there:  # now of another role: the case leaves the dashboard
            await cases.open_case(user_id, still_there[user_id].role)
        else:  # the user is gone
            await cases.delete_case(user_id)
    log.warning(
        "cases reconciled: %d opened, %d closed", len(people.keys() - open_ids), len(strays)
    )
