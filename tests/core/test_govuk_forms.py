"""Options rendered in Python give exactly the markup of Django's own widget templates."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

import pytest

from core.forms import GovukBoundField
from core.templatetags.govuk_forms import choice_input


class DjangosOwnTemplates(DjangoTemplates):
    """Django's built-in widget templates, with our field classes."""

    bound_field_class = GovukBoundField


CHOICES = [("a", "Apples & pears"), ("b", 'Bread "fresh"'), ("3", "Three")]
GROUPED = [("Fruit", [("a", "Apples"), ("p", "Pears")]), ("Other", [("x", "<Bread>")])]


class Example(forms.Form):
    many = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    one = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, help_text="Pick one")
    pick = forms.ChoiceField(choices=[("", "Any"), *CHOICES])
    grouped = forms.ChoiceField(choices=GROUPED)
    several = forms.MultipleChoiceField(choices=CHOICES)


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize(
    "data",
    [{}, {"many": ["a", "3"], "one": "b", "pick": "3", "grouped": "x", "several": ["a", "b"]}],
)
def test_checkbox_and_radio_inputs_match_djangos_templates(data):
    form = Example(data=data or None)

    for name in ["many", "one"]:
        for option in form[name]:
            assert choice_input(option) == option.tag()


@pytest.mark.parametrize(
    "data",
    [{}, {"pick": "b", "grouped": "x", "several": ["a", "3"]}, {"pick": "nope"}],
)
def test_select_options_match_djangos_templates(data):
    ours = Example(data=data or None)
    django_own = Example(data=data or None, renderer=DjangosOwnTemplates())

    for name in ["pick", "grouped", "several"]:
        assert squeeze(str(ours[name])) == squeeze(str(django_own[name]))
    assert "&lt;Bread&gt;" in str(ours["grouped"])
