"""Prices: adding, changing and withdrawing a listing's prices. Every new value appends a
PriceRecord (history is never edited); two editors of one price cannot overwrite each other
unseen."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from ..models import Category, PriceKind, PriceOption, PriceRecord, Service, ServiceChange
from ..permissions import require_editor
from .listings import _diff, _log

MAX_PRICE = Decimal("100000.00")


# --- prices -----------------------------------------------------------------------------------


def _price_category(option: PriceOption) -> Category | None:
    """The category a price counts towards in market figures: the service's category whose
    reference unit is the price's unit (e.g. 'per week' -> care home), else its first one."""
    categories = list(option.service.categories.select_related("parent"))
    matching = [c for c in categories if c.effective_unit == option.unit]
    chosen = matching or categories
    return chosen[0] if chosen else None


def _record_price(option: PriceOption, *, user, withdrawn: bool = False) -> PriceRecord:
    return PriceRecord.objects.create(
        service=option.service,
        option_uuid=option.uuid,
        category=_price_category(option),
        label=option.label,
        amount=None if withdrawn else option.amount,
        unit=option.unit,
        kind=option.kind,
        valid_from=option.valid_from,
        valid_to=option.valid_to,
        recorded_by=user,
    )


def check_price(amount, unit: str) -> None:
    """The price rules (also used to check bulk uploads before anything is saved)."""
    if amount is None:
        raise ValidationError({"amount": "Enter the price, or choose 'free'."})
    if amount < 0:
        raise ValidationError({"amount": "A price cannot be less than zero."})
    if amount > MAX_PRICE:
        raise ValidationError({"amount": f"Enter a price under £{MAX_PRICE:,.0f}."})
    if unit == "free" and amount != 0:
        raise ValidationError({"amount": "A free option has a price of £0."})
    if amount.as_tuple().exponent < -2:
        raise ValidationError({"amount": "Enter the price in pounds and pence, like 24.50."})


PRICE_FIELDS = (
    "label",
    "amount",
    "unit",
    "kind",
    "conditions",
    "valid_from",
    "valid_to",
    "sort_order",
)


# What an editor sees of a price on its edit form: a change to any of these by someone else
# while the form is open must not be overwritten unseen.
PRICE_SEEN_FIELDS = ("label", "amount", "unit", "kind", "conditions", "valid_from", "valid_to")


def price_option_fingerprint(option: PriceOption) -> str:
    """A short digest of a price as it stands, carried in the edit form, so that a save can tell
    whether someone changed the price since the form was opened (optimistic concurrency: no
    lock is held while a person types)."""
    values = "\x1f".join(str(getattr(option, name)) for name in PRICE_SEEN_FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:20]


class PriceChangedMeanwhile(ValidationError):
    """Someone else saved the price after this editor opened it: their save is refused, and the
    form shows the price as it now is beside the editor's own, unsaved, values."""

    def __init__(self, current: PriceOption):
        self.current = current
        self.fingerprint = price_option_fingerprint(current)
        amount = "free" if current.unit == "free" else f"£{current.amount}"
        unit = "" if current.unit == "free" else f" {current.get_unit_display()}"
        super().__init__(
            f"Someone else changed this price while you were editing it: it is now "
            f"{current.label}, {amount}{unit}. Your changes are below and have not been saved; "
            "check them and save again to replace it.",
            code="changed_meanwhile",
        )


@transaction.atomic
def price_option_save(
    *,
    user,
    service: Service,
    option: PriceOption | None = None,
    label: str,
    amount: Decimal,
    unit: str,
    kind: str = PriceKind.STANDARD,
    conditions: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    sort_order: int | None = None,
    seen: str | None = None,
) -> PriceOption:
    """Add or change a price. Every new value appends a PriceRecord; the public page shows it at
    once. `kind` says when it applies (standard weekday daytime, evenings and weekends, nights,
    bank holidays, other): the RAS market rate counts one standard price per service.

    `seen` is price_option_fingerprint() of the price when the editor opened it: if the price
    has changed since (two people editing one price), PriceChangedMeanwhile is raised and
    nothing is saved. The row is locked while it is compared, so two saves cannot both pass."""
    require_editor(user, service.organisation)
    if option is not None and option.service_id != service.pk:
        raise ValidationError("That price belongs to another listing.")
    if option is not None and option.pk and seen:
        current = PriceOption.objects.select_for_update().get(pk=option.pk)
        if price_option_fingerprint(current) != seen:
            raise PriceChangedMeanwhile(current)
        option = current
    amount = Decimal(amount) if amount is not None else None
    check_price(amount, unit)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "The end date must be on or after the start date."})
    option = option or PriceOption(service=service)
    before = {name: getattr(option, name) for name in PRICE_FIELDS} if option.pk else {}
    option.label, option.amount, option.unit, option.kind = label, amount, unit, kind
    option.conditions, option.valid_from, option.valid_to = conditions, valid_from, valid_to
    if sort_order is not None:
        option.sort_order = sort_order
    elif option.pk is None:
        option.sort_order = (service.price_options.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    try:
        option.full_clean()
    except ValidationError:
        if option.pk:
            option.refresh_from_db()
        raise
    option.save()
    after = {name: getattr(option, name) for name in PRICE_FIELDS}
    priced = ("label", "amount", "unit", "kind", "valid_from", "valid_to")
    if any(before.get(name) != after[name] for name in priced):
        _record_price(option, user=user)
        _log(service, user, ServiceChange.Action.PRICES, _diff(before, after))
    return option


@transaction.atomic
def price_option_delete(*, user, option: PriceOption) -> None:
    """Withdraw a price: the option goes, and the history records that it ended."""
    service = option.service
    require_editor(user, service.organisation)
    _record_price(option, user=user, withdrawn=True)
    _log(service, user, ServiceChange.Action.PRICES, {option.label: [str(option.amount), None]})
    option.delete()
