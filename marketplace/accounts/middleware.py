"""Staff set up a second factor before they do anything else (STAFF_MFA_REQUIRED).

Staff accounts reach personal data (assessments, plans, safeguarding concerns) and change what the
public sees, so a guessed or phished password must not be enough. allauth's MFA asks for the
code at sign-in once an authenticator app is set up; this middleware makes setting one up the
first thing a staff account does: every page but the second-factor pages, signing out and static
files redirects there until it is done.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.roles import Role, has_role

STAFF_ROLES = (
    Role.MODERATOR,
    Role.EDITOR,
    Role.COMMISSIONER,
    Role.PRACTITIONER,
    Role.SAFEGUARDING,
    Role.PANEL,
)


def needs_second_factor(user) -> bool:
    """Whether this account must have an authenticator app (staff, superusers) when
    STAFF_MFA_REQUIRED is on."""
    if not settings.STAFF_MFA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or has_role(user, *STAFF_ROLES))


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def _allowed(self, path: str) -> bool:
        open_paths = (
            reverse("mfa_index"),
            reverse("account_reauthenticate"),
            reverse("account_logout"),
            settings.STATIC_URL or "/static/",
        )
        return path.startswith(open_paths)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            needs_second_factor(user)
            and not self._allowed(request.path)
            and not has_authenticator_app(user)
        ):
            messages.info(
                request,
                "Staff accounts need a second step at sign-in. Set up an authenticator app "
                "to carry on.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
