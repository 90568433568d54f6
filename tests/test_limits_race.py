"""Issue 18, item 7: limits that cannot be raced. Requests arriving together once each passed a
check made before any of them counted (four concurrent requests made 32 enquiries against a limit
of 20; eight concurrent reviews passed a limit of 5). Views now reserve the allowance atomically
before acting and give it back if the act fails. Plan shares and organisation invitations
(item 5) reserve the same way, raced here too.

Real threads, each with its own database connection, on PostgreSQL (SQLite's shared in-memory
test database locks whole tables across connections, which would test SQLite, not the limits).
The services are slowed a little so every request is inside the act at once, as under load.
"""

import threading
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

import pytest

from marketplace.plans import services as plan_services
from marketplace.plans.models import Enquiry
from ratings import services as rating_services
from ratings.models import Review
from tests.factories import (
    CategoryFactory,
    HomePageFactory,
    OrganisationFactory,
    ServiceFactory,
    make_user,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "sqlite" in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (CI runs the suite there too)",
    ),
]

THREADS = 8


def slowed(monkeypatch, module, name, seconds=0.3):
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def together(user, requests):
    """POST every (url, data) at the same moment from its own thread; the status codes."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(url, data):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return sorted(statuses)


@pytest.fixture
def site():
    from wagtail.models import Page, Site

    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, title="Home", slug="home-race")
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home})
    return home


def test_concurrent_enquiries_never_pass_the_account_limit(settings, monkeypatch, site):
    settings.PLANS_ENQUIRIES_PER_ACCOUNT = 20
    settings.PLANS_ENQUIRIES_PER_ADDRESS = 1000
    category = CategoryFactory(name="Home care", slug="home-care", reference_unit="hour")
    listings = [
        ServiceFactory(organisation=OrganisationFactory(), categories=[category]) for _ in range(5)
    ]
    person = make_user("pat@example.org")
    slowed(monkeypatch, plan_services, "enquiry_send")
    data = {
        "services": [s.pk for s in listings],
        "needs": "Help getting up each morning.",
        "for_whom": "myself",
        "start": "asap",
        "sender_name": "Pat Public",
        "contact_email": "pat@example.org",
        "contact_phone": "",
    }

    # Each with its own words: the same words twice would be one enquiry (a double click).
    requests = [("/enquiries/new/", {**data, "needs": f"Help, day {n}."}) for n in range(THREADS)]
    statuses = together(person, requests)

    # Eight requests of five services each against 20: four are sent, four refused.
    assert Enquiry.objects.count() == 20
    assert statuses.count(302) == 4 and statuses.count(429) == 4


def test_concurrent_reviews_never_pass_the_account_limit(settings, monkeypatch, site):
    settings.RATINGS_SUBMISSIONS_PER_ACCOUNT = 5
    settings.RATINGS_SUBMISSIONS_PER_ADDRESS = 1000
    listings = [ServiceFactory(organisation=OrganisationFactory()) for _ in range(THREADS)]
    author = make_user("author@example.org")
    slowed(monkeypatch, rating_services, "review_create")
    care = timezone.localdate() - timedelta(days=20)
    data = {
        "relationship": "family",
        "care_date_0": str(care.day),
        "care_date_1": str(care.month),
        "care_date_2": str(care.year),
        "overall": "4",
        "rating_dignity": "5",
        "rating_reliability": "4",
        "rating_communication": "3",
        "rating_outcomes": "",
        "rating_value": "",
        "title": "Kind and reliable",
        "text": (
            "The carers arrived on time every morning and helped my mother with patience and "
            "good humour. They always let us know about changes."
        ),
    }
    # Each review in its own words (the same text twice is refused as a copy).
    requests = [
        (f"/services/{s.slug}/reviews/write/", {**data, "text": f"{data['text']} Visit {n}."})
        for n, s in enumerate(listings)
    ]

    statuses = together(author, requests)

    assert Review.objects.filter(author=author).count() == 5
    assert statuses.count(302) == 5 and statuses.count(429) == 3


def test_a_refused_enquiry_gives_its_allowance_back(settings, monkeypatch, site):
    """Reserving must not eat the allowance when the act fails."""
    from django.core.exceptions import ValidationError

    from core import limits

    settings.PLANS_ENQUIRIES_PER_ACCOUNT = 20
    category = CategoryFactory(name="Home care", slug="home-care", reference_unit="hour")
    listing = ServiceFactory(organisation=OrganisationFactory(), categories=[category])
    person = make_user("pat@example.org")

    def refuse(**kwargs):
        raise ValidationError({"needs": "No."})

    monkeypatch.setattr(plan_services, "enquiry_send", refuse)
    client = Client()
    client.force_login(person)
    data = {
        "services": [listing.pk],
        "needs": "Help.",
        "for_whom": "myself",
        "start": "asap",
        "sender_name": "Pat",
        "contact_email": "pat@example.org",
        "contact_phone": "",
    }
    assert client.post("/enquiries/new/", data).status_code == 200
    assert limits.used(f"plans:enquiries:account:{person.pk}") == 0


def at_once(count, act):
    """Call act(n) for n in range(count), each in its own thread at the same moment; returns
    how many succeeded and the errors (ValidationError expected for the refused ones)."""
    from django.core.exceptions import ValidationError

    barrier = threading.Barrier(count)
    done: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def run(n):
        try:
            barrier.wait()
            act(n)
            done.append(n)
        except ValidationError:
            refused.append(n)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return len(done), len(refused)


def slowed_save(monkeypatch, model, seconds=0.3):
    original = model.save

    def slow(self, *args, **kwargs):
        time.sleep(seconds)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", slow)


def test_concurrent_plan_shares_never_pass_the_daily_limit(settings, monkeypatch):
    """Issue 18, item 5's limit on plan invitations, raced: every request is between its check
    and its save at once (the save is slowed), so a limit counted from the saved rows would let
    all eight through."""
    from decimal import Decimal

    from marketplace.plans.models import PlanShare, SupportPlan

    settings.PLANS_SHARES_PER_DAY = 5
    owner = make_user("owner@example.org")
    plan = plan_services.plan_create(
        user=owner,
        person_name="Pat",
        budget=Decimal("373.53"),
        budget_source=SupportPlan.BudgetSource.COUNCIL,
    )
    slowed_save(monkeypatch, PlanShare)

    sent, refused = at_once(
        THREADS,
        lambda n: plan_services.plan_share(
            user=owner, plan=plan, name="Helper", email=f"helper{n}@example.org", access="view"
        ),
    )

    assert (sent, refused) == (5, 3)
    assert PlanShare.objects.count() == 5


def test_concurrent_organisation_invitations_never_pass_the_daily_limit(settings, monkeypatch):
    from catalogue import services as catalogue_services
    from catalogue.models import Invitation, Membership

    settings.CATALOGUE_INVITATIONS_PER_DAY = 5
    organisation = OrganisationFactory()
    owner = make_user("owner@sunrise.example")
    Membership.objects.create(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    slowed_save(monkeypatch, Invitation)

    sent, refused = at_once(
        THREADS,
        lambda n: catalogue_services.invitation_create(
            user=owner, organisation=organisation, email=f"colleague{n}@example.org"
        ),
    )

    assert (sent, refused) == (5, 3)
    assert Invitation.objects.count() == 5
