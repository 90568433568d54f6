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


def sender_known(enquiry) -> bool:
    """Whether the address the person gave is a verified address of an account here. The name
    they typed is free text, so e-mails to any other address (which anyone may type) leave it
    out: the site must not relay someone's words to strangers (issue 18, item 5)."""
    from core.limits import has_verified_account

    addresses = sender_addresses(enquiry)
    return bool(addresses) and all(has_verified_account(address) for address in addresses)


def sender_addresses(enquiry) -> list[str]:
    """The person hears at the address they gave, else their account's (never after erasure)."""
    if enquiry.anonymised_at:
        return []
    if enquiry.contact_email:
        return [enquiry.contact_email]
    return [enquiry.sender.email] if enquiry.sender_id else []
