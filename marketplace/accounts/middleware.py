"""Staff accounts: a second factor before anything else, and sessions that end when idle.

Staff (moderators, editors, commissioners, practitioners, panel members, the safeguarding team,
superusers and anyone with Django's staff flag) reach personal data (assessments, plans,
safeguarding concerns, people's health needs and contact details) and change what the public
sees, so a guessed or phished password must not be enough, and a council laptop left open must
not stay signed in.

- STAFF_MFA_REQUIRED: allauth's MFA asks for the code at sign-in once an authenticator app is set
  up; StaffSecondFactorMiddleware makes setting one up the first thing a staff account does: every
  page but the second-factor pages, signing out and static files redirects there until it is done.
- STAFF_IDLE_MINUTES: StaffIdleTimeoutMiddleware signs staff out after that long without a
  request. Members of the public and provider staff keep the ordinary session
  (SESSION_COOKIE_AGE). The last activity is kept in the session, written at most once a minute
  so that every page does not write the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from allauth.mfa.models import Authenticator

from core.roles import Role, has_role

STAFF_ROLES = (
    Role.MODERATOR,
    Role.EDITOR,
    Role.COMMISSIONER,
    Role.PRACTITIONER,
    Role.SAFEGUARDING,
    Role.PANEL,
)
LAST_SEEN_KEY = "accounts:staff-last-seen"
WRITE_EVERY_SECONDS = 60


def is_council_staff(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.is_staff or has_role(user, *STAFF_ROLES))
    )


def needs_second_factor(user) -> bool:
    """Whether this account must have an authenticator app (staff, superusers) when
    STAFF_MFA_REQUIRED is on."""
    return bool(settings.STAFF_MFA_REQUIRED) and is_council_staff(user)


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


def note_staff_sign_in(sender, request, user, **kwargs) -> None:
    """On signing in, a staff session is marked for the idle check (user_logged_in). Marking
    here, not on every request, keeps the public's pages free of a role query; a role granted
    during a session counts from the next sign-in."""
    if request is not None and is_council_staff(user):
        request.session[LAST_SEEN_KEY] = time.time()


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = int(getattr(settings, "STAFF_IDLE_MINUTES", 0) or 0)
        last_seen = request.session.get(LAST_SEEN_KEY) if hasattr(request, "session") else None
        if minutes > 0 and last_seen is not None and request.user.is_authenticated:
            now = time.time()
            if now - last_seen > minutes * 60:
                logout(request)  # the request goes on as a visitor's: sign-in pages ask again
                messages.info(
                    request,
                    f"You were signed out after {minutes} minutes without activity. "
                    "Sign in again to carry on.",
                )
            elif now - last_seen >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
