"""E-mails about enquiries and plans: rendered from templates/plans/email/, sent after commit
by core.email.send_email; this module says who hears.

E-mails never carry what a person wrote or their contact details: they say something happened
and link to the page, where only those entitled can read it.
"""


def provider_addresses(enquiry) -> list[str]:
    """Who at the provider hears about an enquiry: the listing's own address, else the
    organisation's, and the organisation's owners who may read it (staff when it was sent)."""
    owners = enquiry.organisation.memberships.filter(
        role="owner", enquiries_from__lte=enquiry.created_at
    ).select_related("user")
    return [enquiry.service.email, enquiry.organisation.email, *(m.user.email for m in owners)]


def sender_addresses(enquiry) -> list[str]:
    """The person hears at the address they gave, else their account's (never after erasure)."""
    if enquiry.anonymised_at:
        return []
    if enquiry.contact_email:
        return [enquiry.contact_email]
    return [enquiry.sender.email] if enquiry.sender_id else []
