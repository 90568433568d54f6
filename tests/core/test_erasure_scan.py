"""Issue 18, item 10: download and erasure are complete. A person leaves traces everywhere
(enquiries, plans, shares, reviews and review reports, listing reports, consultation comments,
statement subscriptions, claims, invitations, queued e-mails); after "delete my account" no text
column of any table holds their name, e-mail address or phone number, and their download
names every one of those sources."""

from datetime import date, timedelta

from django.apps import apps
from django.db import models
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from catalogue.models import Claim, Invitation, ListingReport
from catalogue.services import claim_create
from core import personal_data
from core.tasks_data import EMAIL_TASK, prune_finished_tasks
from market_statement.models import Comment, Subscription
from marketplace.plans import services as plans
from marketplace.plans.models import Enquiry
from ratings.models import Review, ReviewReport
from tests.factories import OrganisationFactory, ServiceFactory, make_provider, make_user
from tests.market_statement.conftest import publish_statement, statement_body

pytestmark = pytest.mark.django_db

EMAIL = "zed.quillfeather@example.org"
IDENTIFIERS = ["quillfeather", "07700 900777"]
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def task_row(*, to, body, finished=False):
    now = timezone.now()
    return DBTaskResult.objects.create(
        task_path=EMAIL_TASK,
        args_kwargs={"args": [], "kwargs": {"subject": "Care Market", "body": body, "to": to}},
        backend_name="default",
        queue_name="default",
        run_after=now,
        status="SUCCESSFUL" if finished else "READY",
        finished_at=now - timedelta(days=1) if finished else None,
        exception_class_path="",
        traceback="",
    )


@pytest.fixture
def traces(home_page):
    """Zed, and something of Zed's in every source."""
    zed = make_user(EMAIL)
    zed.first_name, zed.last_name = "Zedekiah", "Quillfeather"
    zed.save()
    organisation = OrganisationFactory(name="Holly Homecare")
    provider = make_provider(organisation, email="priya@holly.example")
    service = ServiceFactory(organisation=organisation, name="Home care in Ludlow")

    (enquiry,) = plans.enquiry_send(
        user=zed,
        services=[service],
        sender_name="Zedekiah Quillfeather",
        contact_email=EMAIL,
        contact_phone="07700 900777",
        for_whom=Enquiry.ForWhom.FAMILY,
        person_name="Ada Quillfeather",
        needs="Help getting up in the morning.",
    )
    plans.enquiry_reply(user=provider, enquiry=enquiry, body="We can help.")
    plans.enquiry_follow_up(user=zed, enquiry=enquiry, body="Thank you.")
    plan = plans.plan_create(user=zed, person_name="Ada Quillfeather")
    helper = make_user("helper@example.org")
    plans.plan_share(user=zed, plan=plan, name="Helper", email=helper.email, access="view")
    theirs = plans.plan_create(user=helper, person_name="Someone else")
    plans.plan_share(
        user=helper, plan=theirs, name="Zedekiah Quillfeather", email=EMAIL, access="view"
    )

    Review.objects.create(
        service=service,
        author=zed,
        relationship=Review.Relationship.FAMILY,
        care_date=date(2026, 1, 1),
        overall=4,
        title="Kind carers, says Zedekiah Quillfeather",
        text="My mother Ada Quillfeather was well looked after.",
        status=Review.Status.PUBLISHED,
    )
    other_review = Review.objects.create(
        service=service,
        author=helper,
        relationship=Review.Relationship.SELF,
        care_date=date(2026, 1, 1),
        overall=2,
        title="Late",
        text="Often late.",
    )
    ReviewReport.objects.create(
        review=other_review,
        reason=ReviewReport.Reason.OTHER,
        message="I am Zedekiah Quillfeather, call me on 07700 900777",
        reporter=zed,
    )
    ListingReport.objects.create(
        service=service,
        reason=ListingReport.Reason.PRICES,
        message="Prices wrong. Zedekiah Quillfeather, 07700 900777",
        email=EMAIL,
        reporter=zed,
    )
    # A report sent signed out, with the address only.
    ListingReport.objects.create(
        service=service, reason=ListingReport.Reason.CLOSED, message="Closed?", email=EMAIL
    )

    statement = publish_statement(home_page, statement_body())
    Comment.objects.create(
        page=statement,
        section_id="providers",
        section_title="Providers and supply",
        author=zed,
        on_behalf_of="Quillfeather Family Carers",
        text="From Zedekiah Quillfeather: more night care please.",
    )
    Subscription.objects.create(page=statement, user=zed)

    unmanaged = OrganisationFactory(name="Oak Care", status="active")
    claim_create(
        user=zed,
        organisation=unmanaged,
        job_title="Manager",
        evidence="Zedekiah Quillfeather, registered manager, 07700 900777",
    )
    Invitation.objects.create(
        organisation=organisation,
        email=EMAIL,
        invited_by=provider,
        expires_at=timezone.now() + timedelta(days=7),
    )

    task_row(to=[EMAIL], body="Hello Zedekiah Quillfeather", finished=True)
    waiting = task_row(to=[EMAIL, "priya@holly.example"], body="A new enquiry is waiting.")
    task_row(to=[EMAIL], body="Your enquiry was sent.")
    return {"zed": zed, "enquiry": enquiry, "waiting": waiting}


