"""Forms for provider self-service on organisations and people.

They check the shape of what was typed (a Companies House number has 8 characters, a CQC
provider ID looks like 1-101634567) and word their errors in plain English; every rule about
who may do what, and every write, stays in catalogue.services.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from .models import Membership, Organisation

COMPANIES_HOUSE_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
CHARITY_NUMBER = re.compile(r"^\d{1,10}$")
CQC_PROVIDER_ID = re.compile(r"^1-\d{5,17}$")
PHONE_CHARACTERS = re.compile(r"^[\d\s()+-]+$")


class TelInput(forms.TextInput):
    input_type = "tel"


def _optional(label: str, **kwargs) -> dict:
    return {"label": f"{label} (optional)", "required": False, **kwargs}


class OrganisationForm(forms.Form):
    """An organisation's public details, for registering it and for keeping it up to date."""

    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="As people know it. You can add the registered name in the description.",
        error_messages={
            "required": "Enter the name of the organisation",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of organisation it is",
            "invalid_choice": "Select what kind of organisation it is",
        },
    )
    description = forms.CharField(
        **_optional("About the organisation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you do and who you help, in plain English. Up to 5,000 characters.",
        error_messages={"max_length": "The description must be 5,000 characters or fewer"},
    )
    companies_house_number = forms.CharField(
        **_optional("Companies House number"),
        max_length=12,
        help_text="8 characters, like 01234567 or SC123456.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    charity_number = forms.CharField(
        **_optional("Registered charity number"),
        max_length=14,
        help_text="Numbers only, like 1123456.",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    cqc_provider_id = forms.CharField(
        **_optional("CQC provider ID"),
        max_length=20,
        help_text=(
            "If the Care Quality Commission (CQC) registers you. "
            "It is on your registration certificate and looks like 1-101634567."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    website = forms.URLField(
        **_optional("Website"),
        max_length=200,
        assume_scheme="https",
        help_text="For example, www.example.org.uk",
        error_messages={
            "invalid": "Enter a web address in the correct format, like www.example.org.uk"
        },
    )
    email = forms.EmailField(
        **_optional("Email address"),
        max_length=254,
        help_text="Where people and the council can contact the organisation.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    phone = forms.CharField(
        **_optional("Phone number"),
        max_length=30,
        widget=TelInput(attrs={"autocomplete": "tel", "class": "govuk-input--width-20"}),
        error_messages={"max_length": "The phone number must be 30 characters or fewer"},
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Enter the name of the organisation")
        return name

    def clean_companies_house_number(self) -> str:
        number = re.sub(r"\s", "", self.cleaned_data["companies_house_number"]).upper()
        if number and not COMPANIES_HOUSE_NUMBER.match(number):
            raise ValidationError(
                "Enter a Companies House number with 8 characters, like 01234567 or SC123456"
            )
        return number

    def clean_charity_number(self) -> str:
        number = re.sub(r"\s", "", self.cleaned_data["charity_number"])
        if number and not CHARITY_NUMBER.match(number):
            raise ValidationError("Enter a charity number using numbers only, like 1123456")
        return number

    def clean_cqc_provider_id(self) -> str:
        provider_id = re.sub(r"\s", "", self.cleaned_data["cqc_provider_id"])
        if not provider_id:
            return ""
        if not CQC_PROVIDER_ID.match(provider_id):
            raise ValidationError("Enter a CQC provider ID in the correct format, like 1-101634567")
        others = Organisation.objects.filter(cqc_provider_id=provider_id)
        if self.organisation is not None:
            others = others.exclude(pk=self.organisation.pk)
        if others.exists():
            # The database refuses it anyway (a unique constraint); this says what to do.
            raise ValidationError(
                "Another organisation on Care Market has this CQC provider ID. "
                "If it is yours, ask to manage it instead"
            )
        return provider_id

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = re.sub(r"\D", "", phone)
        if phone and (not PHONE_CHARACTERS.match(phone) or not 10 <= len(digits) <= 15):
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 808 157 0192")
        return phone

    @classmethod
    def initial_from(cls, organisation: Organisation) -> dict:
        return {name: getattr(organisation, name) for name in cls.base_fields}


class ClaimForm(forms.Form):
    job_title = forms.CharField(
        label="Your job title",
        max_length=100,
        error_messages={
            "required": "Enter your job title",
            "max_length": "Your job title must be 100 characters or fewer",
        },
    )
    evidence = forms.CharField(
        label="How can we check that you work there?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "For example, your work email address, or the name and phone number of a manager "
            "we can contact. Up to 2,000 characters."
        ),
        error_messages={
            "required": "Tell us how we can check that you work there",
            "max_length": "This must be 2,000 characters or fewer",
        },
    )

    def clean_job_title(self) -> str:
        title = " ".join(self.cleaned_data["job_title"].split())
        if not title:
            raise ValidationError("Enter your job title")
        return title

    def clean_evidence(self) -> str:
        evidence = self.cleaned_data["evidence"].strip()
        if not evidence:
            raise ValidationError("Tell us how we can check that you work there")
        return evidence


ROLE_CHOICES = [
    (Membership.Role.EDITOR.value, "Editor: can change the organisation's details and listings"),
    (
        Membership.Role.OWNER.value,
        "Owner: can also invite and remove people, and hand over ownership",
    ),
]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        help_text="We will email them a link to join. They must sign in with this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address of the person you want to invite",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.ChoiceField(
        label="What will they be able to do?",
        choices=ROLE_CHOICES,
        initial=Membership.Role.EDITOR.value,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what they will be able to do",
            "invalid_choice": "Select what they will be able to do",
        },
    )


class ConfirmForm(forms.Form):
    """A form with nothing to fill in: carries a service's refusal to the error summary."""
