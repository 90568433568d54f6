"""Forms for shortlists, enquiries and plans. They parse what people type; the rules (and the
messages about them) are in services.py, whose ValidationErrors the views put on these forms."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from catalogue import rules
from catalogue.models import Postcode, PriceOption, Service

from .models import (
    CONTINGENCY_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    Enquiry,
    OutcomeOption,
    PlanLine,
    PlanOutcome,
    PlanReview,
    PlanReviewOutcome,
    PlanShare,
    SupportPlan,
)
from .services import OUTCOMES_MAX, PanelDecision


class TelInput(forms.TextInput):
    input_type = "tel"


class CharacterCountMixin:
    """GOV.UK character count: the limit is told, not enforced by a maxlength attribute that
    would cut people's text off silently; the form says when it is too long instead."""

    count_fields: tuple[str, ...] = ()

    def _drop_maxlength(self):
        for name in self.count_fields:
            self.fields[name].widget.attrs.pop("maxlength", None)  # type: ignore[attr-defined]


def _too_long(limit: int) -> str:
    return f"Your message must be {limit:,} characters or fewer."


class ComparePostcodeForm(forms.Form):
    postcode = forms.CharField(
        label="Your postcode (optional)",
        help_text="To see how far each service is from you.",
        max_length=20,
        required=False,
        error_messages={"max_length": "Enter a real postcode, like SY1 1AA."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_postcode(self) -> Postcode | None:
        typed = self.cleaned_data["postcode"]
        if not typed.strip():
            return None
        normalised = rules.normalise_postcode(typed)
        if normalised is None:
            raise ValidationError("Enter a real postcode, like SY1 1AA.")
        found = Postcode.objects.filter(postcode=normalised).first()
        if found is None:
            raise ValidationError(f"We cannot find {normalised} in our list of local postcodes.")
        return found


class EnquiryForm(CharacterCountMixin, forms.Form):
    count_fields = ("needs",)

    services = forms.ModelMultipleChoiceField(
        label="Which services do you want to ask?",
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one service to ask.",
            "invalid_choice": "Choose services from the list.",
            "invalid_pk_value": "Choose services from the list.",
        },
    )
    needs = forms.CharField(
        label="What help do you need?",
        help_text="For example, help getting washed and dressed each morning, or a place at a "
        "day centre twice a week. Do not include medical details you would not want a provider "
        "to keep.",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "class": "govuk-js-character-count"}),
        error_messages={
            "required": "Tell the provider what help you need.",
            "max_length": _too_long(MESSAGE_MAX_LENGTH),
        },
    )
    for_whom = forms.ChoiceField(
        label="Who is the help for?",
        choices=Enquiry.ForWhom.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say who the help is for.",
            "invalid_choice": "Say who the help is for.",
        },
    )
    person_name = forms.CharField(
        label="Their name (optional)",
        help_text="If the help is for someone else.",
        max_length=100,
        required=False,
        error_messages={"max_length": "Their name must be 100 characters or fewer."},
    )
    start = forms.ChoiceField(
        label="When would the help start?",
        choices=Enquiry.Start.choices,
        widget=forms.RadioSelect,
        initial=Enquiry.Start.UNSURE,
        error_messages={
            "required": "Say when the help would start.",
            "invalid_choice": "Say when the help would start.",
        },
    )
    start_date = forms.DateField(
        label="Start date (if you chose a date)",
        help_text="For example, 27 3 2027 or 2027-03-27.",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter the start date as a real date, like 27/03/2027."},
    )
    sender_name = forms.CharField(
        label="Your name",
        max_length=100,
        error_messages={
            "required": "Enter your name.",
            "max_length": "Your name must be 100 characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label="Email address",
        help_text="Give an email address, a phone number or both, so the provider can reply.",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com."
        },
    )
    contact_phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=TelInput(attrs={"autocomplete": "tel", "class": "govuk-input--width-20"}),
        error_messages={"max_length": "The phone number must be 30 characters or fewer."},
    )

    def __init__(self, *args, services_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services_queryset is not None:
            self.fields["services"].queryset = services_queryset
        self.fields["services"].label_from_instance = lambda s: f"{s.name} ({s.organisation.name})"
        self._drop_maxlength()

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and sum(ch.isdigit() for ch in phone) < 10:
            raise ValidationError(
                "Enter a phone number with at least 10 digits, like 01743 123456."
            )
        return phone


class MessageForm(CharacterCountMixin, forms.Form):
    count_fields = ("body",)

    body = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-js-character-count"}),
        error_messages={
            "required": "Enter your message.",
            "max_length": _too_long(MESSAGE_MAX_LENGTH),
        },
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label
        self._drop_maxlength()


class ConfirmForm(forms.Form):
    """A POST with nothing to fill in (close, submit, agree), still CSRF-checked."""


def parse_money(text: str) -> Decimal | None:
    cleaned = (text or "").strip().replace(",", "").lstrip("£").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValidationError("Enter the budget as an amount of money, like 373.53.") from error
    if not value.is_finite():
        raise ValidationError("Enter the budget as an amount of money, like 373.53.")
    return value


class PlanForm(forms.Form):
    person_name = forms.CharField(
        label="Who is the plan for?",
        help_text="Their name, or 'me'.",
        max_length=100,
        error_messages={
            "required": "Enter the name of the person the plan is for.",
            "max_length": "The name must be 100 characters or fewer.",
        },
    )
    plan_for = forms.ChoiceField(
        label="Whose support is the plan for?",
        help_text="A carer can make a plan for their own support as a carer.",
        choices=SupportPlan.PlanFor.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=SupportPlan.PlanFor.PERSON,
        error_messages={"invalid_choice": "Say whose support the plan is for."},
    )
    budget = forms.CharField(
        label="Indicative weekly budget, in pounds (optional)",
        help_text="From the council's budget calculator, or a letter from the council, "
        "for example 373.53.",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "govuk-input--width-10", "spellcheck": "false"}
        ),
        error_messages={"max_length": "Enter the budget as an amount of money, like 373.53."},
    )
    budget_source = forms.ChoiceField(
        label="Where does the budget come from?",
        choices=[("", "Choose where it comes from"), *SupportPlan.BudgetSource.choices],
        required=False,
    )
    budget_source_detail = forms.CharField(
        label="More about where it comes from (optional)",
        help_text="For example, 'letter from the council dated 3 March'.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep this to 200 characters or fewer."},
    )
    money_management = forms.ChoiceField(
        label="How will the money be managed?",
        choices=SupportPlan.MoneyManagement.choices,
        widget=forms.RadioSelect,
        initial=SupportPlan.MoneyManagement.UNDECIDED,
        error_messages={
            "required": "Say how the money will be managed.",
            "invalid_choice": "Say how the money will be managed.",
        },
    )

    def clean_budget(self) -> Decimal | None:
        return parse_money(self.cleaned_data["budget"])

    def plan_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.fields}
        fields["plan_for"] = fields["plan_for"] or SupportPlan.PlanFor.PERSON
        return fields


