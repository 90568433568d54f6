"""The rules of shortlists, enquiries and support plans, through their services."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from catalogue.models import Organisation, Service
from core.roles import Role
from marketplace.plans import selectors, services
from marketplace.plans.models import (
    MESSAGE_MAX_LENGTH,
    Enquiry,
    ListingWeek,
    PlanLine,
    PlanShare,
    ShortlistItem,
    SupportPlan,
)
from marketplace.plans.permissions import can_edit_plan, can_view_plan
from marketplace.ras.models import SchemeVersion
from tests.factories import PriceOptionFactory, ServiceFactory, make_user

pytestmark = pytest.mark.django_db

D = Decimal


class Anonymous:
    is_authenticated = False


ANON = Anonymous()


def weekly_counts(service):
    row = ListingWeek.objects.filter(service=service).first()
    return (row.views, row.shortlists, row.enquiries) if row else (0, 0, 0)


# --- shortlist --------------------------------------------------------------------------------


def test_an_anonymous_shortlist_lives_in_the_session(service, other_service):
    session = {}
    assert services.shortlist_add(user=ANON, session=session, service=service) is True
    assert services.shortlist_add(user=ANON, session=session, service=service) is False
    services.shortlist_add(user=ANON, session=session, service=other_service)

    assert services.shortlist_service_ids(user=ANON, session=session) == [
        service.pk,
        other_service.pk,
    ]
    assert not ShortlistItem.objects.exists()
    assert weekly_counts(service) == (0, 1, 0)  # the repeat add is not counted twice


def test_a_signed_in_shortlist_is_kept_in_the_account(person, service):
    session = {}
    services.shortlist_add(user=person, session=session, service=service)
    services.shortlist_add(user=person, session=session, service=service)

    assert list(ShortlistItem.objects.values_list("service", flat=True)) == [service.pk]
    assert session == {}
    assert services.shortlist_remove(user=person, session=session, service_id=service.pk)
    assert not ShortlistItem.objects.exists()
    assert not services.shortlist_remove(user=person, session=session, service_id=service.pk)


@pytest.mark.parametrize("status", [Service.Status.SUSPENDED, Service.Status.DRAFT])
def test_only_listings_the_public_can_find_can_be_shortlisted(service, status):
    service.status = status
    service.save()
    with pytest.raises(ValidationError, match="not listed"):
        services.shortlist_add(user=ANON, session={}, service=service)


def test_the_shortlist_has_a_limit(organisation, home_care, monkeypatch):
    # Patched where shortlist_add reads it: the shortlists module of the services package.
    monkeypatch.setattr(services.shortlists, "SHORTLIST_MAX", 2)
    session = {}
    listings = ServiceFactory.create_batch(3, organisation=organisation, categories=[home_care])
    services.shortlist_add(user=ANON, session=session, service=listings[0])
    services.shortlist_add(user=ANON, session=session, service=listings[1])
    with pytest.raises(ValidationError, match="shortlist is full"):
        services.shortlist_add(user=ANON, session=session, service=listings[2])
    assert len(session[services.SESSION_KEY]) == 2


def test_signing_in_merges_the_session_shortlist_without_repeats(person, service, other_service):
    services.shortlist_add(user=person, session={}, service=service)
    session = {services.SESSION_KEY: [service.pk, other_service.pk, 999999]}

    added = services.shortlist_merge(user=person, session=session)

    assert added == 1
    assert services.shortlist_service_ids(user=person, session={}) == [
        service.pk,
        other_service.pk,
    ]
    assert services.SESSION_KEY not in session


def test_a_listing_hidden_since_does_not_come_across_on_sign_in(person, service):
    session = {services.SESSION_KEY: [service.pk]}
    service.status = Service.Status.SUSPENDED
    service.save()
    assert services.shortlist_merge(user=person, session=session) == 0


def test_the_shortlist_shows_a_listing_hidden_since_and_says_so(person, service, other_service):
    services.shortlist_add(user=person, session={}, service=service)
    services.shortlist_add(user=person, session={}, service=other_service)
    Service.objects.filter(pk=service.pk).update(status=Service.Status.SUSPENDED)

    listed = selectors.shortlist_services([service.pk, other_service.pk])

    assert [(s.name, s.is_visible) for s in listed] == [
        ("Home care in Ludlow", False),
        ("Oak home support", True),
    ]


# --- enquiries --------------------------------------------------------------------------------


def send(person, *listings, **overrides):
    fields = {
        "sender_name": "Pat Public",
        "contact_email": "pat@example.org",
        "contact_phone": "",
        "for_whom": Enquiry.ForWhom.FAMILY,
        "person_name": "Mum",
        "needs": "Help getting up and dressed each morning.",
    }
    fields.update(overrides)
    return services.enquiry_send(user=person, services=list(listings), **fields)


def test_an_enquiry_to_two_services_is_one_for_each_provider(
    person, service, other_service, provider, other_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiries = send(person, service, other_service)

    assert [e.organisation.name for e in enquiries] == ["Holly Homecare", "Oak Care"]
    assert enquiries[0].group == enquiries[1].group
    assert all(e.status == Enquiry.Status.NEW for e in enquiries)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # each provider's addresses, and the sender's confirmation
    assert "ludlow@holly.example" in recipients
    assert "priya@holly.example" in recipients
    assert "omar@oak.example" in recipients
    assert "pat@example.org" in recipients
    # e-mails never carry what the person wrote or how to reach them
    for message in mail.outbox:
        if "pat@example.org" not in message.to:
            assert "dressed" not in message.body and "pat@example.org" not in message.body
    assert weekly_counts(service) == (0, 0, 1)


def test_enquiry_emails_to_an_address_with_no_account_carry_no_typed_name(
    person, service, provider, django_capture_on_commit_callbacks
):
    """Security review (issue 18, item 5: free text out of e-mails to unverified recipients):
    the contact address is typed, so anyone could send 'Hello <advert>' to a stranger through
    the sender's confirmation and the provider's reply and close notices."""
    with django_capture_on_commit_callbacks(execute=True):
        (enquiry,) = send(
            person, service, sender_name="Cheap pills at spam.example", contact_email="x@a.example"
        )
        services.enquiry_reply(user=provider, enquiry=enquiry, body="We can help.")
        services.enquiry_close(user=provider, enquiry=enquiry)
    to_stranger = [m for m in mail.outbox if m.to == ["x@a.example"]]
    assert len(to_stranger) == 3  # sent, replied, closed
    for message in to_stranger:
        assert "spam.example" not in message.subject + message.body
        assert message.body.startswith("Hello,")

    # At the person's own verified address the greeting keeps their name.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send(
            person,
            service,
            sender_name="Pat Public",
            contact_email="pat@example.org",
            needs="And help at bedtime.",  # the same words again would be the same enquiry
        )
    (confirmation,) = [m for m in mail.outbox if m.to == ["pat@example.org"]]
    assert confirmation.body.startswith("Hello Pat Public,")


def test_nothing_is_sent_if_the_transaction_rolls_back(
    person, service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(person, service)
    assert callbacks and not mail.outbox


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact_email": "", "contact_phone": ""}, "contact_email", "so the provider can reply"),
        ({"needs": "x" * (MESSAGE_MAX_LENGTH + 1)}, "needs", "3,000 characters or fewer"),
        ({"needs": "   "}, "needs", "Enter your message"),
        ({"start": "date", "start_date": None}, "start_date", "Enter the date"),
        (
            {"start": "date", "start_date": timezone.localdate() - timedelta(days=1)},
            "start_date",
            "today or later",
        ),
    ],
)
def test_enquiries_that_cannot_be_sent(person, service, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        send(person, service, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Enquiry.objects.exists()


def test_a_phone_number_alone_is_a_way_to_reply(person, service):
    (enquiry,) = send(person, service, contact_email="", contact_phone="01743 123456")
    assert enquiry.contact_phone == "01743 123456"


def test_an_enquiry_needs_a_listing_the_public_can_find(person, service, other_service):
    Service.objects.filter(pk=other_service.pk).update(status=Service.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="Oak home support cannot take enquiries"):
        send(person, service, other_service)
    assert not Enquiry.objects.exists()  # all or nothing


def test_an_enquiry_needs_a_signed_in_sender(service):
    with pytest.raises(PermissionDenied):
        send(ANON, service)


def test_a_reply_and_the_thread(
    person, provider, other_provider, service, django_capture_on_commit_callbacks
):
    (enquiry,) = send(person, service)
    with pytest.raises(PermissionDenied):
        services.enquiry_reply(user=other_provider, enquiry=enquiry, body="Hello")
    with pytest.raises(PermissionDenied):
        services.enquiry_reply(user=person, enquiry=enquiry, body="Hello")

    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_reply(user=provider, enquiry=enquiry, body="We can visit on Monday.")
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.REPLIED
    first = enquiry.first_replied_at
    assert first is not None
    assert mail.outbox[-1].to == ["pat@example.org"]
    assert "Holly Homecare has replied" in mail.outbox[-1].subject

    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_follow_up(user=person, enquiry=enquiry, body="Monday is fine.")
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW  # waiting for the provider again
    assert "priya@holly.example" in mail.outbox[-1].to

    services.enquiry_reply(user=provider, enquiry=enquiry, body="See you then.")
    enquiry.refresh_from_db()
    assert enquiry.first_replied_at == first  # the response time is the first reply's
    assert [(m.from_provider, m.body) for m in enquiry.messages.all()] == [
        (True, "We can visit on Monday."),
        (False, "Monday is fine."),
        (True, "See you then."),
    ]


def test_only_the_sender_follows_up(person, stranger, provider, service):
    (enquiry,) = send(person, service)
    with pytest.raises(PermissionDenied):
        services.enquiry_follow_up(user=stranger, enquiry=enquiry, body="Hi")
    with pytest.raises(PermissionDenied):
        services.enquiry_follow_up(user=provider, enquiry=enquiry, body="Hi")


def test_a_closed_enquiry_takes_no_more_messages(person, provider, service):
    (enquiry,) = send(person, service)
    services.enquiry_close(user=provider, enquiry=enquiry)
    assert enquiry.status == Enquiry.Status.CLOSED and enquiry.closed_at
    with pytest.raises(ValidationError, match="closed"):
        services.enquiry_follow_up(user=person, enquiry=enquiry, body="Hello?")
    with pytest.raises(ValidationError, match="closed"):
        services.enquiry_reply(user=provider, enquiry=enquiry, body="Hello")
    with pytest.raises(ValidationError, match="already closed"):
        services.enquiry_close(user=provider, enquiry=enquiry)


def test_an_over_long_reply_is_refused_with_its_length(person, provider, service):
    (enquiry,) = send(person, service)
    with pytest.raises(ValidationError, match="It has 3,001"):
        services.enquiry_reply(user=provider, enquiry=enquiry, body="y" * 3001)
    assert not enquiry.messages.exists()


def test_inbox_figures_count_only_the_providers_own(person, provider, service, other_service):
    (mine,) = send(person, service)
    send(person, other_service)
    Enquiry.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(hours=30))
    # The provider was staff when it came (staff read only what came while they were).
    provider.memberships.update(enquiries_from=timezone.now() - timedelta(days=1000))
    mine.refresh_from_db()
    services.enquiry_reply(user=provider, enquiry=mine, body="Hello")

    figures = selectors.inbox_figures([service.organisation])

    assert (figures.received, figures.replied, figures.waiting) == (1, 1, 0)
    assert figures.median_hours == pytest.approx(30, abs=0.1)
    assert figures.within_two_days == 1
    assert figures.replied_percent == 100


# --- support plans ----------------------------------------------------------------------------


@pytest.fixture
def plan(person):
    return services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source=SupportPlan.BudgetSource.COUNCIL,
    )


def test_24_hours_at_15_56_is_373_44_a_week(person, plan, service, hourly):
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("24")
    )
    summary = selectors.plan_summary(plan)
    assert summary.weekly == D("373.44")
    assert summary.annual == D("19418.88")
    assert summary.difference == D("0.09")
    assert not summary.over_budget


def test_a_plan_from_two_services_and_a_no_cost_support(
    person, plan, service, hourly, other_service, other_hourly
):
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("10")
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=other_service, price_option=other_hourly, quantity=D("2.5")
    )
    services.plan_add_informal_line(
        user=person, plan=plan, description="Shopping on Saturdays", provided_by="My daughter"
    )
    summary = selectors.plan_summary(plan)
    assert [v.weekly_cost for v in summary.lines] == [D("155.60"), D("55.00"), D("0.00")]
    assert summary.weekly == D("210.60")
    assert summary.annual == D("10951.20")


def test_the_line_keeps_the_price_it_was_costed_at(person, plan, service, hourly):
    line = services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("2")
    )
    hourly.amount = D("17.00")
    hourly.save()
    (view,) = selectors.plan_summary(plan).lines
    assert view.weekly_cost == D("31.12")
    assert "price has changed to £17.00" in view.notices[0]
    assert line.unit_amount == D("15.56")


def test_a_price_option_of_another_service_is_refused(person, plan, service, other_hourly):
    with pytest.raises(ValidationError) as caught:
        services.plan_add_service_line(
            user=person, plan=plan, service=service, price_option=other_hourly, quantity=D("1")
        )
    assert (
        "Choose one of the prices of Holly Homecare: Home care in Ludlow"
        in caught.value.message_dict["price_option"][0]
    )
    assert not plan.lines.exists()


def test_an_out_of_date_price_is_refused(person, plan, service):
    old = PriceOptionFactory(
        service=service, valid_to=timezone.localdate() - timedelta(days=1), amount=D("10")
    )
    with pytest.raises(ValidationError, match="not valid today"):
        services.plan_add_service_line(
            user=person, plan=plan, service=service, price_option=old, quantity=D("1")
        )


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("0", "more than 0"), ("-1", "more than 0"), ("500", "168 hours or fewer")],
)
def test_bad_quantities_are_refused(person, plan, service, hourly, quantity, message):
    with pytest.raises(ValidationError) as caught:
        services.plan_add_service_line(
            user=person, plan=plan, service=service, price_option=hourly, quantity=D(quantity)
        )
    assert message in caught.value.message_dict["quantity"][0]


def test_a_suspended_service_cannot_be_added(person, plan, service, hourly):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="not listed at the moment"):
        services.plan_add_service_line(
            user=person, plan=plan, service=service, price_option=hourly, quantity=D("1")
        )


def test_a_service_suspended_after_it_was_added_stays_with_a_notice(person, plan, service, hourly):
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("24")
    )
    Service.objects.filter(pk=service.pk).update(status=Service.Status.SUSPENDED)

    summary = selectors.plan_summary(plan)

    (view,) = summary.lines
    assert summary.weekly == D("373.44")  # still costed: it is still the person's plan
    assert "suspended this listing since it was added" in view.notices[0]


def test_an_organisation_suspended_after_is_said_too(person, plan, service, hourly):
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("1")
    )
    Organisation.objects.filter(pk=service.organisation_id).update(
        status=Organisation.Status.SUSPENDED
    )
    (view,) = selectors.plan_summary(plan).lines
    assert "provider's listings are not shown" in view.notices[0]


@pytest.mark.parametrize(
    ("budget", "source", "field", "message"),
    [
        (D("-1"), "own", "budget", "less than £0"),
        (D("10000.01"), "own", "budget", "£10,000.00 or less"),
        (D("1.234"), "own", "budget", "pounds and pence"),
        (D("100"), "", "budget_source", "where the budget figure comes from"),
    ],
)
def test_bad_budgets(person, budget, source, field, message):
    with pytest.raises(ValidationError) as caught:
        services.plan_create(user=person, person_name="Pat", budget=budget, budget_source=source)
    assert message in caught.value.message_dict[field][0]


def test_outcomes_are_a_cleaned_list_with_limits(person, plan):
    services.plan_set_outcomes(
        user=person, plan=plan, outcomes=["  Stay at  home ", "", "See friends"]
    )
    assert plan.outcomes == ["Stay at home", "See friends"]
    with pytest.raises(ValidationError, match="Outcome 2 is too long"):
        services.plan_set_outcomes(user=person, plan=plan, outcomes=["ok", "x" * 301])
    with pytest.raises(ValidationError, match="up to 20"):
        services.plan_set_outcomes(user=person, plan=plan, outcomes=[f"o{i}" for i in range(21)])


def ready_plan(person, plan, service, hourly):
    services.plan_set_outcomes(user=person, plan=plan, outcomes=["Stay at home"])
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("24")
    )
    return plan


def share_with(owner, plan, user, access="view"):
    share = services.plan_share(
        user=owner,
        plan=plan,
        name=user.get_full_name() or "Helper",
        email=user.email,
        access=access,
    )
    return services.plan_share_accept(user=user, share=share)


def test_submit_needs_outcomes_and_lines(person, plan):
    with pytest.raises(ValidationError) as caught:
        services.plan_submit(user=person, plan=plan)
    assert caught.value.messages == [
        "Add at least one outcome: what matters to the person.",
        "Add at least one line of support.",
    ]


def test_draft_submitted_agreed(person, plan, service, hourly, practitioner):
    ready_plan(person, plan, service, hourly)
    share_with(person, plan, practitioner)

    with pytest.raises(ValidationError, match="Only a submitted plan"):
        services.plan_agree(user=practitioner, plan=plan)
    services.plan_submit(user=person, plan=plan)
    assert plan.status == SupportPlan.Status.SUBMITTED and plan.submitted_at

    with pytest.raises(ValidationError, match="cannot be changed"):
        services.plan_add_informal_line(user=person, plan=plan, description="Lunch club")
    with pytest.raises(PermissionDenied):
        services.plan_agree(user=person, plan=plan)
    # A budget from the council with no tolerance rules published: only the panel may agree it.
    with pytest.raises(ValidationError, match="Refer the plan to the panel"):
        services.plan_agree(user=practitioner, plan=plan)
    SchemeVersion.objects.create(
        name="RAS",
        status=SchemeVersion.Status.ACTIVE,
        tolerance_below_percent=D("100"),
        tolerance_above_percent=D("100"),
        tolerance_cap=D("1000.00"),
    )

    services.plan_agree(user=practitioner, plan=plan)
    assert plan.status == SupportPlan.Status.AGREED
    assert plan.agreed_by == practitioner

    with pytest.raises(PermissionDenied, match="Only a practitioner can reopen"):
        services.plan_return_to_draft(user=person, plan=plan)
    services.plan_return_to_draft(user=practitioner, plan=plan)
    assert plan.status == SupportPlan.Status.DRAFT and plan.agreed_by is None


def test_a_practitioner_the_plan_is_not_shared_with_cannot_agree_it(
    person, plan, service, hourly, practitioner
):
    ready_plan(person, plan, service, hourly)
    services.plan_submit(user=person, plan=plan)
    with pytest.raises(PermissionDenied, match="shared with"):
        services.plan_agree(user=practitioner, plan=plan)


def test_a_helper_who_is_not_a_practitioner_cannot_agree(person, plan, service, hourly, stranger):
    ready_plan(person, plan, service, hourly)
    share_with(person, plan, stranger, access="edit")
    services.plan_submit(user=stranger, plan=plan)  # an editing helper may submit
    with pytest.raises(PermissionDenied):
        services.plan_agree(user=stranger, plan=plan)


def test_a_practitioner_cannot_agree_their_own_plan(practitioner, service, hourly):
    own = services.plan_create(user=practitioner, person_name="Me")
    ready_plan(practitioner, own, service, hourly)
    services.plan_submit(user=practitioner, plan=own)
    with pytest.raises(PermissionDenied, match="cannot agree your own plan"):
        services.plan_agree(user=practitioner, plan=own)


def test_the_owner_takes_a_submitted_plan_back_to_draft(person, plan, service, hourly):
    ready_plan(person, plan, service, hourly)
    services.plan_submit(user=person, plan=plan)
    services.plan_return_to_draft(user=person, plan=plan)
    assert plan.status == SupportPlan.Status.DRAFT


def test_sharing_view_and_edit(person, plan, stranger, django_capture_on_commit_callbacks):
    helper = make_user("helper@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        share = services.plan_share(
            user=person, plan=plan, name="Hana", email="helper@example.org", access="view"
        )
    assert mail.outbox[-1].to == ["helper@example.org"]
    assert share.accept_path in mail.outbox[-1].body
    assert not can_view_plan(helper, plan)  # not until they open the link

    with pytest.raises(ValidationError, match="sent to another email address"):
        services.plan_share_accept(user=stranger, share=share)
    services.plan_share_accept(user=helper, share=share)
    assert can_view_plan(helper, plan) and not can_edit_plan(helper, plan)
    with pytest.raises(PermissionDenied):
        services.plan_add_informal_line(user=helper, plan=plan, description="Lunch club")

    with pytest.raises(ValidationError, match="already shared"):
        services.plan_share(
            user=person, plan=plan, name="H", email="HELPER@example.org", access="edit"
        )
    with pytest.raises(PermissionDenied):
        services.plan_share(user=helper, plan=plan, name="X", email="x@example.org", access="view")

    services.plan_share_revoke(user=person, share=share)
    assert not can_view_plan(helper, plan)
    with pytest.raises(ValidationError, match="cancelled"):
        services.plan_share_accept(user=helper, share=share)


def test_an_editing_helper_changes_the_plan(person, plan, service, hourly):
    helper = make_user("helper@example.org")
    share_with(person, plan, helper, access="edit")
    line = services.plan_add_service_line(
        user=helper, plan=plan, service=service, price_option=hourly, quantity=D("3")
    )
    services.plan_update_line(user=helper, line=line, quantity=D("4"))
    assert selectors.plan_summary(plan).weekly == D("62.24")
    with pytest.raises(PermissionDenied):
        services.plan_delete(user=helper, plan=plan)


def test_a_stranger_can_do_nothing_with_a_plan(person, plan, stranger, service, hourly):
    line = services.plan_add_informal_line(user=person, plan=plan, description="Lunch club")
    for action in (
        lambda: services.plan_update(user=stranger, plan=plan, person_name="X"),
        lambda: services.plan_set_outcomes(user=stranger, plan=plan, outcomes=["x"]),
        lambda: services.plan_add_service_line(
            user=stranger, plan=plan, service=service, price_option=hourly, quantity=D("1")
        ),
        lambda: services.plan_remove_line(user=stranger, line=line),
        lambda: services.plan_submit(user=stranger, plan=plan),
        lambda: services.plan_delete(user=stranger, plan=plan),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert PlanLine.objects.count() == 1


def test_share_to_yourself_is_refused(person, plan):
    with pytest.raises(ValidationError, match="your own email"):
        services.plan_share(
            user=person, plan=plan, name="Me", email="PAT@example.org", access="view"
        )
    assert not PlanShare.objects.exists()


# --- usage figures ----------------------------------------------------------------------------


def test_usage_by_week(service, other_service):
    today = timezone.localdate()
    last_week = today - timedelta(days=7)
    services.listing_usage_record(service_id=service.pk, kind="views")
    services.listing_usage_record(service_id=service.pk, kind="views")
    services.listing_usage_record(
        service_id=service.pk, kind="views", on=timezone.now() - timedelta(days=7)
    )
    services.listing_usage_record(service_id=service.pk, kind="enquiries")
    services.listing_usage_record(service_id=other_service.pk, kind="views")

    (row,) = selectors.listing_usage(service.organisation, weeks=2, today=today)

    assert row.service == service
    assert [cell[0] for cell in row.weeks] == [
        services.week_start(last_week),
        services.week_start(today),
    ]
    assert [cell[1:] for cell in row.weeks] == [(1, 0, 0), (2, 0, 1)]
    assert (row.views, row.shortlists, row.enquiries) == (3, 0, 1)


def test_each_visitor_counts_once_a_listing_a_week(service):
    """Security review (issue 18, Low): "Shortlist, view and demand counts can be inflated by
    repeating requests (count each visitor once a week)"."""
    one, two = make_user(), make_user()
    today = timezone.now()
    next_week = today + timedelta(days=7)
    for _ in range(5):
        services.listing_usage_record(
            service_id=service.pk, kind="views", visitor=services.usage_visitor(user=one)
        )
    services.listing_usage_record(
        service_id=service.pk, kind="views", visitor=services.usage_visitor(user=two)
    )
    services.listing_usage_record(
        service_id=service.pk,
        kind="views",
        visitor=services.usage_visitor(user=ANON, client="ip:203.0.113.9"),
    )
    assert weekly_counts(service) == (3, 0, 0)
    # Next week the same visitor counts again.
    services.listing_usage_record(
        service_id=service.pk,
        kind="views",
        visitor=services.usage_visitor(user=one),
        on=next_week,
    )
    assert ListingWeek.objects.get(service=service, week__gt=today.date()).views == 1
    # The cache holds a keyed hash, never the account id or the address.
    assert "203.0.113.9" not in services.usage_visitor(user=ANON, client="ip:203.0.113.9")


