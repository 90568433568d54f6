"""Forms of the RAS: the questionnaire (one domain a page, or all at once for practitioners),
the calibration upload and the proposed rate. They collect input; the rules are in services."""

from decimal import Decimal

from django import forms

from catalogue.forms_services import DATE_FORMATS, MoneyField
from catalogue.models import Locality

from .models import ClientGroup, Domain, PractitionerTeam

INFORMAL_PREFIX = "informal-"
CARER_AGREES = "carer_agrees"


class DomainAnswersForm(forms.Form):
    """The questions of one or more domains: one radio group per question; for a question
    whose points informal support reduces, a checkbox to say that support is there; on a carer
    page, whether the carer agrees to keep giving it (without which nothing is reduced)."""

    def __init__(self, *args, domains: list[Domain], ask_informal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        for domain in domains:
            for question in domain.questions.all():
                self.fields[question.key] = forms.ChoiceField(
                    label=question.text,
                    help_text=question.hint,
                    choices=[(o.key, o.label) for o in question.options.all()],
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Select an answer to '{question.text}'",
                        "invalid_choice": f"Select one of the answers to '{question.text}'",
                    },
                )
                if (
                    ask_informal
                    and domain.kind == Domain.Kind.PERSON
                    and question.informal_reduction_percent
                ):
                    self.fields[INFORMAL_PREFIX + question.key] = forms.BooleanField(
                        label="Family, friends or neighbours already help with this",
                        required=False,
                    )
            if domain.kind == Domain.Kind.CARER and ask_informal:
                self.fields[CARER_AGREES] = forms.TypedChoiceField(
                    label="Is the carer willing and able to keep giving the help they give now?",
                    help_text="We only count their help if they agree to keep giving it.",
                    choices=[("yes", "Yes"), ("no", "No, or not sure")],
                    coerce=lambda value: value == "yes",
                    widget=forms.RadioSelect,
                    error_messages={"required": "Select whether the carer agrees"},
                )

    def fields_of(self, domain: Domain) -> list[str]:
        """The names of the fields asked about `domain`, in order."""
        names = []
        for question in domain.questions.all():
            names += [n for n in (question.key, INFORMAL_PREFIX + question.key) if n in self.fields]
        if domain.kind == Domain.Kind.CARER and CARER_AGREES in self.fields:
            names.append(CARER_AGREES)
        return names

    def question_keys(self) -> list[str]:
        return [q.key for d in self.domains for q in d.questions.all()]

    def answers(self) -> tuple[dict[str, str], set[str], set[str], bool | None]:
        """(choices, informal yes, informal no, carer agrees or None) from valid data."""
        data = self.cleaned_data
        choices = {key: data[key] for key in self.question_keys()}
        informal_yes = {
            key for key in self.question_keys() if data.get(INFORMAL_PREFIX + key) is True
        }
        informal_no = set(self.question_keys()) - informal_yes
        agrees = data.get(CARER_AGREES) if CARER_AGREES in self.fields else None
        return choices, informal_yes, informal_no, agrees


class PersonForm(forms.Form):
    person_name = forms.CharField(
        label="Name of the person assessed",
        max_length=200,
        error_messages={"required": "Enter the name of the person you are assessing"},
    )
    client_group = forms.ChoiceField(
        label="Client group",
        choices=[("", "Choose a client group"), *ClientGroup.choices],
        error_messages={
            "required": "Choose the person's client group",
            "invalid_choice": "Choose the person's client group",
        },
    )
    locality = forms.ModelChoiceField(
        label="Where they live (optional)",
        help_text="Gives a local market rate where there are enough local prices.",
        queryset=Locality.objects.order_by("name"),
        required=False,
        empty_label="Anywhere in the county",
    )

    def __init__(self, *args, teams=None, **kwargs):
        """`teams`: the recorder's practitioner teams; asked only when there are several (with
        one, the assessment goes into that team's caseload)."""
        super().__init__(*args, **kwargs)
        if teams is not None and len(teams) > 1:
            self.fields["team"] = forms.ModelChoiceField(
                label="Team",
                help_text="The assessment goes into this team's caseload: anyone in the team "
                "can pick up the case.",
                queryset=PractitionerTeam.objects.filter(pk__in=[t.pk for t in teams]),
                empty_label="Choose a team",
                error_messages={
                    "required": "Choose the team whose caseload the assessment is in",
                    "invalid_choice": "Choose one of your own teams",
                },
            )


class CaseUploadForm(forms.Form):
    name = forms.CharField(
        label="Name for this set of cases",
        max_length=200,
        help_text="For example: Reviews April 2025 to March 2026.",
        error_messages={"required": "Enter a name for this set of cases"},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: client_group, points, weekly_cost. Up to 20 MB.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be a CSV saved as UTF-8") from None


class ProposedRateForm(forms.Form):
    rate = forms.DecimalField(
        label="Proposed money per point (£ a week)",
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter a proposed rate",
            "invalid": "Enter the proposed rate as a number of pounds, like 15.56",
            "max_digits": "Enter a rate under £100,000,000",
            "max_decimal_places": "Enter the rate to the penny, like 15.56",
            "max_whole_digits": "Enter a rate under £100,000,000",
        },
    )

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        if rate <= Decimal(0):
            raise forms.ValidationError("The proposed rate must be more than zero")
        return rate


class AdoptRateForm(ProposedRateForm):
    reason = forms.CharField(
        label="Why adopt this rate",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class InvitePersonForm(forms.Form):
    email = forms.EmailField(
        label="The person's email address",
        help_text="They open the assessment signed in with this address and can start their own "
        "support plan from it.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )


class TeamMoveForm(forms.Form):
    """Where a case moves and why; services.assessment_team_move checks the rest."""

    team = forms.ModelChoiceField(
        label="Which team is the case moving to?",
        queryset=PractitionerTeam.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the team the case is moving to",
            "invalid_choice": "Choose one of the teams listed",
        },
    )
    reason = forms.CharField(
        label="Why is the case moving?",
        help_text="For example, the person moved to the north of the county. The new team and "
        "the case history show this.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the case is moving to another team",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = PractitionerTeam.objects.exclude(pk=assessment.team_id)


class ContractedRateForm(forms.Form):
    """The council's contracted or framework rate for a reference service, from a date. The
    service (contracted_rate_record) checks who may record it."""

    amount = MoneyField(
        label="Contracted rate (£)",
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the contracted rate",
            "invalid": "Enter the contracted rate as a number of pounds, like 24.50",
            "max_digits": "Enter a rate under £100,000,000",
            "max_decimal_places": "Enter the rate to the penny, like 24.50",
            "max_whole_digits": "Enter a rate under £100,000,000",
        },
    )
    applies_from = forms.DateField(
        label="Applies from",
        help_text="For example, 1 April 2026 or 2026-04-01.",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input--width-10"}
        ),
        error_messages={
            "required": "Enter the date the rate applies from",
            "invalid": "Enter a real date, like 1 April 2026",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="For example, the framework or contract the rate comes from.",
        max_length=1000,
        required=False,
    )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= Decimal(0):
            raise forms.ValidationError("The contracted rate must be more than zero")
        return amount
