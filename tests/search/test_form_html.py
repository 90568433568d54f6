"""The search form's fields written in Python (search/form_html.py) are, byte for byte, what the
templates they replace render: components/field.html, components/field_hint_and_errors.html,
search/_choices.html and the widget templates, for fields unbound, filled in, checked and in
error, with hostile labels, hints, values and messages."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

import pytest

from core.forms import GovukBoundField, GovukFormRenderer
from search import form_html
from search.filters import ServiceSearchFilter
from search.forms import SearchFormRenderer
from tests.factories import CategoryFactory, LocalityFactory

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"
CHOICES = [
    ("a", HOSTILE),
    ("b'\"<", 'Bread "fresh" & butter'),
    ("3", mark_safe("<em>Three</em>")),  # a label marked safe stays as it is
]
GROUPED = [
    ("", "Any"),
    ("Fruit & <veg>", [("a", "Apples"), ("p", "Pears 'n' plums")]),
    ("x", "<Bread>"),
]


class Example(forms.Form):
    """One field of each kind the search form has, plus a hidden one."""

    words = forms.CharField(
        label=HOSTILE,
        help_text='For example, "home care" & <b>more</b>',
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "true"}),
    )
    code = forms.CharField(
        label="Postcode",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label="Type & <kind>", choices=GROUPED)
    flag = forms.BooleanField(label=HOSTILE, widget=forms.CheckboxInput(attrs={"value": "1"}))
    many = forms.MultipleChoiceField(
        label="Who & <why>",
        choices=CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of <these> & 'those'",
    )
    one = forms.ChoiceField(
        label="Score", choices=[("", "Any"), *CHOICES], widget=forms.RadioSelect
    )
    secret = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        # Two messages on one field (joined with <br>), hostile words in a message.
        if self.data.get("words") == "two errors":
            self.add_error("words", HOSTILE)
            self.add_error("words", 'Also "this"')
        return super().clean()


class Ours(Example):
    """Rendered as the search form is: its inputs and selects in Python."""

    default_renderer = SearchFormRenderer


class DjangosOwnTemplates(DjangoTemplates):
    """Django's built-in widget templates, with the site's field classes."""

    bound_field_class = GovukBoundField


UNBOUND = None
FILLED = {
    "words": HOSTILE,
    "code": 'SY1 "1AA"',
    "kind": "p",
    "flag": "1",
    "many": ["a", "3"],
    "one": "b'\"<",
    "secret": "<x>",
}
IN_ERROR = {
    "words": "two errors",
    "code": "x" * 30,
    "kind": "<nope>",
    "many": ["nope", "a"],
    "one": "'nope'",
}
EMPTY = {}  # bound with nothing: every required field in error, nothing checked
STATES = pytest.mark.parametrize(
    "data", [UNBOUND, FILLED, IN_ERROR, EMPTY], ids=["unbound", "filled", "errors", "empty"]
)


def both(data):
    """The form as the search page renders it, and as the site's templates render it."""
    ours = Ours(data=data)
    theirs = Example(data=data, renderer=GovukFormRenderer())
    if data is not None:
        assert ours.errors == theirs.errors
    return ours, theirs


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "",
        HOSTILE,
        "&amp; already escaped, escaped again",
        "Bishop's Castle",
        SafeString("<b>safe</b> & kept"),
        mark_safe(HOSTILE),  # noqa: S308
    ],
)
def test_escape_html_is_conditional_escape(value):
    assert form_html.escape_html(value) == conditional_escape(value)


@STATES
def test_field_html_is_the_field_template(data):
    ours, theirs = both(data)

    for name in Example.base_fields:
        assert form_html.field_html(ours[name]) == render_to_string(
            "components/field.html", {"field": theirs[name]}
        ), name


@STATES
def test_choices_is_the_choices_template(data):
    ours, theirs = both(data)

    for name in ["many", "one"]:
        assert form_html.choices(ours[name]) == render_to_string(
            "search/_choices.html", {"field": theirs[name]}
        ), name


@STATES
def test_hint_and_errors_is_the_hint_and_errors_template(data):
    ours, theirs = both(data)

    for name in Example.base_fields:
        assert form_html.hint_and_errors(ours[name]) == render_to_string(
            "components/field_hint_and_errors.html", {"field": theirs[name]}
        ), name


@STATES
def test_widgets_are_the_widget_templates(data):
    ours, theirs = both(data)
    django_own = Example(data=data, renderer=DjangosOwnTemplates())

    for name in Example.base_fields:
        assert form_html.widget(ours[name]) == str(theirs[name]), name
    for name in ["words", "code", "flag", "secret"]:
        assert form_html.widget(ours[name]) == str(django_own[name]), name
    for name in ["many", "one"]:
        for option in ours[name]:
            assert form_html.input_html(option.data) == option.tag(), name


