"""The pages for plan lines the catalogue does not list (issue 21): who may open and post them,
the GOV.UK error summary, and how the plan page, print view and CSV show them."""

import csv
import io
from decimal import Decimal

import pytest

from marketplace.plans import services
from marketplace.plans.models import PlanLine
from tests.factories import make_user

from .conftest import soup, text_of
from .test_costing_beyond_catalogue import RATES_2025_26
from .test_views import is_sign_in_redirect

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def rates(settings):
    settings.PLANS_EMPLOYER_COSTS = dict(RATES_2025_26)


@pytest.fixture
def plan(person):
    # Jane's personal budget in the Surrey paper ("Personalisation Update", 2013): £373.53 a week.
    return services.plan_create(
        user=person, person_name="Jane", budget=D("373.53"), budget_source="council"
    )


GOOD = {
    "add-pa": {"description": "One-to-one support", "hourly_pay": "13.50", "hours": "24"},
    "add-membership": {"description": "Garden membership", "yearly_cost": "78.00"},
    "add-one-off": {"description": "Perching stool", "cost": "45.50"},
}


def add_url(plan, name):
    return f"/plans/{plan.uuid}/lines/{name}/"


@pytest.mark.parametrize("name", GOOD)
def test_who_may_open_and_post_the_forms(client, home_page, plan, person, stranger, name):
    viewer = make_user("v@example.org")
    editor = make_user("e@example.org")
    for user, access in ((viewer, "view"), (editor, "edit")):
        share = services.plan_share(
            user=person, plan=plan, name="H", email=user.email, access=access
        )
        services.plan_share_accept(user=user, share=share)
    url = add_url(plan, name)

    assert is_sign_in_redirect(client.get(url))
    assert is_sign_in_redirect(client.post(url, GOOD[name]))
    for user, status in ((stranger, 404), (viewer, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, GOOD[name]).status_code == status
    assert not plan.lines.exists()
    for user in (person, editor):
        client.force_login(user)
        assert client.get(url).status_code == 200
        response = client.post(url, GOOD[name])
        assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.lines.count() == 2


def test_the_pa_form_shows_the_rates_with_their_source_and_year(sign_in, home_page, plan, person):
    page = soup(sign_in(person).get(add_url(plan, "add-pa")))
    rates = text_of(page.select_one("#employer-rates"))
    assert "2025/26" in rates
    assert "15% of the week's pay above £96" in rates
    assert "12.07% of pay" in rates
    assert RATES_2025_26["ni_source"] in rates


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("add-pa", {"description": "PA", "hourly_pay": "", "hours": "24"}, "Enter the hourly pay"),
        ("add-pa", {"description": "PA", "hourly_pay": "lots", "hours": "24"}, "amount of money"),
        ("add-pa", {"description": "PA", "hourly_pay": "0", "hours": "24"}, "more than £0"),
        ("add-pa", {"description": "PA", "hourly_pay": "13.50", "hours": "200"}, "168 hours"),
        ("add-pa", {"description": "PA", "hourly_pay": "13.50", "hours": "x"}, "as a number"),
        ("add-membership", {"description": "", "yearly_cost": "78"}, "Say what the membership"),
        ("add-membership", {"description": "Gym", "yearly_cost": "-5"}, "more than £0"),
        ("add-one-off", {"description": "Stool", "cost": "1e9"}, "or less"),
        ("add-one-off", {"description": "Stool", "cost": "NaN"}, "amount of money"),
    ],
)
def test_bad_input_gets_the_error_summary(sign_in, home_page, plan, person, name, data, expected):
    response = sign_in(person).post(add_url(plan, name), data)
    assert response.status_code == 200
    page = soup(response)
    summary = text_of(page.select_one(".govuk-error-summary"))
    assert "There is a problem" in summary and expected in summary
    assert page.title.get_text().startswith("Error: ")
    assert not plan.lines.exists()


@pytest.fixture
def janes_lines(person, plan):
    services.plan_add_pa_line(
        user=person, plan=plan, hourly_pay=D("13.50"), hours=D("24"), provided_by="Jane's PA"
    )
    services.plan_add_membership_line(
        user=person, plan=plan, description="Garden membership", yearly_cost=D("78.00")
    )
    services.plan_add_one_off_line(
        user=person, plan=plan, description="Perching stool", cost=D("45.50")
    )
    return plan


@pytest.mark.parametrize("path", ["", "print/"])
def test_the_plan_and_its_print_view_show_every_part(sign_in, home_page, person, janes_lines, path):
    plan = janes_lines
    page = soup(sign_in(person).get(f"/plans/{plan.uuid}/{path}"))
    pa = PlanLine.objects.get(plan=plan, kind="pa")
    parts = {
        key: text_of(page.select_one(f"#line-{pa.pk}-{key}"))
        for key in ("pay", "holiday", "ni", "pension", "insurance", "payroll")
    }
    assert parts["pay"].endswith("£324") and "24 hours at £13.50 an hour" in parts["pay"]
    assert parts["holiday"].endswith("£39.11")
    assert parts["ni"].endswith("£40.07") and "(2025/26)" in parts["ni"]
    assert parts["pension"].endswith("£7.29")
    assert parts["insurance"].endswith("£2.88")
    assert parts["payroll"].endswith("£3.46")
    lines = text_of(page.select_one("#plan-lines"))
    assert "Yearly membership: £78 a year" in lines and "£1.50" in lines
    assert text_of(page.select_one("#weekly-total")) == "£418.31"
    assert text_of(page.select_one("#annual-total")) == "£21,752.12"
    assert text_of(page.select_one("#one-off-total")) == "£45.50"
    assert text_of(page.select_one("#first-year-total")) == "£21,797.62"
    assert "Perching stool" in text_of(page.select_one("#plan-one-offs"))


def test_the_csv_carries_the_parts_and_the_one_off_items(sign_in, home_page, person, janes_lines):
    content = sign_in(person).get(f"/plans/{janes_lines.uuid}/plan.csv").content.decode()
    rows = list(csv.reader(io.StringIO(content)))
    by_first = {row[0]: row for row in rows if row}
    assert by_first["of which: Employer's National Insurance"][6] == "40.07"
    assert by_first["of which: Pay"][2] == "24 hours at £13.50 an hour"
    assert by_first["Weekly total"][1] == "418.31"
    assert by_first["Perching stool"][2] == "45.50"
    assert by_first["First year's cost (52 weeks and one-off items)"][1] == "21797.62"


def test_a_pa_line_can_have_its_hours_changed_from_the_page(sign_in, home_page, person, plan):
    line = services.plan_add_pa_line(user=person, plan=plan, hourly_pay=D("13.50"), hours=D("24"))
    client = sign_in(person)
    response = client.post(f"/plans/{plan.uuid}/lines/{line.pk}/", {"quantity": "20"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.quantity == D("20")


def test_the_plan_page_offers_the_new_lines_only_to_editors(sign_in, home_page, person, plan):
    wanted = {add_url(plan, name) for name in GOOD}
    page = soup(sign_in(person).get(plan.get_absolute_url()))
    assert wanted <= {a["href"] for a in page.select(".govuk-button-group a")}
    viewer = make_user("v@example.org")
    share = services.plan_share(user=person, plan=plan, name="V", email=viewer.email, access="view")
    services.plan_share_accept(user=viewer, share=share)
    page = soup(sign_in(viewer).get(plan.get_absolute_url()))
    assert not wanted & {a.get("href") for a in page.select("a")}
