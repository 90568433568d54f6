"""Forms of the statement's consultation and the commissioner dashboard's filters."""

from django import forms

from . import metrics
from .services import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment",
        help_text="Comments are published with the statement once a moderator approves them. "
        "Do not include personal details about anyone who uses care.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "required": "Enter your comment.",
            "max_length": f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer.",
        },
    )
    on_behalf_of = forms.CharField(
        label="Who you speak for (optional)",
        help_text="For example, the name of your organisation. It is shown with your comment; "
        "your own name and e-mail address are not.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer."},
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Publish the comment"), ("reject", "Do not publish it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to publish the comment."},
    )
    note = forms.CharField(
        label="Reason (needed if you do not publish it; the author is told)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        help_text="Shown under the comment, as the council's answer.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "required": "Enter your reply.",
            "max_length": f"Your reply must be {COMMENT_MAX_LENGTH:,} characters or fewer.",
        },
    )


class DashboardFilterForm(forms.Form):
    category = forms.ChoiceField(label="Category", required=False)
    locality = forms.ChoiceField(label="Locality", required=False)
    period_months = forms.TypedChoiceField(
        label="Period",
        choices=metrics.PERIOD_CHOICES,
        coerce=int,
        required=False,
        empty_value=12,
    )
    distance_km = forms.IntegerField(
        label="Gap distance (km)",
        min_value=1,
        max_value=100,
        required=False,
        error_messages={
            "min_value": "Enter a distance of at least 1 km.",
            "max_value": "Enter a distance of 100 km or less.",
            "invalid": "Enter the distance as a whole number of kilometres, like 10.",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )

    def __init__(self, *args, **kwargs):
        from .blocks import category_choices, locality_choices

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories"), *category_choices()]
        self.fields["locality"].choices = [("", "All localities"), *locality_choices()]

    def options(self) -> metrics.Options:
        data = self.cleaned_data if self.is_valid() else {}
        return metrics.Options(
            category=data.get("category") or "",
            locality=data.get("locality") or "",
            period_months=data.get("period_months") or 12,
            distance_km=data.get("distance_km") or 10,
        )
