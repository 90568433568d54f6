"""Everything the site holds about a person, for "download my data" and "delete my account".

Each app that stores personal data registers, in its AppConfig.ready(), how to export it and how
to erase it:

    from marketplace.accounts import personal_data
    personal_data.register("reviews", export=export_reviews, erase=erase_reviews)

`export(user)` returns JSON-serialisable data (dates and Decimals are turned into text by
`export_user_data`); `erase(user)` deletes or anonymises it. Erasers run first, in the order they
were registered, then the account itself is deleted, all in one transaction: if any step fails,
nothing is deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class Source:
    name: str
    export: Exporter
    erase: Eraser


_sources: dict[str, Source] = {}


def register(name: str, *, export: Exporter, erase: Eraser) -> None:
    """Register (or replace, for the same name) how one app exports and erases a person's data."""
    _sources[name] = Source(name=name, export=export, erase=erase)


def registered() -> list[str]:
    return list(_sources)


def export_user_data(user) -> dict[str, Any]:
    """All of a person's data, one key per registered source, ready for json.dumps."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "about": "Everything Care Market holds about your account.",
    }
    for source in _sources.values():
        data[source.name] = source.export(user)
    # Round-trip through the encoder so dates, UUIDs and Decimals become plain text.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def erase_user(user) -> None:
    """Delete a person's account: every registered eraser runs, then the account is deleted.
    Atomic: a failing eraser leaves everything as it was."""
    for source in _sources.values():
        source.erase(user)
    user.delete()


# --- the account itself -----------------------------------------------------------------------


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


register("account", export=export_account, erase=erase_account)