class OutcomesForm(forms.Form):
    options = forms.ModelMultipleChoiceField(
        label="Outcomes people often choose",
        help_text="Choose any that matter to the person.",
        queryset=OutcomeOption.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose outcomes from the list.",
            "invalid_pk_value": "Choose outcomes from the list.",
        },
    )
    outcomes = forms.CharField(
        label="Outcomes in the person's own words",
        help_text=f"Write one outcome on each line (up to {OUTCOMES_MAX} in all). For example: "
        "'To stay living in my own home', 'To see my friends at the lunch club every week'.",
        required=False,
        max_length=OUTCOMES_MAX * 310,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": "That is too much text. Keep each outcome short."},
    )
    needs = forms.CharField(
        label="Needs to be met",
        help_text="Write one need on each line. For example: 'Help to get washed and dressed', "
        "'Someone with me when I go out'.",
        required=False,
        max_length=OUTCOMES_MAX * 310,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "That is too much text. Keep each need short."},
    )

    def __init__(self, *args, audience: str | None = None, chosen=(), **kwargs):
        """`audience`: offer only the council's outcomes for people, or only those for carers
        (a carer's own plan), besides any already chosen; None offers all."""
        super().__init__(*args, **kwargs)
        field = self.fields["options"]
        options = OutcomeOption.objects.filter(active=True)
        if audience:
            options = OutcomeOption.objects.filter(
                Q(active=True, audience=audience) | Q(pk__in=list(chosen))
            )
        field.queryset = options.order_by(  # type: ignore[attr-defined]
            "audience", "sort_order", "name"
        )
        field.label_from_instance = lambda o: (  # type: ignore[attr-defined]
            f"{o.name} (for carers)" if o.audience == OutcomeOption.Audience.CARER else o.name
        )

    def outcome_list(self) -> list[str]:
        return self.cleaned_data["outcomes"].splitlines()

    def need_list(self) -> list[str]:
        return self.cleaned_data["needs"].splitlines()


