"""Forms for reviews, replies and reports. They only turn what was typed into Python values;
the rules (and their messages) live in ratings/services.py, so there is one place to change.
"""

from __future__ import annotations

from django import forms

from core.forms import DateInputField

from .models import (
    CATEGORIES,
    REPLY_MAX_LENGTH,
    REPORT_MESSAGE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    RejectionReason,
    Review,
    ReviewReport,
)

STARS = [
    (5, "5 stars: excellent"),
    (4, "4 stars: good"),
    (3, "3 stars: acceptable"),
    (2, "2 stars: poor"),
    (1, "1 star: very poor"),
]
SKIP = ("", "I cannot say or it does not apply")
OUT_OF_RANGE = "Select a rating from 1 to 5 stars."


def character_count_widget(field):
    """A textarea described by its hint, its error and the GOV.UK character count message
    (no maxlength attribute: that would cut people's text off silently)."""
    described_by = [f"{field.auto_id}-info", f"{field.auto_id}_helptext"]
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    return field.as_widget(attrs={"aria-describedby": " ".join(described_by)})


def _stars(label: str, *, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=STARS if required else [*STARS, SKIP],
        coerce=int,
        empty_value=None,
        required=False,  # the service says what is missing, in one place
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": OUT_OF_RANGE},
    )


class ReviewForm(forms.Form):
    relationship = forms.ChoiceField(
        label="Who received the care?",
        choices=Review.Relationship.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select who received the care."},
    )
    care_date = DateInputField(
        what="The date you received the care",
        label="When did you last receive care from this service?",
        help_text=("You can review care received in the last 12 months. For example, 27 3 2026."),
        required=False,
    )
    overall = _stars("Overall, how would you rate the service?", required=True)

    title = forms.CharField(
        label="Give your review a title",
        help_text=f"Up to {TITLE_MAX_LENGTH} characters.",
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"spellcheck": "true"}),
    )
    text = forms.CharField(
        label="Your review",
        help_text=(
            "Tell other people what the care was like. Do not name staff or other people, "
            "or share medical details. Reviews are checked before they are published."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "govuk-js-character-count"}),
    )

    text_max_length = TEXT_MAX_LENGTH

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question, _label in CATEGORIES:
            self.fields[name] = _stars(question, required=False)
        # Keep the order people answer in: who, when, overall, the parts, then the words.
        order = ["relationship", "care_date", "overall", *(n for n, _q, _l in CATEGORIES)]
        self.order_fields([*order, "title", "text"])

    @property
    def category_fields(self):
        return [self[name] for name, _q, _l in CATEGORIES]

    def text_widget(self):
        return character_count_widget(self["text"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "overall": data.get("overall"),
            "ratings": {name: data.get(name) for name, _q, _l in CATEGORIES},
            "relationship": data.get("relationship") or "",
            "care_date": data.get("care_date"),
            "title": data.get("title") or "",
            "text": data.get("text") or "",
        }

    @classmethod
    def initial_for(cls, review: Review) -> dict:
        return {
            "relationship": review.relationship,
            "care_date": review.care_date,
            "overall": review.overall,
            **{name: getattr(review, name) for name, _q, _l in CATEGORIES},
            "title": review.title,
            "text": review.text,
        }


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        help_text=(
            "Your reply is shown under the review once a moderator has checked it. Do not "
            "share details about the person who received care."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "govuk-js-character-count"}),
    )
    text_max_length = REPLY_MAX_LENGTH

    def text_widget(self):
        return character_count_widget(self["text"])


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this review?",
        choices=ReviewReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what is wrong with the review.",
            "invalid_choice": "Select what is wrong with the review.",
        },
    )
    message = forms.CharField(
        label="Tell us more (optional)",
        help_text=f"Up to {REPORT_MESSAGE_MAX_LENGTH:,} characters.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RejectForm(forms.Form):
    """The moderator's decision to refuse a review or reply (Wagtail admin)."""

    reason = forms.ChoiceField(
        label="Reason",
        help_text="The reason is e-mailed to the author.",
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
        required=False,  # the service says what is missing
    )
    note = forms.CharField(
        label="Note to the author (optional; needed for 'another reason')",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
