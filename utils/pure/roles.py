"""The role policy, pure: who is staff. One place, so every rule that says "coordinators and
admins" says it alike."""

from models.users import Role, User

STAFF = (Role.COORDINATOR, Role.ADMIN)


def is_staff(user: User | None) -> bool:
    """Whether the user is a coordinator or an admin."""
    return user is not None and user.role in STAFF
