"""Plan lines the catalogue does not list (issue 21), through the services: Jane's plan from the
Surrey paper, the rules on each line, and who may add them."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from marketplace.plans import selectors, services
from marketplace.plans.models import PlanLine, PlanShare, SupportPlan

from .test_costing_beyond_catalogue import RATES_2025_26

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def rates(settings):
    settings.PLANS_EMPLOYER_COSTS = dict(RATES_2025_26)


@pytest.fixture
def jane_plan(person):
    # Surrey County Council, "Personalisation Update" (Adult Social Care Select Committee,
    # 14 February 2013), Jane's story: a personal budget of £373.53 a week.
    return services.plan_create(
        user=person,
        person_name="Jane",
        budget=D("373.53"),
        budget_source=SupportPlan.BudgetSource.COUNCIL,
    )


def test_janes_plan_from_the_surrey_paper(person, jane_plan):
    """Jane (Surrey, "Personalisation Update", 2013) chose "one-to-one support for six hours a
    day, four days a week" and "an annual membership to a local garden". Her PA is employed
    directly at an hourly pay this test chooses (£13.50); the garden costs £78 a year here."""
    pa = services.plan_add_pa_line(
        user=person,
        plan=jane_plan,
        hourly_pay=D("13.50"),
        hours=D("6") * D("4"),
        description="One-to-one support at home and out and about",
        provided_by="Jane's PA",
        notes="Six hours a day, four days a week, so Bill can keep working",
        paid_by=PlanLine.PaidBy.DIRECT_PAYMENT,
    )
    garden = services.plan_add_membership_line(
        user=person,
        plan=jane_plan,
        description="Annual membership of a local garden",
        provided_by="The local garden (Bill and a care worker go free)",
        yearly_cost=D("78.00"),
        paid_by=PlanLine.PaidBy.PERSON,
    )
    summary = selectors.plan_summary(jane_plan)

    parts = {part.key: part.weekly for part in pa.pa_costs.parts}
    assert parts == {
        "pay": D("324.00"),  # 24 x £13.50
        "holiday": D("39.11"),  # 12.07% of pay
        "ni": D("40.07"),  # 15% of £363.11 above £96
        "pension": D("7.29"),  # 3% of £363.11 less £120
        "insurance": D("2.88"),  # £150 a year / 52
        "payroll": D("3.46"),  # £180 a year / 52
    }
    assert [view.weekly_cost for view in summary.lines] == [D("416.81"), D("1.50")]
    assert summary.weekly == D("418.31")
    assert summary.annual == D("21752.12")
    assert summary.first_year == D("21752.12")
    # At today's employer costs the same hours cost more than Jane's 2013 budget.
    assert summary.difference == D("-44.78")
    assert garden.unit_amount == D("78.00") and garden.unit == "year"
    # A mix of arrangements: the PA by direct payment, the garden paid by Jane and Bill.
    assert [(r.label, r.weekly, r.annual, r.one_off) for r in summary.routes] == [
        ("Direct payment", D("416.81"), D("21674.12"), D("0.00")),
        ("Paid by the person or their family", D("1.50"), D("78.00"), D("0.00")),
    ]
    assert sum(r.annual for r in summary.routes) == summary.annual


def test_the_pa_line_keeps_the_rates_it_was_costed_at(person, jane_plan, settings):
    pa = services.plan_add_pa_line(
        user=person, plan=jane_plan, hourly_pay=D("13.50"), hours=D("24")
    )
    assert pa.employer_rates["year"] == "2025/26"
    settings.PLANS_EMPLOYER_COSTS = {**RATES_2025_26, "year": "2026/27", "ni_rate": "0.20"}
    pa.refresh_from_db()
    assert pa.weekly_cost == D("416.81")
    # A PA added now is costed at the new rates.
    new = services.plan_add_pa_line(
        user=person, plan=jane_plan, hourly_pay=D("13.50"), hours=D("24")
    )
    assert new.employer_rates["year"] == "2026/27"
    assert new.weekly_cost == D("416.81") - D("40.07") + D("53.42")  # 20% of 267.11 = 53.422


def test_a_one_off_item_is_shown_apart_and_added_to_the_first_year(person, jane_plan):
    services.plan_add_membership_line(
        user=person, plan=jane_plan, description="Garden", yearly_cost=D("78.00")
    )
    services.plan_add_one_off_line(
        user=person,
        plan=jane_plan,
        description="Baking course",
        provided_by="Adult learning",
        cost=D("120.00"),
    )
    services.plan_add_one_off_line(
        user=person, plan=jane_plan, description="Perching stool", cost=D("45.50")
    )
    summary = selectors.plan_summary(jane_plan)
    assert [view.line.description for view in summary.lines] == ["Garden"]
    assert [view.line.description for view in summary.one_offs] == [
        "Baking course",
        "Perching stool",
    ]
    assert summary.weekly == D("1.50")
    assert summary.annual == D("78.00")
    assert summary.one_off_total == D("165.50")
    assert summary.first_year == D("243.50")


@pytest.mark.parametrize(
    ("hourly_pay", "hours", "field", "message"),
    [
        (D("0"), D("24"), "hourly_pay", "more than £0"),
        (D("-1"), D("24"), "hourly_pay", "more than £0"),
        (D("13.505"), D("24"), "hourly_pay", "pounds and pence"),
        (D("250.00"), D("24"), "hourly_pay", "£200.00 or less"),
        (None, D("24"), "hourly_pay", "Enter the hourly pay"),
        (D("13.50"), D("0"), "hours", "more than 0"),
        (D("13.50"), D("169"), "hours", "168 hours or fewer"),
        (D("13.50"), D("2.125"), "hours", "2 decimal places"),
    ],
)
def test_bad_pa_lines_are_refused(person, jane_plan, hourly_pay, hours, field, message):
    with pytest.raises(ValidationError) as error:
        services.plan_add_pa_line(user=person, plan=jane_plan, hourly_pay=hourly_pay, hours=hours)
    assert message in " ".join(error.value.message_dict[field])
    assert not jane_plan.lines.exists()


@pytest.mark.parametrize(
    ("add", "kwargs", "field", "message"),
    [
        ("membership", {"description": " ", "yearly_cost": D("78")}, "description", "Say what"),
        ("membership", {"description": "Gym", "yearly_cost": D("0")}, "yearly_cost", "more than"),
        ("membership", {"description": "Gym", "yearly_cost": None}, "yearly_cost", "Enter"),
        ("one_off", {"description": "", "cost": D("10")}, "description", "Say what the item"),
        ("one_off", {"description": "Stool", "cost": D("0.001")}, "cost", "pounds and pence"),
        ("one_off", {"description": "Stool", "cost": D("100000.01")}, "cost", "or less"),
    ],
)
def test_bad_memberships_and_one_off_items_are_refused(
    person, jane_plan, add, kwargs, field, message
):
    adder = getattr(services, f"plan_add_{add}_line")
    with pytest.raises(ValidationError) as error:
        adder(user=person, plan=jane_plan, **kwargs)
    assert message in " ".join(error.value.message_dict[field])


def _share(plan, user, access):
    return PlanShare.objects.create(
        plan=plan, name="Helper", email=user.email, access=access, user=user
    )


ADDERS = [
    ("plan_add_pa_line", {"hourly_pay": D("13.50"), "hours": D("24")}),
    ("plan_add_membership_line", {"description": "Garden", "yearly_cost": D("78.00")}),
    ("plan_add_one_off_line", {"description": "Stool", "cost": D("45.50")}),
]


@pytest.mark.parametrize(("adder", "kwargs"), ADDERS)
def test_who_may_add_these_lines(person, stranger, practitioner, jane_plan, adder, kwargs):
    add = getattr(services, adder)
    # A stranger and a helper who may only see the plan may not.
    with pytest.raises(PermissionDenied):
        add(user=stranger, plan=jane_plan, **kwargs)
    _share(jane_plan, practitioner, PlanShare.Access.VIEW)
    with pytest.raises(PermissionDenied):
        add(user=practitioner, plan=jane_plan, **kwargs)
    assert not jane_plan.lines.exists()
    # The owner and a helper who may change the plan may.
    add(user=person, plan=jane_plan, **kwargs)
    _share(jane_plan, stranger, PlanShare.Access.EDIT)
    add(user=stranger, plan=jane_plan, **kwargs)
    assert jane_plan.lines.count() == 2


@pytest.mark.parametrize(("adder", "kwargs"), ADDERS)
def test_a_submitted_plan_takes_no_new_lines(person, jane_plan, adder, kwargs):
    services.plan_set_outcomes(user=person, plan=jane_plan, outcomes=["Stay at home"])
    services.plan_add_informal_line(user=person, plan=jane_plan, description="Bill")
    services.plan_submit(user=person, plan=jane_plan)
    with pytest.raises(ValidationError, match="submitted"):
        getattr(services, adder)(user=person, plan=jane_plan, **kwargs)


def test_the_pa_hours_can_be_changed_but_not_a_membership(person, jane_plan):
    pa = services.plan_add_pa_line(
        user=person, plan=jane_plan, hourly_pay=D("13.50"), hours=D("24")
    )
    services.plan_update_line(user=person, line=pa, quantity=D("20"))
    assert pa.pa_costs.pay == D("270.00")
    garden = services.plan_add_membership_line(
        user=person, plan=jane_plan, description="Garden", yearly_cost=D("78.00")
    )
    with pytest.raises(ValidationError, match="no quantity"):
        services.plan_update_line(user=person, line=garden, quantity=D("2"))
    assert PlanLine.objects.get(pk=garden.pk).quantity == D("1")