def test_what_is_checked_selected_and_escaped():
    """Not only equal to the templates: the values a person chose are shown as chosen, and
    nothing hostile gets through unescaped."""
    ours, _theirs = both(FILLED)
    html = "".join(form_html.field_html(ours[name]) for name in Example.base_fields)
    html += form_html.choices(ours["many"]) + form_html.choices(ours["one"])

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in html
    assert 'value="SY1 &quot;1AA&quot;"' in html
    assert '<option value="p" selected>Pears &#x27;n&#x27; plums</option>' in html
    assert '<optgroup label="Fruit &amp; &lt;veg&gt;">' in html
    assert 'name="flag" value="1" required' in html
    assert 'id="id_flag" checked>' in html
    assert 'name="many" value="3" id="id_many_2" class="govuk-checkboxes__input" checked>' in html
    assert 'value="b&#x27;&quot;&lt;" id="id_many_1" class="govuk-checkboxes__input">' in html
    assert "<em>Three</em>" in html  # marked safe by its author
    assert (
        'name="one" value="b&#x27;&quot;&lt;" id="id_one_2" required class="govuk-radios__input"'
        " checked>"
    ) in html


def test_errors_are_shown():
    ours, _theirs = both(IN_ERROR)
    html = form_html.field_html(ours["words"]) + form_html.choices(ours["many"])

    assert (
        '<p id="id_words_error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> '
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;<br>"
        '<span class="govuk-visually-hidden">Error:</span> Also &quot;this&quot;</p>'
    ) in html
    assert 'aria-describedby="id_many_helptext id_many_error"' in html
    assert html.count("govuk-form-group--error") == 2


@STATES
def test_tags_write_what_the_includes_did(data):
    ours, theirs = both(data)
    engine = engines["django"]
    tags = engine.from_string(
        "{% load search_tags %}[{% search_field a %}][{% search_choices b %}]"
        "[{% search_hint_and_errors a %}][{% search_widget a %}]"
    )
    includes = engine.from_string(
        '[{% include "components/field.html" with field=a %}]'
        '[{% include "search/_choices.html" with field=b %}]'
        '[{% include "components/field_hint_and_errors.html" with field=a %}][{{ a }}]'
    )

    for name in ["words", "code", "kind", "flag"]:
        for choice in ["many", "one"]:
            assert tags.render({"a": ours[name], "b": ours[choice]}) == includes.render(
                {"a": theirs[name], "b": theirs[choice]}
            ), (name, choice)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "q": HOSTILE,
            "category": "care-at-home",
            "client_group": ["older-people"],
            "cqc": ["Good"],
            "min_rating": "3",
            "locality": "bishops-castle",
            "serves": "1",
            "accepting": "1",
            "max_price": "20",
            "sort": "price",
        },
        {
            "category": "<nope>",
            "client_group": ["nope"],
            "funding": ["'nope'"],
            "cqc": ["nope"],
            "min_rating": "9",
            "postcode": '"bad"',
            "radius": "x",
            "locality": "nope",
            "max_price": "<b>",
            "unit": "nope",
            "serves": "1",
            "sort": "distance",
        },
    ],
    ids=["empty", "filled", "errors"],
)
def test_the_search_forms_own_fields(params):
    """Every field of the real search form, with areas and types of service named with
    characters that need escaping."""
    parent = CategoryFactory(name="Care & support", slug="care-and-support")
    CategoryFactory(name="Care at <home>", slug="care-at-home", parent=parent)
    CategoryFactory(name='"Day" centres', slug="day-centres")
    LocalityFactory(name="Bishop's Castle", slug="bishops-castle")

    def form(renderer=None):
        data = QueryDict(mutable=True)
        for key, value in params.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        filterset = ServiceSearchFilter(data)
        filterset.criteria()
        if renderer is not None:
            filterset.form.renderer = renderer
        return filterset.form

    ours, theirs = form(), form(GovukFormRenderer())
    assert set(ours.errors) == set(theirs.errors)
    if params.get("category") == "<nope>":
        assert len(ours.errors) >= 8
    elif params:
        assert set(ours.errors) == {"serves"}  # only with a postcode
    assert '<optgroup label="Care &amp; support">' in form_html.field_html(ours["category"])
    assert "Care at &lt;home&gt;" in form_html.field_html(ours["category"])
    assert "Bishop&#x27;s Castle" in form_html.field_html(ours["locality"])

    for name in ours.fields:
        assert form_html.field_html(ours[name]) == render_to_string(
            "components/field.html", {"field": theirs[name]}
        ), name
        assert form_html.widget(ours[name]) == str(theirs[name]), name
    for name in ["client_group", "funding", "min_rating", "cqc"]:
        assert form_html.choices(ours[name]) == render_to_string(
            "search/_choices.html", {"field": theirs[name]}
        ), name
