"""The admin's inspect pages in plain words (issue 20: "Cqc provider id", "Uuid", "Verified at
None"). Viewsets set `inspect_view_class = PlainInspectView`. Internal identifiers (UUID fields,
which only other systems use) are not shown."""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from wagtail.admin.views.generic.models import InspectView

# Words Django's labels get wrong, as whole words of a label.
WORDS = {
    "cqc": "CQC",
    "id": "ID",
    "uuid": "reference",
    "url": "web address",
    "urls": "web addresses",
    "ras": "RAS",
    "csv": "CSV",
    "oruk": "Open Referral UK",
}


def plain_label(label: str) -> str:
    """'Cqc provider id' -> 'CQC provider ID'; 'Uuid' -> 'Reference'."""
    words = [WORDS.get(word.lower(), word) for word in re.split(r"\s+", label.strip())]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def empty_value(field_name: str) -> str:
    """What an empty field says: not verified, a time not yet reached, or nothing given."""
    if field_name.endswith("verified_at"):
        return "Not verified"
    return "Not yet" if field_name.endswith("_at") else "Not given"


class PlainInspectView(InspectView):
    def get_fields(self):
        return [name for name in super().get_fields() if not self._is_internal_id(name)]

    def _is_internal_id(self, field_name: str) -> bool:
        try:
            field = self.model._meta.get_field(field_name)
        except FieldDoesNotExist:  # a method or property named in the viewset
            return False
        return isinstance(field, models.UUIDField)

    def get_field_label(self, field_name, field):
        return plain_label(super().get_field_label(field_name, field))

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return empty_value(field_name)
        return value
