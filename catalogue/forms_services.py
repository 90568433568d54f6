"""Forms providers use for their own listings: the service form, prices and availability.

Forms parse what people type and present it back; the rules (a price needs a unit and cannot be
negative, a postcode must be one we know, vacancies cannot exceed beds...) live in
catalogue/services/. `core.forms.add_service_errors` puts the ValidationError a service raises
beside the field it is about, so the person sees it in the error summary and next to the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from core.forms import DateInputField, add_service_errors

from .models import (
    Category,
    ClientGroup,
    FundingType,
    Locality,
    PriceKind,
    PriceOption,
    Service,
    Unit,
)
from .services import (
    SERVICE_FIELDS,
    SERVICE_RELATIONS,
    PriceChangedMeanwhile,
    price_option_fingerprint,
)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The accessibility features a provider can tick. They are stored as these words (the public
# page and the open data feed show them as they are); a value stored by an import that is not in
# this list is kept and offered as a choice so editing never drops it.
ACCESSIBILITY_FEATURES = (
    "Step-free access",
    "Wheelchair accessible throughout",
    "Lift to all floors",
    "Accessible toilet",
    "Changing Places toilet",
    "Hearing loop",
    "British Sign Language (BSL) interpreter available",
    "Large print information",
    "Easy read information",
    "Accessible parking",
    "Assistance dogs welcome",
    "Quiet room or space",
    "Dementia-friendly environment",
)

# Categories whose services have beds and so give vacancies (and their sub-categories).
CARE_HOME_CATEGORY = "care-homes"

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]


def takes_vacancies(service: Service) -> bool:
    """Services with beds (care homes) say how many are free; others just say yes or no.

    Reads service.categories.all() so a prefetch serves it."""
    if service.beds is not None:
        return True
    for category in service.categories.all():
        if CARE_HOME_CATEGORY in (category.slug, category.parent.slug if category.parent else ""):
            return True
    return False


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input--width-10"}
    )


def _date_field(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        input_formats=DATE_FORMATS,
        widget=_date_input(),
        error_messages={"invalid": "Enter a real date, like 1 April 2026"},
    )


class MoneyField(forms.DecimalField):
    """A number of pounds; a '£' sign and thousands commas are fine. Range and pence are checked
    by the price service, which knows the rules."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)


# --- the service ------------------------------------------------------------------------------