class ContingencyForm(forms.Form):
    contingency = forms.CharField(
        label="If something goes wrong",
        help_text="What happens if, for example, your PA is ill or a service cannot come: who "
        "to call, who steps in, what must not be missed.",
        required=False,
        max_length=CONTINGENCY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": f"Keep this to {CONTINGENCY_MAX_LENGTH:,} characters or fewer."
        },
    )


class LineOutcomesForm(forms.Form):
    outcomes = forms.ModelMultipleChoiceField(
        label="Which outcomes does this support serve?",
        queryset=PlanOutcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose outcomes from the plan.",
            "invalid_pk_value": "Choose outcomes from the plan.",
        },
    )

    def __init__(self, *args, plan: SupportPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = plan.outcome_items.all()  # type: ignore[attr-defined]


def parse_quantity(text: str) -> Decimal:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError("Enter how many a week, like 4 or 2.5.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValidationError("Enter how many a week as a number, like 4 or 2.5.") from error
    if not value.is_finite():
        raise ValidationError("Enter how many a week as a number, like 4 or 2.5.")
    return value


# What "how many" means for each unit of price (issue 20: "1 for a monthly package" confused
# people, and a price per session needs "sessions a week"): (label, hint).
QUANTITY_WORDING: dict[str, tuple[str, str]] = {
    "hour": ("How many hours a week?", "For example, 7.5 for an hour and a half every weekday."),
    "visit": ("How many visits a week?", "For example, 14 for two visits every day."),
    "session": (
        "How many sessions a week?",
        "For example, 2 for a session on Tuesdays and Fridays.",
    ),
    "day": ("How many days a week?", "For example, 3 for Monday, Wednesday and Friday."),
    "night": ("How many nights a week?", "For example, 7 for every night of the week."),
    "week": ("How many a week?", "Usually 1: the price is for a whole week."),
    "free": ("How many hours a week?", "It is free, so it adds nothing to the cost."),
    "month": (
        "How many each month?",
        "Usually 1: the price is for a month. The plan shows what it costs a week "
        "(the monthly price × 12 ÷ 52).",
    ),
    "year": (
        "How many each year?",
        "Usually 1: the price is for a year. The plan shows what it costs a week "
        "(the yearly price ÷ 52).",
    ),
}
MIXED_UNITS_HINT = (
    "In the unit of the price you choose: hours a week for a price per hour, sessions a week "
    "for a price per session, nights a week for a price per night. For a price per month, "
    "usually 1."
)


def word_quantity(field: forms.Field, units: set[str]) -> None:
    """Give a quantity field the label and hint of its price's unit (a general hint when the
    prices to choose from are in different units)."""
    if len(units) == 1 and (wording := QUANTITY_WORDING.get(next(iter(units)))):
        field.label, field.help_text = wording
    elif units:
        field.label, field.help_text = "How many a week?", MIXED_UNITS_HINT


class QuantityField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "How many a week?")
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "class": "govuk-input--width-5",
                    "spellcheck": "false",
                }
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Enter how many a week, like 4 or 2.5.",
                "max_length": "Enter how many a week as a number, like 4 or 2.5.",
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_quantity(super().clean(value))


# --- how a line is paid for (issue 21) ---------------------------------------------------------

NOT_DECIDED = ("", "Not decided yet")

# The plan's way of managing the money is the starting choice for each line.
ROUTE_FROM_PLAN = {
    SupportPlan.MoneyManagement.DIRECT_PAYMENT: PlanLine.PaidBy.DIRECT_PAYMENT,
    SupportPlan.MoneyManagement.COUNCIL: PlanLine.PaidBy.COUNCIL,
    SupportPlan.MoneyManagement.ISF: PlanLine.PaidBy.ISF,
    SupportPlan.MoneyManagement.SELF_FUNDED: PlanLine.PaidBy.PERSON,
}


def route_initial(plan: SupportPlan) -> dict[str, str]:
    return {"paid_by": ROUTE_FROM_PLAN.get(plan.money_management, "")}


