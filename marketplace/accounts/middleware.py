"""Staff sessions end after STAFF_IDLE_MINUTES without a request.

Staff (moderators, editors, commissioners, panel members, the safeguarding team, superusers
and anyone with Django's staff flag) can see other people's health needs and contact details,
and a council laptop left open is the likeliest way for that to leak. Members of the public
and provider staff keep the ordinary session (SESSION_COOKIE_AGE). The last activity is kept in
the session, written at most once a minute so that every page does not write the session.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

from core.roles import Role, has_role

LAST_SEEN_KEY = "accounts:staff-last-seen"
STAFF_ROLES = (Role.MODERATOR, Role.EDITOR, Role.COMMISSIONER, Role.PANEL, Role.SAFEGUARDING)
WRITE_EVERY_SECONDS = 60


def is_council_staff(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.is_staff or has_role(user, *STAFF_ROLES))
    )


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
