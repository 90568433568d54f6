"""Writes about accounts and roles."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role


def user_grant_role(*, user: User, role: Role) -> None:
    """Give a user a role. Roles are groups created by the accounts migrations."""
    user.groups.add(Group.objects.get(name=role.value))


def user_revoke_role(*, user: User, role: Role) -> None:
    """Take a role away from a user; an account always keeps the default public role."""
    if role is Role.PUBLIC:
        raise ValueError("Every account is a member of the public; that role cannot be removed.")
    user.groups.remove(Group.objects.get(name=role.value))


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    roles: tuple[Role, ...] = (),
    verified: bool = False,
) -> User:
    """Create an account with the default role plus any others; optionally mark the e-mail verified.

    Used by the demo loader and by tests; people signing up go through allauth, whose adapter
    gives them the default role.
    """
    from allauth.account.models import EmailAddress

    user = User(
        email=User.objects.normalize_email(email), first_name=first_name, last_name=last_name
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    for role in (Role.PUBLIC, *roles):
        user_grant_role(user=user, role=role)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user
