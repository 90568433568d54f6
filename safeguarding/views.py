"""The public 'Report a concern about an adult' pages, and 'Contact the council'.

`concern_page` is the form's one view: this app's public page calls it with nothing known, and
other apps call it from their own URLs with the listing, organisation or enquiry the concern is
about (and their own permission checks). Each client may raise CONCERNS_PER_WINDOW concerns per
CONCERN_WINDOW_SECONDS (core.limits), so nobody can flood the team's queue; the limit page still
gives the council's numbers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from core import limits
from core.forms import add_service_errors

from . import services
from .forms import ConcernForm
from .models import DESCRIPTION_MAX_LENGTH, Concern

CONCERNS_PER_WINDOW = 5
CONCERN_WINDOW_SECONDS = 60 * 60
SENT_SESSION_KEY = "safeguarding:concern-sent"
# A description carried over from another form (a listing report), until the concern is sent.
CARRIED_SESSION_KEY = "safeguarding:concern-description"


def _limit_key(client: str) -> str:
    return f"safeguarding:concern:{client}"


def concern_page(
    request,
    *,
    source: str = Concern.Source.PUBLIC,
    service=None,
    organisation=None,
    place: str = "",
    back_url: str = "",
    back_text: str = "",
):
    """Show and take the concern form; on success, to the confirmation page. With a
    `service`, `organisation` or `place` given by the caller, the form does not ask where."""
    about = service or organisation
    asks_where = about is None and not place
    client = limits.client_key(request)
    key = _limit_key(client)
    if limits.reached(key, CONCERNS_PER_WINDOW):
        return render(
            request,
            "safeguarding/concern_limited.html",
            {"limit": CONCERNS_PER_WINDOW, "window_minutes": CONCERN_WINDOW_SECONDS // 60},
            status=429,
        )
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        form = ConcernForm(request.POST, asks_where=asks_where)
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = services.concern_create(
                    source=source,
                    service=service,
                    organisation=organisation,
                    place=data.get("place", place),
                    description=data["description"],
                    happened_when=data["happened_when"],
                    danger_now=data["danger_now"],
                    person_knows=data["person_knows"],
                    reporter=user,
                    reporter_name=data["reporter_name"],
                    reporter_email=data["reporter_email"],
                    reporter_phone=data["reporter_phone"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                limits.count(key, CONCERN_WINDOW_SECONDS)
                request.session.pop(CARRIED_SESSION_KEY, None)
                request.session[SENT_SESSION_KEY] = {
                    "reference": concern.reference,
                    "urgent": concern.urgent,
                    "reply": bool(concern.reporter_email or concern.reporter_phone),
                }
                return redirect("safeguarding:sent")
    else:
        initial = {"description": request.session.get(CARRIED_SESSION_KEY, "")}
        if user is not None:
            initial.update(reporter_name=user.get_full_name(), reporter_email=user.email)
        form = ConcernForm(initial=initial, asks_where=asks_where)
    return render(
        request,
        "safeguarding/concern_form.html",
        {
            "form": form,
            "about": about,
            "description_max_length": DESCRIPTION_MAX_LENGTH,
            "back_url": back_url,
            "back_text": back_text,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def concern_report(request):
    return concern_page(request)


@require_http_methods(["GET", "HEAD"])
def concern_sent(request):
    sent = request.session.get(SENT_SESSION_KEY)
    if not sent:
        return redirect("safeguarding:report")
    return render(request, "safeguarding/concern_sent.html", sent)


@require_http_methods(["GET", "HEAD"])
def contact(request):
    """How to reach the council's adult social care team (the numbers are CouncilContacts)."""
    return render(request, "safeguarding/contact.html")


urlpatterns = [
    path("contact-the-council/", contact, name="contact"),
    path("report-a-concern/", concern_report, name="report"),
    path("report-a-concern/sent/", concern_sent, name="sent"),
]
