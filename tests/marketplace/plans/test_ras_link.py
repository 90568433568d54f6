"""The plan and the RAS: a budget from an assessment, and the tolerance verdict on the plan."""

from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from marketplace.plans import selectors, services
from marketplace.plans.models import SupportPlan
from marketplace.ras.models import Assessment, SchemeVersion

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def scheme(db):
    # Test data straight into the tables: the RAS's own tests cover building a scheme.
    return SchemeVersion.objects.create(
        name="Test RAS",
        status=SchemeVersion.Status.ACTIVE,
        tolerance_below_percent=D("10"),
        tolerance_above_percent=D("5"),
        tolerance_cap=D("15.00"),
    )


@pytest.fixture
def assessment(scheme, person):
    return Assessment.objects.create(
        scheme_version=scheme,
        points=D("24"),
        money_per_point=D("15.56"),
        weekly_budget=D("373.53"),
        person_name="Pat",
        recorded_by=person,
    )


def test_a_plan_starts_from_an_assessment(sign_in, home_page, person, assessment):
    client = sign_in(person)
    page = soup(client.get(f"/plans/new/?assessment={assessment.uuid}"))
    assert page.select_one("input[name=budget]")["value"] == "373.53"
    assert page.select_one("input[name=person_name]")["value"] == "Pat"
    assert page.select_one("select[name=budget_source] option[selected]")["value"] == "ras"
    assert "£373.53 a week" in text_of(page.select_one("#from-assessment"))

    response = client.post(
        "/plans/new/",
        {
            "assessment": str(assessment.uuid),
            "person_name": "Pat",
            "budget": "373.53",
            "budget_source": "ras",
            "money_management": "direct-payment",
        },
    )
    plan = SupportPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.assessment == assessment


def test_someone_elses_assessment_is_not_used(sign_in, home_page, assessment, stranger):
    page = soup(sign_in(stranger).get(f"/plans/new/?assessment={assessment.uuid}"))
    assert page.select_one("#from-assessment") is None
    assert not page.select_one("input[name=budget]").get("value")


@pytest.mark.parametrize("value", ["nonsense", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_assessment_link_is_ignored(sign_in, home_page, person, value):
    response = sign_in(person).get(f"/plans/new/?assessment={value}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("hours", "within"),
    [("24", True), ("21", False), ("25", False)],  # 373.44 / 326.76 / 389.00 against 373.53
)
def test_the_tolerance_verdict_uses_the_assessments_scheme(
    person, assessment, service, hourly, hours, within
):
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source="ras",
        assessment=assessment,
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D(hours)
    )
    verdict = selectors.plan_summary(plan).tolerance.verdict
    assert verdict.within is within
    assert verdict.lower == D("336.18") and verdict.upper == D("388.53")


def test_the_plan_page_shows_the_verdict(
    sign_in, home_page, person, assessment, service, hourly, settings
):
    # The council publishes its no-panel band (off by default: test_tolerance_band.py).
    settings.PLANS_SHOW_TOLERANCE_BAND_TO_PUBLIC = True
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source="ras",
        assessment=assessment,
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("24")
    )
    tolerance = text_of(soup(sign_in(person).get(plan.get_absolute_url())).select_one("#tolerance"))
    assert "Within tolerance" in tolerance
    assert "£336.18 to £388.53" in tolerance


def test_without_a_scheme_the_page_says_why_there_is_no_verdict(
    sign_in, home_page, person, service, hourly
):
    plan = services.plan_create(
        user=person, person_name="Pat", budget=D("100"), budget_source="council"
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("5")
    )
    tolerance = text_of(soup(sign_in(person).get(plan.get_absolute_url())).select_one("#tolerance"))
    assert "has not published its budget tolerance rules" in tolerance


def test_without_a_budget_the_page_asks_for_one(
    sign_in, home_page, person, scheme, service, hourly
):
    plan = services.plan_create(user=person, person_name="Pat")
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("5")
    )
    tolerance = text_of(soup(sign_in(person).get(plan.get_absolute_url())).select_one("#tolerance"))
    assert "Add the indicative budget" in tolerance


PANEL_WORDS = ("tolerance", "panel", "practitioner can agree")


def assert_no_panel_wording(text):
    assert not any(word in text.lower() for word in PANEL_WORDS), text


