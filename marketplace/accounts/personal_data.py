"""What the site holds about an account itself (its e-mail addresses, roles, memberships), for
"download my data" and "delete my account": registered with core.personal_data in
AccountsConfig.ready(), first of all the sources.
"""

from typing import Any

from django.core.exceptions import ValidationError


def export_account(user) -> dict[str, Any]:
    from allauth.account.models import EmailAddress

    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "roles": user.role_labels,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "organisations": [
            {"organisation": m.organisation.name, "role": m.get_role_display()}
            for m in user.memberships.select_related("organisation")
        ],
    }


def erase_account(user) -> None:
    """Refused while the person is the only owner of an organisation that others belong to
    (they hand over first). Otherwise nothing to do before the account row goes: its e-mail
    addresses and memberships are deleted with it (on_delete=CASCADE); the view that calls
    erase_user signs the person out."""
    from catalogue.services import organisations_of_a_leaving_owner

    handover, _unmanaged = organisations_of_a_leaving_owner(user)
    if handover:
        names = ", ".join(o.name for o in handover)
        raise ValidationError(f"Hand over ownership of {names} to a colleague first.")
