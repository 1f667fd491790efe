"""Create (or promote) the first admin on a real database.

    MONGO_DB_URI=... JWT_SECRET_KEY=... python -m scripts.create_admin you@yourorg.org First Last

The password is read from ADMIN_PASSWORD or asked for interactively; it must meet the policy.
"""

import argparse
import asyncio
import getpass
import os
import sys

from config.db import db
from config.errors import EmailAlreadyRegistered, WeakPassword
from config.settings import activated, get_settings
from models.users import Role, UserStatus
from utils import users
from utils.pure import passwords


async def create_admin(email: str, first_name: str, last_name: str | None, password: str) -> str:
    """Create an active admin, or make an existing user an active admin; returns what happened."""
    passwords.check_policy(password)
    password_hash = await passwords.hash_password(password)
    try:
        user = await users.create_user(
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=Role.ADMIN,
            status=UserStatus.ACTIVE,
            password_hash=password_hash,
        )
        return f"created admin {user.email} ({user.id})"
    except EmailAlreadyRegistered:
        existing = await users.find_by_email(email)
        assert existing is not None
        await users.update_profile(existing.id, {"role": Role.ADMIN, "status": UserStatus.ACTIVE})
        await users.set_password(existing.id, password_hash)
        return f"made {existing.email} ({existing.id}) an active admin with the new password"


async def _main(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.embedded:
        # The in-memory store lives in this process only: the admin would be gone on exit.
        print("refused: set MONGO_DB_URI (the embedded store keeps nothing)", file=sys.stderr)
        return 2
    password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password for the admin: ")
    with activated(settings), db.connected(settings):
        await db.ensure_indexes()
        try:
            print(await create_admin(args.email, args.first_name, args.last_name, password))
        except WeakPassword as exc:
            print(f"refused: {exc.detail}", file=sys.stderr)
            return 2
    return 0


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("email")
    parser.add_argument("first_name")
    parser.add_argument("last_name", nargs="?")
    sys.exit(asyncio.run(_main(parser.parse_args())))


if __name__ == "__main__":
    main()
