"""Form markup rendered in Python where Django would render a template per option.

A search page has some 60 checkbox, radio and select options; Django renders each through its
own widget template (an include of input.html and attrs.html each time), which cost more than
the search itself. These give the same markup as Django's widget templates in one pass.
"""

from typing import Any

from django import template
from django.forms.boundfield import BoundWidget
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def flat_attrs(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html: True gives a bare name, False or None leaves it out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


@register.filter
def choice_input(option: BoundWidget) -> SafeString:
    """The <input> of one checkbox or radio option, as `{{ option.tag }}` would render it."""
    data = option.data
    value = "" if data["value"] is None else format_html(' value="{}"', data["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        data["type"],
        data["name"],
        value,
        flat_attrs(data["attrs"]),
    )


@register.filter
def select_options(widget: dict[str, Any]) -> SafeString:
    """The <option>s (and <optgroup>s) of a select widget's context, as select.html renders them."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            ((option["value"], flat_attrs(option["attrs"]), option["label"]) for option in options),
        )
        if group_name:
            parts.append(
                format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered)
            )
        else:
            parts.append(rendered)
    return SafeString("".join(parts))
