"""Demo accounts for trying the service: seeded on the embedded store, or when asked."""

import logging

from config.errors import EmailAlreadyRegistered
from config.settings import Settings
from models.users import Role, UserStatus
from utils import cases, users
from utils.pure import passwords

log = logging.getLogger("hosthome.demo")

DEMO_USERS = (
    ("admin@example.com", "Ada", "Admin", Role.ADMIN),
    ("coordinator@example.com", "Cora", "Coordinator", Role.COORDINATOR),
    ("host@example.com", "Hal", "Host", Role.HOST),
    ("guest@example.com", "Gus", "Guest", Role.GUEST),
)
# The documented demo password; only ever used on the embedded, in-memory store.
EMBEDDED_DEMO_PASSWORD = "Test123!"


async def seed_demo_users(settings: Settings) -> None:
    """Create the demo accounts that do not exist yet (active, with the demo password).

    Against a real database the password must come from DEMO_USER_PASSWORD: a documented
    password is never put on a server that keeps data.
    """
    if settings.DEMO_USER_PASSWORD:
        password = settings.DEMO_USER_PASSWORD.get_secret_value()
    elif settings.embedded:
        password = EMBEDDED_DEMO_PASSWORD
    else:
        log.error("SEED_DEMO_DATA is set but DEMO_USER_PASSWORD is not; no demo users seeded")
        return
    password_hash = await passwords.hash_password(password)
    for email, first_name, last_name, role in DEMO_USERS:
        try:
            user = await users.create_user(
                email=email,
                first_name=first_name,
                last_name=last_name,
                role=role,
                status=UserStatus.ACTIVE,
                password_hash=password_hash,
            )
        except EmailAlreadyRegistered:
            continue
        await cases.open_case(user.id, user.role)
    log.info("demo users ready: %s", ", ".join(email for email, *_ in DEMO_USERS))