def test_adding_and_removing_again_and_again_counts_one_shortlisting(service):
    person = make_user()
    for _ in range(4):
        services.shortlist_add(user=person, session={}, service=service)
        services.shortlist_remove(user=person, session={}, service_id=service.pk)
    assert weekly_counts(service) == (0, 1, 0)


def test_unknown_usage_counter():
    with pytest.raises(ValueError):
        services.listing_usage_record(service_id=1, kind="likes")


# --- abuse limits on shares (issue 18, item 5) --------------------------------------------------


def test_shares_are_limited_per_account_per_day(person, plan, settings):
    """Security review (issue 18, item 5): plan shares had no limit, so the site could be
    made to send any number of e-mails."""
    settings.PLANS_SHARES_PER_DAY = 3
    for number in range(3):
        services.plan_share(
            user=person, plan=plan, name="Helper", email=f"h{number}@example.org", access="view"
        )
    with pytest.raises(ValidationError, match="3 invitations a day"):
        services.plan_share(
            user=person, plan=plan, name="Helper", email="h9@example.org", access="view"
        )
    assert plan.shares.count() == 3


def test_an_address_is_not_invited_again_within_a_day(person, plan):
    share = services.plan_share(
        user=person, plan=plan, name="Helper", email="h@example.org", access="view"
    )
    services.plan_share_revoke(user=person, share=share)
    with pytest.raises(ValidationError, match="already invited"):
        services.plan_share(
            user=person, plan=plan, name="Helper", email="H@example.org", access="view"
        )


