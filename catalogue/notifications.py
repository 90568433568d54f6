"""Who hears about the catalogue's decisions. The e-mails themselves are rendered from
templates/catalogue/email/ and sent after commit by core.email.send_email."""


def organisation_addresses(organisation) -> list[str]:
    """Who hears about an organisation: its own address and its owners'."""
    owners = organisation.memberships.filter(role="owner").select_related("user")
    return [organisation.email, *(m.user.email for m in owners)]
