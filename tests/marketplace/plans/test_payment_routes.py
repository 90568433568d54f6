"""How each paid line is paid (issue 21): a direct payment, arranged by the council, an
individual service fund with a named provider, or the person or family; a plan mixes them
(TLAP, "Personalised care and support planning: the Care Act and beyond", 2014: "direct
payments, the local authority managing the budget and ... an individual service fund, or a
combination of these approaches") and shows the totals of each."""

import csv
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from marketplace.plans import selectors, services
from marketplace.plans.models import PlanLine, PlanShare

from .conftest import soup, text_of
from .test_costing_beyond_catalogue import RATES_2025_26

pytestmark = pytest.mark.django_db

D = Decimal
DP, COUNCIL, ISF, PERSON = (c.value for c in PlanLine.PaidBy)


@pytest.fixture(autouse=True)
def rates(settings):
    settings.PLANS_EMPLOYER_COSTS = dict(RATES_2025_26)


@pytest.fixture
def plan(person):
    # Jane's personal budget (Surrey, "Personalisation Update", 2013): £373.53 a week.
    return services.plan_create(
        user=person, person_name="Jane", budget=D("373.53"), budget_source="council"
    )


@pytest.fixture
def mixed(person, plan, service, hourly):
    """Jane's PA by direct payment, the garden paid by the family, 2 hours of home care from an
    ISF with Holly Homecare, a stool the council arranges, and support not yet decided."""
    services.plan_add_pa_line(
        user=person, plan=plan, hourly_pay=D("13.50"), hours=D("24"), paid_by=DP
    )
    services.plan_add_membership_line(
        user=person, plan=plan, description="Garden", yearly_cost=D("78.00"), paid_by=PERSON
    )
    services.plan_add_service_line(
        user=person,
        plan=plan,
        service=service,
        price_option=hourly,
        quantity=D("2"),
        paid_by=ISF,
        isf_provider="Holly Homecare",
    )
    services.plan_add_one_off_line(
        user=person, plan=plan, description="Perching stool", cost=D("45.50"), paid_by=COUNCIL
    )
    services.plan_add_one_off_line(user=person, plan=plan, description="Course", cost=D("20.00"))
    services.plan_add_informal_line(user=person, plan=plan, description="Bill at weekends")
    return plan


def test_per_route_totals_of_a_mixed_plan(mixed):
    summary = selectors.plan_summary(mixed)
    routes = [(r.label, r.weekly, r.annual, r.one_off) for r in summary.routes]
    assert routes == [
        ("Direct payment", D("416.81"), D("21674.12"), D("0.00")),
        ("Arranged by the council", D("0.00"), D("0.00"), D("45.50")),
        ("Individual service fund with Holly Homecare", D("31.12"), D("1618.24"), D("0.00")),
        ("Paid by the person or their family", D("1.50"), D("78.00"), D("0.00")),
        ("Not decided yet", D("0.00"), D("0.00"), D("20.00")),
    ]
    # The routes add up to the plan: nothing is counted twice or left out.
    assert sum(r.weekly for r in summary.routes) == summary.weekly == D("449.43")
    assert sum(r.one_off for r in summary.routes) == summary.one_off_total == D("65.50")


def test_two_isf_providers_are_two_routes(person, plan, service, hourly):
    for provider in ("Oak Care", "Holly Homecare"):
        services.plan_add_service_line(
            user=person,
            plan=plan,
            service=service,
            price_option=hourly,
            quantity=D("1"),
            paid_by=ISF,
            isf_provider=provider,
        )
    labels = [r.label for r in selectors.plan_summary(plan).routes]
    assert labels == [
        "Individual service fund with Holly Homecare",
        "Individual service fund with Oak Care",
    ]


@pytest.mark.parametrize(
    ("kind", "paid_by", "provider", "field", "message"),
    [
        ("pa", COUNCIL, "", "paid_by", "direct payment or by you or your family"),
        ("pa", ISF, "Holly", "paid_by", "direct payment or by you or your family"),
        ("membership", ISF, "", "isf_provider", "Name the provider"),
        ("membership", "cash", "", "paid_by", "Choose how"),
    ],
)
def test_routes_that_do_not_fit_are_refused(person, plan, kind, paid_by, provider, field, message):
    add = {
        "pa": lambda **kw: services.plan_add_pa_line(hourly_pay=D("13"), hours=D("2"), **kw),
        "membership": lambda **kw: services.plan_add_membership_line(
            description="Gym", yearly_cost=D("100"), **kw
        ),
    }[kind]
    with pytest.raises(ValidationError) as error:
        add(user=person, plan=plan, paid_by=paid_by, isf_provider=provider)
    assert message in " ".join(error.value.message_dict[field])
    assert not plan.lines.exists()


