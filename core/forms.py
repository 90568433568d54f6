"""Site-wide form rendering in the GOV.UK Design System's markup, and the one way a service's
ValidationError reaches a form (`add_service_errors`).

Every Django form, ours and django-allauth's, renders through this renderer: fields use
templates/components/field.html (label, hint, error message, input), and each widget gets the
govuk-* class for its kind, plus the error modifier when the field has errors. Django itself adds
aria-invalid and aria-describedby ("<id>_helptext <id>_error"), which the field template matches.
"""

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
