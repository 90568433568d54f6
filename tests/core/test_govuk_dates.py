"""GOV.UK style times, one way everywhere (issue 20: "3:24p.m." on one page, "15:24" on
another)."""

from datetime import UTC, datetime, time
from pathlib import Path

from django.template import Context, Template

import pytest

from core.templatetags.govuk_dates import govuk_datetime, govuk_time


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (time(15, 24), "3:24pm"),
        (time(9, 0), "9am"),
        (time(9, 5), "9:05am"),
        (time(12, 0), "midday"),
        (time(0, 0), "midnight"),
        (time(0, 30), "12:30am"),
        (time(12, 45), "12:45pm"),
    ],
)
def test_times_are_written_the_govuk_way(value, text):
    assert govuk_time(value) == text


def test_dates_and_times_in_each_style_and_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    summer = datetime(2026, 7, 5, 14, 24, tzinfo=UTC)  # 3:24pm in London (BST)

    assert govuk_datetime(summer) == "5 July 2026, 3:24pm"
    assert govuk_datetime(summer, "short") == "5 Jul 2026, 3:24pm"
    assert govuk_datetime(summer, "at") == "5 July 2026 at 3:24pm"
    assert govuk_datetime(None) == "" and govuk_time("") == ""
    rendered = Template("{% load govuk_dates %}{{ when|govuk_datetime }}").render(
        Context({"when": summer})
    )
    assert rendered == "5 July 2026, 3:24pm"


def test_no_template_writes_a_time_any_other_way():
    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.*")
        if any(code in path.read_text() for code in ('H:i"', 'g:ia"', 'g:i a"', "|time:"))
    ]
    assert offenders == []
