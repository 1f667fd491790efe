"""Give every guest and host a case and close the cases of anyone else (data older than the rule
that cases are made with users, or left by an interrupted write). The server also does this at
start-up; this runs it by hand against the configured database:

    MONGO_DB_URI=... JWT_SECRET_KEY=... python -m scripts.repair_cases
"""

import asyncio

from config.db import db
from config.settings import activated, get_settings
from utils.flows.startup import reconcile_cases


async def _main() -> None:
    settings = get_settings()
    with activated(settings), db.connected(settings):
        await reconcile_cases()
    print("cases repaired")


if __name__ == "__main__":
    asyncio.run(_main())
