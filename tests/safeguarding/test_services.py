"""safeguarding.services: raising a concern, the team's alert, statuses, the log, personal data."""

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from core import personal_data
from safeguarding import services
from safeguarding.models import DESCRIPTION_MAX_LENGTH, Concern, ConcernEvent
from tests.factories import make_user

from .conftest import SECRET, TEAM_INBOX

pytestmark = pytest.mark.django_db


def raise_concern(**overrides):
    data = {
        "description": SECRET,
        "place": "Elm Road, Westbury",
        "danger_now": Concern.Answer.NO,
        "person_knows": Concern.Answer.NO,
        "reporter_name": "Ann Reporter",
        "reporter_email": "ann@example.org",
        "reporter_phone": "07700 900123",
    }
    data.update(overrides)
    return services.concern_create(**data)


def test_a_concern_is_saved_and_the_inbox_gets_one_email_with_no_personal_details(
    inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(danger_now=Concern.Answer.YES)
    assert Concern.objects.count() == 1
    assert concern.urgent and concern.status == Concern.Status.NEW
    assert concern.reference.startswith("SG-") and len(concern.reference) == 11
    (message,) = [m for m in mail.outbox if m.to == [TEAM_INBOX]]
    assert message.subject == f"URGENT: New safeguarding concern {concern.reference}"
    text = message.subject + message.body
    assert f"/admin/safeguarding/concerns/{concern.pk}/" in message.body
    for personal in ("Jones", "Elm Road", "Ann", "ann@example.org", "07700", "food"):
        assert personal not in text
    concern.refresh_from_db()
    assert concern.team_alerted_at is not None
    assert [e.action for e in concern.events.all()] == [ConcernEvent.Action.CREATED]


def test_a_reporter_who_gave_an_address_gets_the_reference_and_the_numbers_only(
    inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern()
    (message,) = [m for m in mail.outbox if m.to == ["ann@example.org"]]
    assert message.subject == (
        f"Your concern has been sent to the council: reference {concern.reference}"
    )
    assert "What happens next" in message.body
    assert "0118 496 0000" in message.body and "0118 496 0999" in message.body
    assert "Jones" not in message.body and "Elm Road" not in message.body
    assert len(mail.outbox) == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(reporter_email="")  # anonymous: only the team hears
    assert [m.to for m in mail.outbox] == [[TEAM_INBOX]]


def test_without_an_inbox_the_team_members_are_emailed(
    home_page, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(reporter_email="")
    (message,) = mail.outbox
    assert message.to == ["team@westshire.example"]
    assert message.subject.startswith("New safeguarding concern SG-")


def test_a_mail_server_that_is_down_loses_nothing_and_the_alert_is_retried(
    inbox, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def down(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern()
    concern.refresh_from_db()
    assert Concern.objects.count() == 1 and concern.team_alerted_at is None
    assert mail.outbox == []
    assert services.concerns_alert_retry() == 0  # still down: still waiting

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert services.concerns_alert_retry() == 1
    assert len(mail.outbox) == 1 and concern.reference in mail.outbox[0].subject
    concern.refresh_from_db()
    assert concern.team_alerted_at is not None
    assert services.concerns_alert_retry() == 0  # sent once only
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "x" * 20_000}, "description"),
        ({"place": ""}, "place"),
        ({"reporter_email": "not-an-address"}, "reporter_email"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(inbox, overrides, field):
    with pytest.raises(ValidationError) as error:
        raise_concern(**overrides)
    assert field in error.value.message_dict
    assert Concern.objects.count() == 0 and mail.outbox == []


def test_the_longest_description_is_accepted():
    concern = raise_concern(description="x" * DESCRIPTION_MAX_LENGTH)
    assert len(concern.description) == DESCRIPTION_MAX_LENGTH


def test_a_listing_is_enough_and_its_organisation_is_kept(service):
    concern = raise_concern(place="", service=service)
    assert concern.organisation == service.organisation
    assert concern.about == service.name


def test_only_the_team_views_and_every_view_and_change_is_logged(concern, team, people):
    for person in people.values():
        with pytest.raises(PermissionDenied):
            services.concern_view(user=person, concern=concern)
        with pytest.raises(PermissionDenied):
            services.concern_set_status(user=person, concern=concern, status=Concern.Status.CLOSED)
    services.concern_view(user=team, concern=concern)
    services.concern_set_status(user=team, concern=concern, status=Concern.Status.ACKNOWLEDGED)
    services.concern_set_status(user=team, concern=concern, status=Concern.Status.SECTION_42)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.SECTION_42
    log = [(e.action, e.user, e.status) for e in concern.events.all()]
    assert log == [
        (ConcernEvent.Action.CREATED, None, ""),
        (ConcernEvent.Action.VIEWED, team, ""),
        (ConcernEvent.Action.STATUS, team, Concern.Status.ACKNOWLEDGED),
        (ConcernEvent.Action.STATUS, team, Concern.Status.SECTION_42),
    ]
    assert all(e.user_name == "team@westshire.example" for e in concern.events.all()[1:])


def test_no_further_action_needs_a_reason(concern, team):
    with pytest.raises(ValidationError) as error:
        services.concern_set_status(
            user=team, concern=concern, status=Concern.Status.NO_FURTHER_ACTION
        )
    assert "reason" in error.value.message_dict
    services.concern_set_status(
        user=team,
        concern=concern,
        status=Concern.Status.NO_FURTHER_ACTION,
        reason="Already known to the district nurses.",
    )
    concern.refresh_from_db()
    assert concern.status_reason == "Already known to the district nurses."


def test_the_download_lists_the_reporters_concerns_without_the_teams_notes(team):
    reporter = make_user("reporter@example.org")
    concern = raise_concern(reporter=reporter)
    services.concern_set_status(
        user=team, concern=concern, status=Concern.Status.NO_FURTHER_ACTION, reason="TEAM NOTE"
    )
    raise_concern(reporter=make_user())  # someone else's
    data = personal_data.export_user_data(reporter)["safeguarding_concerns"]
    assert len(data) == 1
    assert data[0]["reference"] == concern.reference
    assert data[0]["what_happened"] == SECRET
    assert "TEAM NOTE" not in str(data) and "status" not in data[0]


def test_deleting_the_account_keeps_the_concern_and_removes_the_reporter(team):
    reporter = make_user("reporter@example.org")
    concern = raise_concern(reporter=reporter)
    personal_data.erase_user(reporter)
    concern.refresh_from_db()
    assert concern.description == SECRET
    assert (concern.reporter, concern.reporter_name, concern.reporter_email) == (None, "", "")
    assert concern.reporter_phone == ""
    assert concern.events.last().action == ConcernEvent.Action.REPORTER_REMOVED


def test_closed_concerns_go_after_the_retention_period_open_ones_stay(team):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old_closed = raise_concern()
    old_open = raise_concern()
    new_closed = raise_concern()
    for concern in (old_closed, new_closed):
        services.concern_set_status(user=team, concern=concern, status=Concern.Status.CLOSED)
    Concern.objects.filter(pk__in=[old_closed.pk, old_open.pk]).update(
        created_at=now - timedelta(days=6 * 366)
    )
    assert services.concerns_retention_delete(now=now) == 1
    assert set(Concern.objects.values_list("pk", flat=True)) == {old_open.pk, new_closed.pk}