def text_columns():
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                yield model, field


def where_found(identifier: str) -> list[str]:
    found = []
    for model, field in text_columns():
        if model._base_manager.filter(**{f"{field.name}__icontains": identifier}).exists():
            found.append(f"{model._meta.label}.{field.name}")
    return found


def test_the_scan_sees_the_traces_before_erasure(traces):
    """The scan is real: before erasure it finds Zed in the places the fixture put them."""
    found = set(where_found("quillfeather"))
    assert {
        "accounts.User.email",
        "plans.Enquiry.sender_name",
        "catalogue.ListingReport.message",
        "catalogue.ListingReport.email",
        "ratings.ReviewReport.message",
        "market_statement.Comment.text",
        "catalogue.Claim.evidence",
        "catalogue.Invitation.email",
        f"{DBTaskResult._meta.label}.args_kwargs",
    } <= found


def test_no_text_column_holds_a_deleted_account_s_identifiers(traces):
    personal_data.erase_user(traces["zed"])
    for identifier in IDENTIFIERS:
        assert where_found(identifier) == [], identifier
    # The provider keeps the enquiry (without who sent it) and the e-mail still goes to the
    # provider's address.
    assert Enquiry.objects.filter(pk=traces["enquiry"].pk).exists()
    waiting = DBTaskResult.objects.get(pk=traces["waiting"].pk)
    assert waiting.args_kwargs["kwargs"]["to"] == ["priya@holly.example"]


def test_the_download_names_every_source(traces):
    data = personal_data.export_user_data(traces["zed"])
    catalogue = data["catalogue"]
    assert [r["message"] for r in catalogue["listing_reports"]] == [
        "Prices wrong. Zedekiah Quillfeather, 07700 900777",
        "Closed?",
    ]
    assert [c["organisation"] for c in catalogue["claims"]] == ["Oak Care"]
    assert [i["organisation"] for i in catalogue["invitations_received"]] == ["Holly Homecare"]
    assert [c["text"] for c in data["market_statement"]["consultation_comments"]] == [
        "From Zedekiah Quillfeather: more night care please."
    ]
    assert [s["statement"] for s in data["market_statement"]["statements_followed"]] == [
        "Market position statement 2026"
    ]
    reports = [row for row in data["reviews"] if "report_on_review_of" in row]
    assert [r["message"] for r in reports] == [
        "I am Zedekiah Quillfeather, call me on 07700 900777"
    ]


def test_invitations_sent_are_in_the_download(traces):
    helper_owner = make_provider(OrganisationFactory(name="Elm Care", status="active"))
    Invitation.objects.create(
        organisation=helper_owner.memberships.get().organisation,
        email="colleague@elm.example",
        invited_by=traces["zed"],
        expires_at=timezone.now() + timedelta(days=7),
    )
    data = personal_data.export_user_data(traces["zed"])
    assert [i["email"] for i in data["catalogue"]["invitations_sent"]] == ["colleague@elm.example"]


def test_finished_tasks_are_pruned_after_their_days(settings, traces):
    settings.TASKS_KEEP_FINISHED_DAYS = 7
    old = task_row(to=["x@example.org"], body="Old", finished=True)
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    assert prune_finished_tasks() == 1
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    # Waiting and recently finished ones stay.
    assert DBTaskResult.objects.filter(finished_at__isnull=True).count() == 2
    assert DBTaskResult.objects.filter(finished_at__isnull=False).count() == 1
    assert Claim.objects.exists()
