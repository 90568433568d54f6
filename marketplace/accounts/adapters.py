from allauth.account.adapter import DefaultAccountAdapter

from .roles import DEFAULT_ROLE
from .services import user_grant_role


class AccountAdapter(DefaultAccountAdapter):
    """Every new account starts as a member of the public."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_grant_role(user=user, role=DEFAULT_ROLE)
        return user
