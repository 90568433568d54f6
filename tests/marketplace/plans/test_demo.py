"""The demo journey: the demo public user's shortlist, enquiry (with the provider's reply) and
plan, loaded by the real demo command; a second load changes nothing."""

from django.core.management import call_command

import pytest

from marketplace.demo.plans import DEMO_PUBLIC_EMAIL
from marketplace.plans import selectors
from marketplace.plans.models import Enquiry, ShortlistItem, SupportPlan

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db


def test_the_demo_user_has_a_shortlist_an_answered_enquiry_and_a_plan(client, demo):
    items = ShortlistItem.objects.filter(shortlist__user__email=DEMO_PUBLIC_EMAIL)
    assert items.count() == 2

    enquiries = Enquiry.objects.filter(sender__email=DEMO_PUBLIC_EMAIL)
    assert enquiries.count() == 2
    answered = enquiries.get(service__slug="home-care-in-bridgnorth")
    assert answered.first_replied_at is not None
    assert answered.messages.filter(from_provider=True).exists()

    plan = SupportPlan.objects.get(owner__email=DEMO_PUBLIC_EMAIL)
    summary = selectors.plan_summary(plan)
    kinds = [view.line.kind for view in summary.lines]
    assert kinds.count("service") == 2 and kinds.count("informal") == 2
    assert summary.weekly <= plan.budget  # within the budget
    assert plan.status == SupportPlan.Status.SUBMITTED

    # the demo provider sees the enquiry in the inbox; the practitioner sees the plan
    client.login(email="provider@caremarket.example", password="demo-provider-2026")
    inbox = soup(client.get("/provider/enquiries/?status=all"))
    assert "Pat Public" in text_of(inbox.select_one("#inbox"))
    client.login(email="practitioner@caremarket.example", password="demo-practitioner-2026")
    assert client.get(plan.get_absolute_url()).status_code == 200

    call_command("load_demo_data", "--catalogue=small", verbosity=0)
    assert Enquiry.objects.filter(sender__email=DEMO_PUBLIC_EMAIL).count() == 2
    assert SupportPlan.objects.filter(owner__email=DEMO_PUBLIC_EMAIL).count() == 1
    assert items.count() == 2
