"""Site-wide form rendering in the GOV.UK Design System's markup, and the one way a service's
ValidationError reaches a form (`add_service_errors`).

Every Django form, ours and django-allauth's, renders through this renderer: fields use
templates/components/field.html (label, hint, error message, input), and each widget gets the
govuk-* class for its kind, plus the error modifier when the field has errors. Django itself adds
aria-invalid and aria-describedby ("<id>_helptext <id>_error"), which the field template matches.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES = {
    "checkbox": "govuk-checkboxes__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
ERROR_MODIFIERS = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        widget_type = self.widget_type if widget is self.field.widget else ""
        css = WIDGET_CLASSES.get(widget_type, "govuk-input")
        classes = [css]
        if self.errors and css in ERROR_MODIFIERS:
            classes.append(ERROR_MODIFIERS[css])
        existing = attrs.get("class") or widget.attrs.get("class")
        if existing:
            classes.append(existing)
        attrs["class"] = " ".join(classes)
        return attrs


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "components/form_fields.html"
    field_template_name = "components/field.html"
    bound_field_class = GovukBoundField


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "components/date_input.html"
    use_fieldset = True
    widths = ("2", "2", "4")

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(box), forms.TextInput(box), forms.TextInput(box)], attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        errors = "govuk-input--error" in (attrs or {}).get("class", "")
        for subwidget, width, label in zip(
            context["widget"]["subwidgets"], self.widths, ("Day", "Month", "Year"), strict=True
        ):
            classes = ["govuk-input", "govuk-date-input__input", f"govuk-input--width-{width}"]
            if errors:
                classes.append("govuk-input--error")
            subwidget["attrs"]["class"] = " ".join(classes)
            subwidget["label"] = label
        return context


class DateInputField(forms.MultiValueField):
    widget = DateInputWidget

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(
            fields=(
                forms.CharField(required=False),
                forms.CharField(required=False),
                forms.CharField(required=False),
            ),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or not any(part.strip() for part in data_list if part):
            return None
        parts = [(part or "").strip() for part in data_list]
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(f"{self.what} must include a {' and a '.join(missing)}.")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1900:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise ValidationError(
                f"{self.what} must be a real date, for example 27 3 2026."
            ) from None


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str | None] | None = None
) -> None:
    """Put a service's ValidationError on the form: each message beside its field when the form
    has that field (or the field `aliases` names), otherwise at the top of the error summary."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = aliases.get(name, name)
        form.add_error(target if target in form.fields else None, messages)
