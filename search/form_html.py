"""The search form's fields, written in Python.

The filter column of /search/ has some 60 checkbox, radio and select options in a dozen fields;
through templates each field was an include of components/field.html with another include for
its hint and errors, and each option a pass of the template loop, which together cost about as
much as the search itself on the page people load most. These builders give the same markup in
one pass, joining strings with each value escaped once (`escape_html`), as search/cards.py does
for the result cards.

The markup is that of templates/components/field.html, templates/components/
field_hint_and_errors.html and templates/search/_choices.html (the rest of the site still
renders fields through the first two); change them together: tests/search/test_form_html.py
holds each builder equal, byte for byte, to its template.
"""

from __future__ import annotations

from html import escape as _escape
from typing import Any

from django.forms import BoundField
from django.utils.safestring import SafeData, SafeString


def escape_html(value: Any) -> str:
    """`value` as the template engine writes it with autoescaping: as it is if already safe,
    else escaped (django.utils.html.escape is html.escape(str(value))); conditional_escape's
    rule, without its checks for lazy strings and __html__, which no value here needs."""
    if isinstance(value, SafeData):
        return str(value)
    return _escape(str(value))


def flat_attrs(attrs: dict[str, Any]) -> str:
    """As core.templatetags.govuk_forms.flat_attrs: True gives a bare name, False or None
    leaves it out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {escape_html(name)}")
        elif value is not False and value is not None:
            parts.append(f' {escape_html(name)}="{escape_html(value)}"')
    return "".join(parts)


def input_html(widget: dict[str, Any]) -> str:
    """An <input> from its widget context, as Django's input.html and attrs.html write it."""
    value = widget["value"]
    value_attr = "" if value is None else f' value="{escape_html(value)}"'
    return (
        f'<input type="{escape_html(widget["type"])}" name="{escape_html(widget["name"])}"'
        f"{value_attr}{flat_attrs(widget['attrs'])}>"
    )


def select_html(widget: dict[str, Any]) -> str:
    """A <select> from its widget context, as the site's django/forms/widgets/select.html
    writes it (with core.templatetags.govuk_forms.select_options)."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = "".join(
            f'\n  <option value="{escape_html(option["value"])}"{flat_attrs(option["attrs"])}>'
            f"{escape_html(option['label'])}</option>"
            for option in options
        )
        if group_name:
            label = escape_html(group_name)
            parts.append(f'\n  <optgroup label="{label}">{rendered}\n  </optgroup>')
        else:
            parts.append(rendered)
    return (
        f'<select name="{escape_html(widget["name"])}"{flat_attrs(widget["attrs"])}>'
        f"{''.join(parts)}\n</select>"
    )


def _error_class(field: BoundField) -> str:
    return " govuk-form-group--error" if field.errors else ""


def _described_by(field: BoundField) -> str:
    """The fieldset's aria-describedby: the hint and the error message."""
    help_text, errors = field.help_text, field.errors
    if not (help_text or errors):
        return ""
    auto_id = escape_html(field.auto_id)
    hint = f"{auto_id}_helptext" if help_text else ""
    error = f" {auto_id}_error" if errors else ""
    return f' aria-describedby="{hint}{error}"'


def hint_and_errors(field: BoundField) -> str:
    """As components/field_hint_and_errors.html: the hint and the error message."""
    parts = []
    if field.help_text:
        parts.append(
            f'<div id="{escape_html(field.auto_id)}_helptext" class="govuk-hint">'
            f"{escape_html(field.help_text)}</div>"
        )
    parts.append("\n")
    errors = field.errors
    if errors:
        messages = "<br>".join(
            f'<span class="govuk-visually-hidden">Error:</span> {escape_html(error)}'
            for error in errors
        )
        parts.append(
            f'<p id="{escape_html(field.auto_id)}_error" class="govuk-error-message">{messages}</p>'
        )
    parts.append("\n")
    return "".join(parts)


RADIOS = ("govuk-radios", "govuk-radios__item", "govuk-radios__label")
CHECKBOXES = ("govuk-checkboxes", "govuk-checkboxes__item", "govuk-checkboxes__label")


def _classes(field: BoundField) -> tuple[str, str, str]:
    """The classes of a choice field's group, its items and their labels."""
    return RADIOS if field.widget_type == "radioselect" else CHECKBOXES


def _options(field: BoundField, item: str, label: str) -> str:
    """The options of a checkbox or radio field, each in its item <div> with its label (the
    `{% for option in field %}` loop of both templates)."""
    parts = []
    for option in field:
        data = option.data
        parts.append(
            f'\n      <div class="{item}">\n'
            f"        {input_html(data)}\n"
            f'        <label class="govuk-label {label}" '
            f'for="{escape_html(data["attrs"].get("id"))}">{escape_html(data["label"])}</label>\n'
            "      </div>\n      "
        )
    return "".join(parts)


def choices(field: BoundField) -> str:
    """As search/_choices.html: small checkboxes or radios in a fieldset."""
    kind, item, label = _classes(field)
    return (
        f'\n\n<div class="govuk-form-group{_error_class(field)}">\n'
        f'  <fieldset class="govuk-fieldset"{_described_by(field)}>\n'
        '    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
        f"{escape_html(field.label)}</legend>\n"
        f"    {hint_and_errors(field)}\n"
        f'    \n    <div class="{kind} {kind}--small" data-module="{kind}">\n      '
        f"{_options(field, item, label)}\n"
        "    </div>\n    \n"
        "  </fieldset>\n</div>\n\n"
    )


def widget(field: BoundField) -> str:
    """`{{ field }}`: the widget (the search form's renderer writes inputs and selects in
    Python, search/forms.py)."""
    return str(field)


def field_html(field: BoundField) -> str:
    """As components/field.html: the form group of one field with its label, hint, errors
    and widget."""
    if field.is_hidden:
        return f"{widget(field)}\n"
    widget_type = field.widget_type
    if field.use_fieldset:
        kind, item, label = _classes(field)
        body = (
            f'\n  <fieldset class="govuk-fieldset"{_described_by(field)}>\n'
            '    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
            f"{escape_html(field.label)}</legend>\n"
            f"    {hint_and_errors(field)}\n"
            f'    <div class="{kind}" data-module="{kind}">\n      '
            f"{_options(field, item, label)}\n"
            "    </div>\n  </fieldset>\n"
        )
    elif widget_type == "checkbox":
        body = (
            f"\n  {hint_and_errors(field)}\n"
            '  <div class="govuk-checkboxes govuk-checkboxes--small"'
            ' data-module="govuk-checkboxes">\n'
            '    <div class="govuk-checkboxes__item">\n'
            f"      {widget(field)}\n"
            '      <label class="govuk-label govuk-checkboxes__label" '
            f'for="{escape_html(field.id_for_label)}">{escape_html(field.label)}</label>\n'
            "    </div>\n  </div>\n"
        )
    else:
        body = (
            f'\n  <label class="govuk-label" for="{escape_html(field.id_for_label)}">'
            f"{escape_html(field.label)}</label>\n"
            f"  {hint_and_errors(field)}\n"
            f"  {widget(field)}\n"
        )
    return f'\n<div class="govuk-form-group{_error_class(field)}">\n{body}\n</div>\n\n'


def safe(html: str) -> SafeString:
    """Builder output for a template: every value in it was escaped on the way in."""
    return SafeString(html)