class PaymentFieldsBase(forms.Form):
    """How the line is paid for; the service says which ways fit which line."""

    route_choices: list[tuple[str, str]] = [*PlanLine.PaidBy.choices, NOT_DECIDED]

    paid_by = forms.ChoiceField(
        label="How is it paid for?",
        help_text="A plan can mix these: each line says how it is paid.",
        choices=[],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how it is paid for."},
    )
    isf_provider = forms.CharField(
        label="Provider managing the individual service fund",
        help_text="Only if it is paid from an individual service fund.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep the name to 200 characters or fewer."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_by"].choices = self.route_choices
        for name in ("paid_by", "isf_provider"):  # after the line's own fields
            self.fields[name] = self.fields.pop(name)


class ServiceLineForm(PaymentFieldsBase):
    price_option = forms.ModelChoiceField(
        label="Which price?",
        queryset=PriceOption.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose one of the service's prices.",
            "invalid_choice": "Choose one of the service's prices.",
        },
    )
    quantity = QuantityField(help_text=MIXED_UNITS_HINT)
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="For example, 'mornings, 7am to 9am, Monday to Friday'.",
        required=False,
        max_length=300,
        error_messages={"max_length": "Keep the notes to 300 characters or fewer."},
    )

    def __init__(self, *args, service: Service | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Every option of the service is accepted by the field, so a price of another service
        # (or an out-of-date one) reaches the service and gets its plain message.
        self.fields["price_option"].queryset = PriceOption.objects.all()
        if service is not None:
            from catalogue.templatetags.catalogue_tags import price

            self.current_options = list(
                PriceOption.objects.current().filter(service=service).order_by("sort_order", "pk")
            )
            self.fields["price_option"].choices = [
                (o.pk, f"{o.label}: {price(o)}") for o in self.current_options
            ]
            word_quantity(self.fields["quantity"], {o.unit for o in self.current_options})


class LineEditForm(forms.Form):
    quantity = QuantityField()
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Keep the notes to 300 characters or fewer."},
    )

    def __init__(self, *args, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        word_quantity(self.fields["quantity"], {unit} if unit else set())


class InformalLineForm(forms.Form):
    description = forms.CharField(
        label="What is the support?",
        help_text="For example, 'Help with shopping on Saturdays' or 'Lunch club at the "
        "community centre'.",
        max_length=200,
        error_messages={
            "required": "Say what the support is.",
            "max_length": "Keep this to 200 characters or fewer.",
        },
    )
    provided_by = forms.CharField(
        label="Who gives it? (optional)",
        help_text="For example, 'my daughter' or 'Ludlow Friendship Group'.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep this to 200 characters or fewer."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Keep the notes to 300 characters or fewer."},
    )


class ShareForm(forms.Form):
    name = forms.CharField(
        label="Their name",
        max_length=100,
        error_messages={
            "required": "Enter the name of the person you are sharing the plan with.",
            "max_length": "The name must be 100 characters or fewer.",
        },
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="We will email them a link. They sign in with this address to open the plan.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address in the right format, like name@example.com.",
        },
    )
    access = forms.ChoiceField(
        label="What can they do?",
        choices=PlanShare.Access.choices,
        widget=forms.RadioSelect,
        initial=PlanShare.Access.VIEW,
        error_messages={
            "required": "Choose what they can do.",
            "invalid_choice": "Choose what they can do.",
        },
    )


class PlanLinkForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        help_text="The address they sign in with. We will email them a link to confirm.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address in the right format, like name@example.com.",
        },
    )
    agree = forms.BooleanField(
        label="I agree that, once they confirm, we both see our two plans side by side",
        error_messages={"required": "Confirm that you agree to link the plans."},
    )


class LinkConfirmForm(forms.Form):
    plan = forms.ModelChoiceField(
        label="Which of your plans should be linked?",
        queryset=SupportPlan.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the plan to link.",
            "invalid_choice": "Choose the plan to link.",
        },
    )
    agree = forms.BooleanField(
        label="I agree that we both see our two plans side by side",
        error_messages={"required": "Confirm that you agree to link the plans."},
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        field.queryset = plans  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: (  # type: ignore[attr-defined]
            f"{p.person_name} ({p.get_plan_for_display().lower()})"
        )


# --- lines the catalogue does not list (issue 21) ----------------------------------------------


class MoneyField(forms.CharField):
    """Pounds and pence as typed ('£1,250.50'); the service checks the amount's rules."""

    def __init__(self, *, what: str, example: str, **kwargs):
        self.what, self.example = what, example
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "class": "govuk-input--width-10",
                    "spellcheck": "false",
                }
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"Enter {what}, like {example}.",
                "max_length": f"Enter {what} as an amount of money, like {example}.",
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_money(text)
        except ValidationError as error:
            raise ValidationError(
                f"Enter {self.what} as an amount of money, like {self.example}."
            ) from error


