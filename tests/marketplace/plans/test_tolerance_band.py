"""Whether the public sees the no-panel band (issue 17): a council setting,
PLANS_SHOW_TOLERANCE_BAND_TO_PUBLIC, off by default. Off, the person and their helpers see the
verdict and the cost against the budget, and only practitioners (and the panel) see the costs
a practitioner may agree; on, everyone sees them."""

from decimal import Decimal

import pytest

from marketplace.plans import services
from marketplace.ras.models import SchemeVersion

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db

D = Decimal
BAND = "A practitioner can agree a plan costing from £90 to £105 a week"


@pytest.fixture
def plan(person, practitioner, service, hourly):
    """A council-funded plan: £100 a week from the council; 6 hours at £15.56 = £93.36, within
    10% under and 5% over (the band £90 to £105), shared with the practitioner."""
    SchemeVersion.objects.create(
        name="Test RAS",
        status=SchemeVersion.Status.ACTIVE,
        tolerance_below_percent=D("10"),
        tolerance_above_percent=D("5"),
        tolerance_cap=D("15.00"),
    )
    plan = services.plan_create(
        user=person, person_name="Pat", budget=D("100.00"), budget_source="council"
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("6")
    )
    share = services.plan_share(
        user=person, plan=plan, name="Sam", email=practitioner.email, access="view"
    )
    services.plan_share_accept(user=practitioner, share=share)
    return plan


def tolerance_text(client, path) -> str:
    return text_of(soup(client.get(path)).select_one("#tolerance"))


def test_by_default_the_person_sees_the_verdict_but_not_the_band(sign_in, plan, person):
    client = sign_in(person)
    for path in (plan.get_absolute_url(), f"/plans/{plan.uuid}/print/"):
        text = tolerance_text(client, path)
        assert "Within tolerance" in text and "£93.36 a week" in text
        assert BAND not in text and "£105" not in text
        assert "costs about the same as the budget" in text


def test_by_default_the_practitioner_sees_the_band(sign_in, plan, practitioner):
    text = tolerance_text(sign_in(practitioner), plan.get_absolute_url())
    assert BAND in text


def test_a_council_that_publishes_the_band_shows_it_to_the_person(sign_in, plan, person, settings):
    settings.PLANS_SHOW_TOLERANCE_BAND_TO_PUBLIC = True
    client = sign_in(person)
    for path in (plan.get_absolute_url(), f"/plans/{plan.uuid}/print/"):
        assert BAND in tolerance_text(client, path)
