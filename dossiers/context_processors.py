"""Template context every page needs from the dossiers app: the signed-in user's roles, read once."""

from dossiers.models import Role


def roles(request):
    """`nav_roles`: the roles the user holds in any agency (one query per request, none when anonymous)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": frozenset()}
    held = frozenset(user.memberships.values_list("role", flat=True))
    return {"nav_roles": held, "nav_is_officer": bool(held - {Role.MONITOR})}