def _provided_by(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Who provides it? (optional)",
        help_text=help_text,
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep this to 200 characters or fewer."},
    )


def _notes() -> forms.CharField:
    return forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Keep the notes to 300 characters or fewer."},
    )


class PALineForm(PaymentFieldsBase):
    route_choices = [
        (PlanLine.PaidBy.DIRECT_PAYMENT.value, PlanLine.PaidBy.DIRECT_PAYMENT.label),
        (PlanLine.PaidBy.PERSON.value, PlanLine.PaidBy.PERSON.label),
        NOT_DECIDED,
    ]

    description = forms.CharField(
        label="What will the personal assistant do?",
        help_text="For example, 'One-to-one support at home and out and about'.",
        initial="Personal assistant",
        max_length=200,
        error_messages={
            "required": "Say what the PA will do.",
            "max_length": "Keep this to 200 characters or fewer.",
        },
    )
    hourly_pay = MoneyField(
        label="Hourly pay, in pounds",
        help_text="What the PA is paid an hour before tax, for example 13.50.",
        what="the hourly pay",
        example="13.50",
    )
    hours = QuantityField(
        label="Hours a week",
        help_text="For example, 24 for six hours a day, four days a week.",
        error_messages={
            "required": "Enter the hours a week, like 24 or 7.5.",
            "max_length": "Enter the hours a week as a number, like 24 or 7.5.",
        },
    )
    provided_by = _provided_by("The PA's name, if you know it.")
    notes = _notes()


class MembershipLineForm(PaymentFieldsBase):
    description = forms.CharField(
        label="What is the membership or subscription?",
        help_text="For example, 'Annual membership of a local garden'.",
        max_length=200,
        error_messages={
            "required": "Say what the membership is.",
            "max_length": "Keep this to 200 characters or fewer.",
        },
    )
    yearly_cost = MoneyField(
        label="Cost a year, in pounds",
        help_text="The plan shows it as a cost a week (the yearly cost divided by 52).",
        what="the yearly cost",
        example="78.00",
    )
    provided_by = _provided_by("For example, the garden, club or company.")
    notes = _notes()


class OneOffLineForm(PaymentFieldsBase):
    description = forms.CharField(
        label="What is the item?",
        help_text="For example, 'Perching stool' or 'Baking course'.",
        max_length=200,
        error_messages={
            "required": "Say what the item is.",
            "max_length": "Keep this to 200 characters or fewer.",
        },
    )
    cost = MoneyField(
        label="Cost, in pounds",
        help_text="Bought once: it is added to the first year's cost, not the weekly cost.",
        what="the cost",
        example="45.50",
    )
    provided_by = _provided_by("For example, the shop or college.")
    notes = _notes()


class LinePaymentForm(PaymentFieldsBase):
    def __init__(self, *args, line: PlanLine | None = None, **kwargs):
        if line is not None and line.kind == PlanLine.Kind.PA:
            self.route_choices = PALineForm.route_choices
        super().__init__(*args, **kwargs)


# --- reviews (issue 21) ------------------------------------------------------------------------


