"""The catalogue's part of "download my data" and "delete my account" (registered with
core.personal_data in CatalogueConfig.ready()): the problems a person reported on listings, their
claims to manage organisations and the invitations they sent or were sent.

Erasure: a report stays for the moderators' record of the listing, without who sent it, their
reply address or their words (free text identifies its writer); claims go with the account
(on_delete=CASCADE); invitations sent to the person's address are deleted; the invitations and
listing changes they made lose the link to them (on_delete=SET_NULL).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import Claim, Invitation, ListingReport

REMOVED = "(removed at the reporter's request)"


def _addresses(user) -> list[str]:
    from allauth.account.models import EmailAddress

    return sorted(
        {
            user.email.lower(),
            *(
                e.lower()
                for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
            ),
        }
        - {""}
    )


def _reports_of(user):
    query = Q(reporter=user)
    for address in _addresses(user):
        query |= Q(email__iexact=address)
    return ListingReport.objects.filter(query)


def _invitations_to(user):
    query = Q(pk__in=[])
    for address in _addresses(user):
        query |= Q(email__iexact=address)
    return Invitation.objects.filter(query)


def export_catalogue(user) -> dict[str, Any]:
    return {
        "listing_reports": [
            {
                "service": report.service.name,
                "reason": report.get_reason_display(),
                "message": report.message,
                "email": report.email,
                "status": report.get_status_display(),
                "reported_at": report.created_at,
            }
            for report in _reports_of(user).select_related("service").order_by("created_at")
        ],
        "claims": [
            {
                "organisation": claim.organisation.name,
                "job_title": claim.job_title,
                "evidence": claim.evidence,
                "status": claim.get_status_display(),
                "reason": claim.reason,
                "asked_at": claim.created_at,
            }
            for claim in Claim.objects.filter(user=user).select_related("organisation")
        ],
        "invitations_sent": [
            {
                "organisation": invitation.organisation.name,
                "email": invitation.email,
                "role": invitation.get_role_display(),
                "sent_at": invitation.created_at,
            }
            for invitation in Invitation.objects.filter(invited_by=user).select_related(
                "organisation"
            )
        ],
        "invitations_received": [
            {
                "organisation": invitation.organisation.name,
                "role": invitation.get_role_display(),
                "sent_at": invitation.created_at,
                "accepted_at": invitation.accepted_at,
            }
            for invitation in _invitations_to(user).select_related("organisation")
        ],
    }


def erase_catalogue(user) -> None:
    _reports_of(user).update(reporter=None, email="", message=REMOVED)
    _invitations_to(user).delete()
    Claim.objects.filter(user=user).delete()
