"""The demo council's contracting: its contracted rates for the RAS reference services and the
listings on its frameworks, set through the services as the demo commissioner would, from
content/commissioning/*.yaml.

Idempotent, and an editor's changes survive a reload: a category and unit that already has any
contracted rate gets none from the file, and a listing whose framework flag a commissioner has
ever set or cleared (its change log says so) is left as it is. Runs on every load, so a demo
database built before these files gets them too.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from catalogue import services as catalogue
from catalogue.models import Service, ServiceChange
from marketplace.accounts.models import User
from marketplace.ras import selectors
from marketplace.ras import services as ras
from marketplace.ras.models import ContractedRate

from .ras import COMMISSIONER_EMAIL

CONTENT = Path(__file__).resolve().parent / "content" / "commissioning"


@dataclass
class CommissioningSummary:
    rates: int = 0
    listings: int = 0

    def __str__(self) -> str:
        return f"{self.rates} contracted rates, {self.listings} listings marked on a framework"


def _read(name: str) -> list[dict]:
    return yaml.safe_load((CONTENT / name).read_text(encoding="utf-8")) or []


def load_contracted_rates(commissioner: User) -> int:
    scheme = selectors.active_scheme()
    if scheme is None:
        return 0
    references = {(r.category.slug, r.unit): r for r in scheme.reference_services.all()}
    rows = _read("contracted_rates.yaml")
    already = {
        key
        for key, reference in references.items()
        if ContractedRate.objects.filter(category=reference.category, unit=reference.unit).exists()
    }
    count = 0
    for row in rows:
        key = (row["category"], row["unit"])
        if key in already or key not in references:
            continue
        ras.contracted_rate_record(
            user=commissioner,
            reference=references[key],
            amount=Decimal(row["amount"]),
            applies_from=date.fromisoformat(row["applies_from"]),
            note=row.get("note", ""),
        )
        count += 1
    return count


def load_frameworks(commissioner: User) -> int:
    count = 0
    for framework in _read("frameworks.yaml"):
        for organisation, name in framework["listings"]:
            service = Service.objects.filter(
                organisation__name=organisation, name=name, partner_source__isnull=True
            ).first()
            if service is None:  # not in this size of demo
                continue
            decided = service.changes.filter(action=ServiceChange.Action.FRAMEWORK).exists()
            if decided:
                continue
            catalogue.service_framework_set(
                user=commissioner,
                service=service,
                on_framework=True,
                note=framework["framework"],
            )
            count += 1
    return count


def load_commissioning() -> CommissioningSummary:
    commissioner = User.objects.get(email=COMMISSIONER_EMAIL)
    return CommissioningSummary(
        rates=load_contracted_rates(commissioner), listings=load_frameworks(commissioner)
    )