def test_a_self_funders_plan_has_no_verdict_only_its_cost_against_their_figure(
    sign_in, home_page, person, assessment, service, hourly
):
    # Far outside tolerance (£15.56 x 10 = £155.60 against £373.53), but the person pays.
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source="ras",
        assessment=assessment,
        money_management="self-funded",
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("10")
    )
    summary = selectors.plan_summary(plan)
    assert summary.tolerance.verdict is None and summary.tolerance.plain
    client = sign_in(person)
    tolerance = text_of(soup(client.get(plan.get_absolute_url())).select_one("#tolerance"))
    assert tolerance == (
        "The plan costs £155.60 a week: £217.93 less than your figure of £373.53 a week."
    )
    assert_no_panel_wording(tolerance)
    printed = text_of(soup(client.get(plan.get_absolute_url() + "print/")).select_one("#tolerance"))
    assert_no_panel_wording(printed)


def test_my_own_estimate_gets_plain_words_not_a_verdict(
    sign_in, home_page, person, scheme, service, hourly
):
    plan = services.plan_create(
        user=person, person_name="Pat", budget=D("100.00"), budget_source="own"
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("10")
    )
    tolerance = text_of(soup(sign_in(person).get(plan.get_absolute_url())).select_one("#tolerance"))
    assert tolerance == (
        "The plan costs £155.60 a week: £55.60 more than your figure of £100.00 a week."
    )
    assert_no_panel_wording(tolerance)


def test_an_empty_plan_shows_no_verdict_and_cannot_be_submitted(
    sign_in, home_page, person, assessment
):
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source="ras",
        assessment=assessment,
    )
    services.plan_set_outcomes(user=person, plan=plan, outcomes=["Stay at home"])
    client = sign_in(person)
    tolerance = text_of(soup(client.get(plan.get_absolute_url())).select_one("#tolerance"))
    assert tolerance == "Add support to the plan to see what it costs against the budget."
    assert "Outside tolerance" not in tolerance
    with pytest.raises(ValidationError) as error:
        services.plan_submit(user=person, plan=plan)
    assert "Add at least one line of support." in error.value.messages
    client.post(f"/plans/{plan.uuid}/submit/")
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.DRAFT


def test_an_under_budget_plan_outside_tolerance_goes_to_panel_and_says_why(
    sign_in, home_page, person, assessment, service, hourly
):
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source="ras",
        assessment=assessment,
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("12")
    )
    tolerance = text_of(soup(sign_in(person).get(plan.get_absolute_url())).select_one("#tolerance"))
    assert "Outside tolerance: a panel decides" in tolerance
    assert "50.0% under" in tolerance
    assert "much less than the budget goes to panel too" in tolerance


def test_the_advice_pages_say_what_the_verdicts_say():
    # Herefordshire, "my life, my choices" 3.2: plans within tolerance (plus/minus a percentage
    # and a capped amount) are agreed under delegated authority; the rest go to panel, over or
    # under. The citizen advice must not say only over-budget plans go to panel.
    from pathlib import Path

    from django.conf import settings

    advice = Path(settings.BASE_DIR) / "marketplace/demo/content/advice/people-who-need-care"
    budgets = " ".join((advice / "personal-budgets-and-direct-payments.md").read_text().split())
    planning = " ".join((advice / "support-planning.md").read_text().split())
    for text in (budgets, planning):
        assert "a lot more or a lot less" in text
        assert "If you pay for your own care" in text
    assert "a practitioner can agree it" in budgets


def test_a_plan_from_an_assessment_carries_its_figure(person, assessment):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            user=person,
            person_name="Pat",
            budget=D("300.00"),
            budget_source="ras",
            assessment=assessment,
        )
    assert "£373.53 a week" in error.value.message_dict["budget"][0]
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source="ras",
        assessment=assessment,
    )
    # Choosing another figure later unlinks the assessment: the plan no longer rests on it.
    services.plan_update(user=person, plan=plan, budget=D("300.00"), budget_source="own")
    plan.refresh_from_db()
    assert plan.assessment is None and plan.budget == D("300.00")


def test_deleting_the_assessment_keeps_the_plan(person, assessment):
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=D("373.53"),
        budget_source="ras",
        assessment=assessment,
    )
    assessment.delete()
    plan.refresh_from_db()
    assert plan.assessment is None and plan.budget == D("373.53")