def test_a_no_cost_support_is_never_paid_for(person, plan):
    line = services.plan_add_informal_line(user=person, plan=plan, description="Bill")
    with pytest.raises(ValidationError, match="not paid for"):
        services.plan_set_line_payment(user=person, line=line, paid_by=DP)


def test_changing_the_route_and_who_may(person, stranger, plan):
    line = services.plan_add_membership_line(
        user=person,
        plan=plan,
        description="Garden",
        yearly_cost=D("78.00"),
        paid_by=ISF,
        isf_provider="Holly",
    )
    with pytest.raises(PermissionDenied):
        services.plan_set_line_payment(user=stranger, line=line, paid_by=DP)
    viewer_share = PlanShare.objects.create(
        plan=plan, name="V", email=stranger.email, access="view", user=stranger
    )
    with pytest.raises(PermissionDenied):
        services.plan_set_line_payment(user=stranger, line=line, paid_by=DP)
    viewer_share.access = "edit"
    viewer_share.save()
    services.plan_set_line_payment(user=stranger, line=line, paid_by=DP, isf_provider="Holly")
    line.refresh_from_db()
    # A provider name only belongs to an individual service fund.
    assert (line.paid_by, line.isf_provider) == (DP, "")


def test_the_route_form_page(sign_in, home_page, person, stranger, plan):
    line = services.plan_add_membership_line(
        user=person, plan=plan, description="Garden", yearly_cost=D("78.00")
    )
    url = f"/plans/{plan.uuid}/lines/{line.pk}/payment/"
    assert sign_in(stranger).post(url, {"paid_by": DP}).status_code == 404
    client = sign_in(person)
    response = client.post(url, {"paid_by": ISF, "isf_provider": ""})
    assert "Name the provider" in text_of(soup(response).select_one(".govuk-error-summary"))
    response = client.post(url, {"paid_by": ISF, "isf_provider": "Holly Homecare"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.route_label == "Individual service fund with Holly Homecare"


def test_the_pa_form_offers_only_the_routes_that_fit(sign_in, home_page, person, plan):
    page = soup(sign_in(person).get(f"/plans/{plan.uuid}/lines/add-pa/"))
    values = [i["value"] for i in page.select("input[name=paid_by]")]
    assert values == [DP, PERSON, ""]


def test_a_new_line_starts_from_the_plans_way_of_managing_money(sign_in, home_page, person, plan):
    plan.money_management = "direct-payment"
    plan.save()
    page = soup(sign_in(person).get(f"/plans/{plan.uuid}/lines/add-membership/"))
    assert page.select_one("input[name=paid_by][checked]")["value"] == DP


@pytest.mark.parametrize("path", ["", "print/"])
def test_the_plan_and_print_view_show_each_route(sign_in, home_page, person, mixed, path):
    page = soup(sign_in(person).get(f"/plans/{mixed.uuid}/{path}"))
    assert text_of(page.select_one("#route-direct-payment")) == (
        "Direct payment £416.81 £21,674.12 £0"
    )
    assert text_of(page.select_one("#route-isf-holly-homecare")) == (
        "Individual service fund with Holly Homecare £31.12 £1,618.24 £0"
    )
    assert text_of(page.select_one("#route-council")).endswith("£45.50")
    pa = mixed.lines.get(kind="pa")
    assert text_of(page.select_one(f"#line-{pa.pk}-route")) == "Paid by: Direct payment"


def test_the_csv_carries_each_route(sign_in, home_page, person, mixed):
    content = sign_in(person).get(f"/plans/{mixed.uuid}/plan.csv").content.decode()
    rows = list(csv.reader(io.StringIO(content)))
    by_first = {row[0]: row for row in rows if row}
    assert by_first["Direct payment"][1:] == ["416.81", "21674.12", "0.00"]
    assert by_first["Individual service fund with Holly Homecare"][1:] == [
        "31.12",
        "1618.24",
        "0.00",
    ]
    assert by_first["Perching stool"][4] == "Arranged by the council"
    assert (
        by_first["Holly Homecare: Home care in Ludlow"][8]
        == "Individual service fund with Holly Homecare"
    )
