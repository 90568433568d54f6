"""The one place provider views load what they act on and check who may act on it.

Anonymous visitors are sent to sign in (login_required on the view); signed-in people who are
not staff of the organisation get the designed 403 page. Services check again (defence in depth).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from catalogue.models import Organisation, Service
from catalogue.permissions import can_edit_listings, can_manage_people


def organisation_for_staff(request, slug: str) -> Organisation:
    """The organisation at `slug`, if the signed-in person is one of its owners or editors."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_edit_listings(request.user, organisation):
        raise PermissionDenied
    return organisation


def organisation_for_owner(request, slug: str) -> Organisation:
    """The organisation at `slug`, if the signed-in person is one of its owners."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_manage_people(request.user, organisation):
        raise PermissionDenied
    return organisation


def service_for_staff(request, slug: str) -> Service:
    """The service at `slug`, if the signed-in person is staff of its organisation."""
    service = get_object_or_404(Service.objects.select_related("organisation"), slug=slug)
    if not can_edit_listings(request.user, service.organisation):
        raise PermissionDenied
    return service
