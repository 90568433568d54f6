"""Signal receivers: thin, each hands the work to a service."""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from catalogue.views.public import service_viewed
from core import limits

from . import services, tasks


@receiver(user_logged_in, dispatch_uid="plans-merge-shortlist")
def merge_shortlist_on_sign_in(sender, request, user, **kwargs):
    """What a visitor shortlisted before signing in joins their account's shortlist. Django's
    signal, which allauth's sign-in sends too, so every way of signing in merges."""
    if request is not None and hasattr(request, "session"):
        services.shortlist_merge(user=user, session=request.session)


@receiver(service_viewed, dispatch_uid="plans-count-listing-view")
def count_listing_view(sender, service, request, **kwargs):
    """A public view of a listing page counts for its usage figures (its own staff's do not).
    Counted in a background task after commit, so the page itself does no extra queries."""
    if (
        request.user.is_authenticated
        and service.organisation.memberships.filter(user=request.user).exists()
    ):
        return
    service_id = service.pk
    visitor = services.usage_visitor(
        user=request.user, session=request.session, client=limits.client_key(request)
    )
    transaction.on_commit(
        lambda: tasks.count_listing_view.enqueue(service_id=service_id, visitor=visitor)
    )