class ReviewRequestForm(CharacterCountMixin, forms.Form):
    count_fields = ("reason",)

    reason = forms.CharField(
        label="What has changed?",
        help_text="For example, 'My husband has changed jobs' or 'I have been in hospital'.",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Say what has changed.",
            "max_length": _too_long(MESSAGE_MAX_LENGTH),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._drop_maxlength()


class ReviewRecordForm(forms.Form):
    """One radio question per outcome of the plan, then what the review decided."""

    changes = forms.CharField(
        label="What changes?",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _too_long(MESSAGE_MAX_LENGTH)},
    )
    cost_in_period = MoneyField(
        label="What the support cost since the last review, in pounds",
        what="the cost in the period",
        example="4850.00",
    )
    person_view = forms.CharField(
        label="What the person thinks, in their own words",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _too_long(MESSAGE_MAX_LENGTH)},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=PlanReview.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Record the decision: continue, change the plan or reassess.",
            "invalid_choice": "Record the decision: continue, change the plan or reassess.",
        },
    )
    new_estimate = MoneyField(
        label="New weekly estimate after a reassessment, in pounds (optional)",
        help_text="Shown beside the budget it replaces.",
        what="the new estimate",
        example="420.00",
        required=False,
    )

    def __init__(self, *args, outcomes, reassessments=(), figure_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reassessments = {str(a.uuid): a for a in reassessments}
        if self.reassessments:
            # A reassessment the practitioner recorded since the review was set: its figure is
            # the new estimate, shown beside the budget it replaces.
            self.fields["reassessment"] = forms.ChoiceField(
                label="Reassessment (optional)",
                help_text="Its figure becomes the new estimate.",
                required=False,
                widget=forms.RadioSelect,
                choices=[("", "No reassessment")]
                + [
                    (key, _reassessment_label(a, figure_of))
                    for key, a in self.reassessments.items()
                ],
                error_messages={"invalid_choice": "Choose one of your assessments of this person."},
            )
        self.outcome_fields: list[tuple[str, PlanOutcome]] = []
        progress = {}
        for item in outcomes:
            name = f"outcome_{item.pk}"
            message = f"Say how '{item.text}' is going: achieved, partly or not yet."
            progress[name] = forms.ChoiceField(
                label=item.text,
                choices=PlanReviewOutcome.Progress.choices,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
            self.outcome_fields.append((name, item))
        # The outcomes first, in the plan's order; a reassessment just before the new estimate.
        rest = dict(self.fields)
        reassessment = rest.pop("reassessment", None)
        if reassessment is not None:
            estimate = rest.pop("new_estimate")
            rest.update(reassessment=reassessment, new_estimate=estimate)
        self.fields = {**progress, **rest}

    def progress(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[name] for name, item in self.outcome_fields}

    def reassessment(self):
        return self.reassessments.get(self.cleaned_data.get("reassessment") or "")


def _reassessment_label(assessment, figure_of) -> str:
    from django.utils import timezone

    from catalogue.templatetags.catalogue_tags import money

    when = timezone.localtime(assessment.created_at).strftime("%-d %B %Y")
    figure = figure_of(assessment) if figure_of else assessment.weekly_budget
    amount = "no carer element" if figure is None else f"{money(figure)} a week"
    return f"Assessment of {when}: {amount}"


# --- sign-off (issue 17) ---------------------------------------------------------------------


def _contribution_field() -> MoneyField:
    return MoneyField(
        label="The person's assessed contribution a week, in pounds (optional)",
        help_text="From their financial assessment. The council pays the rest of the budget.",
        what="the person's contribution",
        example="45.00",
        required=False,
    )


def _top_up_field() -> MoneyField:
    return MoneyField(
        label="Third-party top-up a week, in pounds (optional)",
        help_text="What a relative or someone else pays on top of the personal budget.",
        what="the top-up",
        example="20.00",
        required=False,
    )


class AgreeForm(forms.Form):
    person_contribution = _contribution_field()
    top_up = _top_up_field()


class ReferForm(forms.Form):
    reasons = forms.CharField(
        label="Anything the panel should know (optional)",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _too_long(MESSAGE_MAX_LENGTH)},
    )


class PanelDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The panel's decision",
        choices=PanelDecision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the panel's decision.",
            "invalid_choice": "Choose the panel's decision.",
        },
    )
    amount = MoneyField(
        label="The weekly amount the panel agrees, in pounds",
        help_text="Only when the panel agrees a different amount.",
        what="the weekly amount",
        example="350.00",
        required=False,
    )
    reasons = forms.CharField(
        label="The panel's reasons",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Give the panel's reasons.",
            "max_length": _too_long(MESSAGE_MAX_LENGTH),
        },
    )
    person_contribution = _contribution_field()
    top_up = _top_up_field()


class CostBeforeForm(forms.Form):
    amount = MoneyField(
        label="What the support cost a week before the RAS, in pounds",
        help_text="The cost of the person's package before the budget calculator was used.",
        what="the weekly cost before the RAS",
        example="412.00",
    )