def test_an_address_is_not_invited_again_within_a_day_from_another_plan(person, plan):
    """The one-a-day rule is per account, not per plan: a second plan is no way round it."""
    other = services.plan_create(
        user=person, person_name="Sam", budget=D("100.00"), budget_source=plan.budget_source
    )
    services.plan_share(user=person, plan=plan, name="Helper", email="h@example.org", access="view")
    with pytest.raises(ValidationError, match="already invited"):
        services.plan_share(
            user=person, plan=other, name="Helper", email="h@example.org", access="view"
        )


def test_an_account_holder_may_be_sent_each_of_a_persons_plans_on_one_day(person, plan):
    """A person asks their practitioner to look at their own plan and their carer's plan on the
    same day: the one-a-day rule across plans is for strangers' addresses only (the account's
    daily limit still counts both)."""
    practitioner = make_user("pat@council.example", Role.PRACTITIONER)
    other = services.plan_create(
        user=person, person_name="Sam", budget=D("100.00"), budget_source=plan.budget_source
    )
    services.plan_share(user=person, plan=plan, name="Pat", email=practitioner.email, access="view")
    services.plan_share(
        user=person, plan=other, name="Pat", email=practitioner.email, access="view"
    )
    assert {share.plan for share in PlanShare.objects.filter(email=practitioner.email)} == {
        plan,
        other,
    }
    with pytest.raises(ValidationError, match="already"):
        services.plan_share(
            user=person, plan=other, name="Pat", email=practitioner.email, access="view"
        )


def test_a_share_email_to_an_unknown_address_carries_none_of_the_owners_text(
    person, plan, django_capture_on_commit_callbacks
):
    plan.person_name = "Cheap pills at spam.example"
    plan.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(
            user=person,
            plan=plan,
            name="Buy now at spam.example",
            email="x@example.org",
            access="view",
        )
    (message,) = mail.outbox
    assert "spam.example" not in message.subject + message.body
    assert "/plans/shared/" in message.body or "/plans/" in message.body

    known = make_user("known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_share(
            user=person, plan=plan, name="Jo Known", email=known.email, access="view"
        )
    assert "Jo Known" in mail.outbox[-1].body  # a verified account holder sees the details
