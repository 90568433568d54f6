from django import forms

from .models import DESCRIPTION_MAX_LENGTH, Concern


class ConcernForm(forms.Form):
    """What a person tells the council about an adult they are worried about. The danger
    question comes first: the page says to call 999 above it."""

    danger_now = forms.ChoiceField(
        label="Is anyone in danger now?",
        choices=Concern.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether anyone is in danger now.",
            "invalid_choice": "Select whether anyone is in danger now.",
        },
    )
    place = forms.CharField(
        label="Where did it happen, or who is it about?",
        help_text="For example, the name and address of a care home, or the street.",
        required=False,
        max_length=300,
        error_messages={"max_length": "Where it happened must be 300 characters or fewer."},
    )
    description = forms.CharField(
        label="What happened?",
        help_text="Tell us what you saw or heard, and who was involved if you know.",
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "class": "govuk-js-character-count"}),
        error_messages={
            "required": "Tell us what happened.",
            "max_length": (
                f"What happened must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer."
            ),
        },
    )
    happened_when = forms.CharField(
        label="When did it happen?",
        help_text="For example, 'yesterday evening', '3 March' or 'it is still happening'.",
        required=False,
        max_length=200,
        error_messages={"max_length": "When it happened must be 200 characters or fewer."},
    )
    person_knows = forms.ChoiceField(
        label="Does the person know you are telling us?",
        choices=Concern.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the person knows you are telling us.",
            "invalid_choice": "Select whether the person knows you are telling us.",
        },
    )
    reporter_name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": "Your name must be 200 characters or fewer."},
    )
    reporter_email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com."
        },
    )
    reporter_phone = forms.CharField(
        label="Your phone number (optional)",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={"max_length": "Your phone number must be 40 characters or fewer."},
    )

    def __init__(self, *args, asks_where: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # The GOV.UK character count tells people the limit; a maxlength attribute would cut
        # their text off silently instead.
        self.fields["description"].widget.attrs.pop("maxlength", None)
        if not asks_where:
            # It is about a listing, an organisation or a person already: no need to ask where.
            del self.fields["place"]

    def description_widget(self):
        """The textarea, described by its hint, its error and the character count message."""
        field = self["description"]
        described_by = [f"{field.auto_id}-info", f"{field.auto_id}_helptext"]
        if field.errors:
            described_by.append(f"{field.auto_id}_error")
        return field.as_widget(attrs={"aria-describedby": " ".join(described_by)})
