"""Dates and times in GOV.UK style, one way everywhere (issue 20: "3:24p.m." beside "15:24").

    {{ value|govuk_datetime }}          5 December 2026, 3:24pm
    {{ value|govuk_datetime:"short" }}  5 Dec 2026, 3:24pm (dense tables)
    {{ value|govuk_datetime:"at" }}     5 December 2026 at 3:24pm (sentences, e-mails)
    {{ value|govuk_time }}              3:24pm; 12pm is "midday" and 12am "midnight"

Aware datetimes are shown in the site's time zone, as Django's date filter does.
"""

from __future__ import annotations

from datetime import datetime, time

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def govuk_time(value) -> str:
    """3:24pm, 9am, midday, midnight."""
    if not isinstance(value, (datetime, time)):
        return ""
    value = _local(value)
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


@register.filter
def govuk_datetime(value, style: str = "") -> str:
    """The date and the time: '5 December 2026, 3:24pm' (see the module's docstring)."""
    if not isinstance(value, datetime):
        return ""
    value = _local(value)
    day = date_format(value, "j M Y" if style == "short" else "j F Y")
    return f"{day}{' at ' if style == 'at' else ', '}{govuk_time(value)}"
