"""Writes about accounts (granting and revoking roles: core.roles)."""

from django.db import transaction

from core.roles import Role, user_grant_role

from .models import User


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
