"""A commissioner's action on a listing: whether it is on a council framework or contract.

Only Commissioners: anonymous visitors are asked to sign in, anyone else gets the 403 page, and
the service (services.service_framework_set) checks again. Providers have no route to the flag.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from catalogue import services
from catalogue.models import Service
from catalogue.permissions import is_commissioner


class FrameworkForm(forms.Form):
    on_framework = forms.BooleanField(
        label="This listing is on a council framework or contract", required=False
    )
    note = forms.CharField(
        label="Which framework or contract (optional)",
        help_text="For example, Home care framework 2026 to 2030.",
        max_length=200,
        required=False,
    )


@login_required
@require_POST
def service_framework(request, slug: str):
    if not is_commissioner(request.user):
        raise PermissionDenied
    service = get_object_or_404(Service, slug=slug)
    form = FrameworkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"The framework was not changed: {error}")
        return redirect(service)
    try:
        services.service_framework_set(
            user=request.user,
            service=service,
            on_framework=form.cleaned_data["on_framework"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"The framework was not changed: {message}")
    else:
        messages.success(
            request,
            f"{service.name} is now shown as on the council's framework."
            if service.on_council_framework
            else f"{service.name} is no longer shown as on the council's framework.",
        )
    return redirect(service)


urlpatterns = [
    path("services/<slug:slug>/framework/", service_framework, name="service_framework"),
]
