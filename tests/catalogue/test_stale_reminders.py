"""manage.py send_stale_reminders: reminders at 6 months, a count of the hidden stale ones."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest

from catalogue.models import Service, ServiceChange
from tests.factories import OrganisationFactory, ServiceFactory, make_provider

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("send_stale_reminders", stdout=out)
    return out.getvalue()


def test_the_command_reminds_once_and_counts_the_stale_listings(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(name="Sunrise Care Ltd", email="office@sunrise.example")
    make_provider(organisation, email="owner@sunrise.example")
    now = timezone.now()
    fresh = ServiceFactory(organisation=organisation, last_confirmed_at=now - timedelta(days=20))
    due = ServiceFactory(organisation=organisation, last_confirmed_at=now - timedelta(days=200))
    stale = ServiceFactory(organisation=organisation, last_confirmed_at=now - timedelta(days=400))
    ServiceFactory(  # a draft is never reminded about, however old
        organisation=organisation,
        status=Service.Status.DRAFT,
        last_confirmed_at=now - timedelta(days=400),
    )

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert output.splitlines() == [
        "Reminders sent about 2 listings.",
        "1 listing is stale (not confirmed for 12 months) and hidden from search.",
    ]
    (message,) = mail.outbox
    assert sorted(message.to) == ["office@sunrise.example", "owner@sunrise.example"]
    assert due.name in message.body and stale.name in message.body
    assert fresh.name not in message.body
    assert ServiceChange.objects.filter(action=ServiceChange.Action.REMINDED).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        again = run()

    assert again.splitlines()[0] == "Reminders sent about 0 listings."
    assert len(mail.outbox) == 1


def test_the_command_with_nothing_to_do():
    ServiceFactory()

    assert run().splitlines() == [
        "Reminders sent about 0 listings.",
        "0 listings are stale (not confirmed for 12 months) and hidden from search.",
    ]
    assert mail.outbox == []