class ServiceForm(forms.Form):
    """Every field of a listing a provider sets. `service_fields()` gives the keyword arguments
    for services.service_create / service_update."""

    name = forms.CharField(
        label="Name of the service",
        max_length=200,
        error_messages={"required": "Enter the name of the service"},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        help_text="One or two sentences, shown in search results. Up to 300 characters.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter a short summary of the service"},
    )
    description = forms.CharField(
        label="Full description (optional)",
        required=False,
        max_length=10_000,
        help_text="What you offer, who it suits, and what a typical day or visit looks like.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    categories = forms.ModelMultipleChoiceField(
        label="What kind of service is it?",
        queryset=Category.objects.select_related("parent"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one kind of service"},
    )
    client_groups = forms.ModelMultipleChoiceField(
        label="Who is it for? (optional)",
        queryset=ClientGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    funding_accepted = forms.ModelMultipleChoiceField(
        label="How can people pay for it? (optional)",
        queryset=FundingType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
    )
    localities_served = forms.ModelMultipleChoiceField(
        label="Which areas do you serve? (optional)",
        queryset=Locality.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select the towns and areas where you provide the service.",
    )
    radius_km = forms.DecimalField(
        label="How far from your premises do you travel, in kilometres? (optional)",
        required=False,
        help_text="For example, 15. Leave this blank if you only serve the areas you selected.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter the distance as a number, like 15"},
    )
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(
        label="Address line 2 (optional)", max_length=200, required=False
    )
    town = forms.CharField(
        label="Town or city",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=16,
        required=False,
        help_text="We use it to tell people how far away you are.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    hide_exact_address = forms.BooleanField(
        label="Show only the town and the first part of the postcode",
        required=False,
        help_text="For example, for a care home or a service that visits people at home.",
    )
    contact_name = forms.CharField(label="Contact name (optional)", max_length=100, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "class": "govuk-input--width-20"}),
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address like www.example.com"},
    )
    accessibility_features = forms.MultipleChoiceField(
        label="Accessibility (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that your premises or service offer.",
    )
    languages = forms.CharField(
        label="Languages spoken (optional)",
        max_length=500,
        required=False,
        help_text="Separate them with commas, for example: English, Welsh, Polish.",
    )
    cqc_location_id = forms.CharField(
        label="CQC location ID (optional)",
        max_length=20,
        required=False,
        help_text="If the Care Quality Commission registers this service, for example "
        "1-123456789. It is on your CQC report page.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    beds = forms.IntegerField(
        label="Number of beds (optional)",
        required=False,
        help_text="Care homes only.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"invalid": "Enter the number of beds as a whole number, like 24"},
    )
    started_trading_on = DateInputField(
        what="The date the service started trading",
        label="When did the service start trading? (optional)",
        help_text="The date you first provided it, not the date you listed it here. "
        "For example, 27 3 2019.",
        required=False,
    )

    def __init__(self, *args: Any, service: Service | None = None, **kwargs: Any) -> None:
        if service is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(service)
        super().__init__(*args, **kwargs)
        for day in DAYS:
            for edge in ("opens", "closes"):
                self.fields[f"{edge}_{day.lower()}"] = forms.TimeField(
                    label=f"{day} {edge}",
                    required=False,
                    input_formats=TIME_FORMATS,
                    widget=forms.TimeInput(
                        format="%H:%M",
                        attrs={"class": "govuk-input--width-5", "inputmode": "numeric"},
                    ),
                    error_messages={"invalid": f"Enter the time {day} {edge}, like 09:00"},
                )
        self._set_category_choices()
        known = list(ACCESSIBILITY_FEATURES)
        stored = service.accessibility_features if service is not None else []
        known += [value for value in stored if value not in known]
        self.fields["accessibility_features"].choices = [(value, value) for value in known]

    @staticmethod
    def initial_for(service: Service) -> dict[str, Any]:
        # The service's own fields, less the two stored as lists that the form shows as text.
        plain = [f for f in SERVICE_FIELDS if f not in ("opening_times", "languages")]
        initial: dict[str, Any] = {name: getattr(service, name) for name in ["name", *plain]}
        if service.pk:
            for relation in SERVICE_RELATIONS:
                initial[relation] = [o.pk for o in getattr(service, relation).all()]
        initial["languages"] = ", ".join(service.languages or [])
        for entry in service.opening_times or []:
            day = str(entry.get("day", "")).capitalize()
            if day in DAYS:
                initial[f"opens_{day.lower()}"] = entry.get("opens", "")
                initial[f"closes_{day.lower()}"] = entry.get("closes", "")
        return initial

    def _set_category_choices(self) -> None:
        """Top-level categories each followed by their sub-categories, in taxonomy order."""
        field = self.fields["categories"]
        everything = list(field.queryset)
        tops = [c for c in everything if c.parent_id is None]
        ordered: list[Category] = []
        self.category_parent: dict[int, int | None] = {}
        for top in tops:
            ordered.append(top)
            self.category_parent[top.pk] = None
            for child in everything:
                if child.parent_id == top.pk:
                    ordered.append(child)
                    self.category_parent[child.pk] = top.pk
        field.choices = [(c.pk, c.name) for c in ordered]

    def category_groups(self) -> list[tuple[Any, list[Any]]]:
        """[(top-level checkbox, [its sub-category checkboxes])] for the grouped checkboxes."""
        groups: list[tuple[Any, list[Any]]] = []
        for widget in self["categories"].subwidgets:
            pk = int(str(widget.data["value"]))
            if self.category_parent.get(pk) is None:
                groups.append((widget, []))
            elif groups:
                groups[-1][1].append(widget)
        return groups

    def opening_rows(self) -> list[tuple[str, list[Any], bool]]:
        """[(day, [opens field, closes field], has errors)] for the opening times rows."""
        rows = []
        for day in DAYS:
            fields = [self[f"opens_{day.lower()}"], self[f"closes_{day.lower()}"]]
            rows.append((day, fields, any(field.errors for field in fields)))
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for day in DAYS:
            opens, closes = f"opens_{day.lower()}", f"closes_{day.lower()}"
            if opens in self.errors or closes in self.errors:
                continue
            if cleaned.get(opens) and not cleaned.get(closes):
                self.add_error(closes, f"Enter the time {day} closes, or leave both blank")
            elif cleaned.get(closes) and not cleaned.get(opens):
                self.add_error(opens, f"Enter the time {day} opens, or leave both blank")
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """The cleaned form as keyword arguments for service_create / service_update."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "name",
                "summary",
                "description",
                "categories",
                "client_groups",
                "funding_accepted",
                "localities_served",
                "radius_km",
                "address_line_1",
                "address_line_2",
                "town",
                "postcode",
                "hide_exact_address",
                "contact_name",
                "email",
                "phone",
                "website",
                "accessibility_features",
                "cqc_location_id",
                "beds",
                "started_trading_on",
            )
        }
        fields["categories"] = list(data["categories"])
        for relation in ("client_groups", "funding_accepted", "localities_served"):
            fields[relation] = list(data[relation])
        fields["postcode"] = data["postcode"].strip()
        fields["languages"] = split_list(data["languages"])
        fields["opening_times"] = [
            {
                "day": day,
                "opens": data[f"opens_{day.lower()}"].strftime("%H:%M"),
                "closes": data[f"closes_{day.lower()}"].strftime("%H:%M"),
            }
            for day in DAYS
            if data.get(f"opens_{day.lower()}") and data.get(f"closes_{day.lower()}")
        ]
        return fields

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, {"opening_times": "opens_monday"})


def split_list(text: str) -> list[str]:
    """'English, Welsh,, polish ' -> ['English', 'Welsh', 'polish'] without repeats."""
    seen: list[str] = []
    for part in text.split(","):
        item = " ".join(part.split())
        if item and item.lower() not in (s.lower() for s in seen):
            seen.append(item)
    return seen


# --- prices -----------------------------------------------------------------------------------


PRICE_FORM_FIELDS = ("label", "amount", "unit", "kind", "conditions", "valid_from", "valid_to")


class PriceForm(forms.Form):
    """One price option. The amount is only parsed here: services.price_option_save says what
    is wrong with it (negative, too large, more than two decimal places, 'free' with a price)."""

    label = forms.CharField(
        label="Name of this price",
        max_length=100,
        help_text="For example, Weekday daytime, Weekend, Night sit, or Tier 2 monitoring.",
        error_messages={"required": "Enter a name for this price, like Weekday daytime"},
    )
    amount = MoneyField(
        label="Price in pounds",
        required=False,
        help_text="For example, 24.50. Leave blank if it is free.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter the price as a number, like 24.50"},
    )
    unit = forms.ChoiceField(
        label="What is the price for?",
        choices=[(value, capfirst(label)) for value, label in Unit.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the price is for, like per hour"},
    )
    kind = forms.ChoiceField(
        label="When does this price apply?",
        choices=PriceKind.choices,
        initial=PriceKind.STANDARD,
        required=False,  # blank means standard (the choice is pre-selected anyway)
        widget=forms.RadioSelect,
        help_text="The council compares standard (weekday daytime) prices across services; "
        "choose another kind for evening, weekend, night or bank holiday rates.",
        error_messages={"required": "Select when the price applies, like standard"},
    )
    conditions = forms.CharField(
        label="Conditions (optional)",
        max_length=300,
        required=False,
        help_text="For example, minimum 2 hours, or only within 5 miles of Ludlow.",
    )
    valid_from = _date_field("Valid from (optional)", "Leave blank if it applies now.")
    valid_to = _date_field("Valid until (optional)", "Leave blank if it has no end date.")
    # The price as this editor found it (services.price_option_fingerprint): a save after
    # someone else's is refused instead of overwriting it unseen.
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, option: PriceOption | None = None, **kwargs: Any) -> None:
        if option is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(option, name)
                for name in (
                    "label",
                    "amount",
                    "unit",
                    "kind",
                    "conditions",
                    "valid_from",
                    "valid_to",
                )
            }
            kwargs["initial"]["seen"] = price_option_fingerprint(option)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # "Free" needs no amount typed; an amount typed with "free" is the service's to refuse.
        if cleaned.get("unit") == Unit.FREE and cleaned.get("amount") is None:
            cleaned["amount"] = Decimal("0")
        if not cleaned.get("kind"):
            cleaned["kind"] = PriceKind.STANDARD.value
        return cleaned

    def price_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in PRICE_FORM_FIELDS}

    def changed_meanwhile(self, error: PriceChangedMeanwhile) -> None:
        """Keep what this editor typed, say what the price now is, and take the new price as
        the one they have seen: saving again replaces it knowingly."""
        self.data = self.data.copy()
        self.data["seen"] = error.fingerprint
        self.add_error(None, error.messages)


# --- availability -----------------------------------------------------------------------------


class AvailabilityForm(forms.Form):
    """Availability in two clicks: yes or no (and vacancies for services with beds), save.

    Field ids carry the service's id, so the dashboard can show one form per service."""

    accepting_new_clients = forms.TypedChoiceField(
        label="Accepting new clients?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you can take new clients"},
    )
    vacancies = forms.IntegerField(
        label="Vacancies (optional)",
        required=False,
        max_value=9999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the number of vacancies as a whole number, like 2",
            "max_value": "Enter a number of vacancies under 10,000",
        },
    )
    earliest_start = _date_field("Earliest start (optional)", "Leave blank if you can start now.")

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"service-{service.pk}-%s")
        if "initial" not in kwargs:
            accepting = {True: "yes", False: "no"}.get(service.accepting_new_clients, "")
            kwargs["initial"] = {
                "accepting_new_clients": accepting,
                "vacancies": service.vacancies,
                "earliest_start": service.earliest_start,
            }
        super().__init__(*args, **kwargs)
        self.service = service
        if not takes_vacancies(service):
            del self.fields["vacancies"]

    def availability_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "accepting_new_clients": data["accepting_new_clients"],
            "vacancies": data.get("vacancies"),
            "earliest_start": data.get("earliest_start"),
        }
