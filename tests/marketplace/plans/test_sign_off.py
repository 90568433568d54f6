"""Sign-off (issue 17): a plan from a council assessment is submitted; a practitioner agrees it
under delegated authority only within tolerance, otherwise refers it to the panel; the panel
decides with reasons; the agreed personal budget is kept with its split; every step is in the
plan's history.

Herefordshire, "my life, my choices": within plus/minus a percentage and a capped amount of the
indicative budget a practitioner may agree the plan; outside it, a panel decides."""

import csv
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from core.roles import Role
from marketplace.plans import services
from marketplace.plans.models import PlanEvent, SupportPlan
from marketplace.ras.models import Assessment, SchemeVersion
from tests.factories import make_user

from .conftest import soup, text_of
from .test_views import error_summary, is_sign_in_redirect

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def scheme(db):
    return SchemeVersion.objects.create(
        name="Test RAS",
        status=SchemeVersion.Status.ACTIVE,
        tolerance_below_percent=D("10"),
        tolerance_above_percent=D("5"),
        tolerance_cap=D("15.00"),
    )


@pytest.fixture
def assessment(scheme, practitioner):
    return Assessment.objects.create(
        scheme_version=scheme,
        points=D("24"),
        money_per_point=D("15.56"),
        weekly_budget=D("373.53"),
        person_name="Pat",
        client_group="older-people",
        recorded_by=practitioner,
    )


@pytest.fixture
def panel_member(db):
    return make_user("pam@council.example", Role.PANEL)


def submitted_plan(person, practitioner, assessment, service, hourly, hours, **fields):
    """A plan from the assessment, `hours` of home care at £15.56, submitted and shared with
    the practitioner."""
    plan = services.plan_create(
        user=person,
        person_name="Pat",
        budget=assessment.weekly_budget,
        budget_source="ras",
        assessment=assessment,
        **fields,
    )
    services.plan_set_outcomes(user=person, plan=plan, outcomes=["Stay at home"])
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D(hours)
    )
    services.plan_submit(user=person, plan=plan)
    share = services.plan_share(
        user=person, plan=plan, name="Sam", email=practitioner.email, access="view"
    )
    services.plan_share_accept(user=practitioner, share=share)
    return plan


def test_within_tolerance_a_practitioner_agrees_and_the_split_is_kept(
    sign_in, home_page, person, practitioner, assessment, service, hourly
):
    # 24 hours x £15.56 = £373.44 against £373.53: within tolerance.
    plan = submitted_plan(person, practitioner, assessment, service, hourly, "24")
    client = sign_in(practitioner)
    page = client.get(f"/plans/{plan.uuid}/agree/")
    assert page.status_code == 200
    assert "Within tolerance" in text_of(soup(page).select_one("#tolerance"))
    response = client.post(
        f"/plans/{plan.uuid}/agree/", {"person_contribution": "50.00", "top_up": ""}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED and plan.agreed_by == practitioner
    assert (plan.agreed_budget, plan.council_share, plan.person_contribution, plan.top_up) == (
        D("373.44"),
        D("323.44"),
        D("50.00"),
        D("0.00"),
    )
    assert plan.agreed_within_tolerance is True
    assert [e.kind for e in plan.events.all()] == ["submitted", "agreed"]


def test_a_practitioner_cannot_agree_an_out_of_tolerance_plan_without_a_panel_decision(
    sign_in, home_page, person, practitioner, panel_member, assessment, service, hourly
):
    # 12 hours x £15.56 = £186.72 against £373.53: 50% under, outside tolerance.
    plan = submitted_plan(person, practitioner, assessment, service, hourly, "12")
    with pytest.raises(ValidationError, match="Refer the plan to the panel"):
        services.plan_agree(user=practitioner, plan=plan)
    client = sign_in(practitioner)
    page = soup(client.get(f"/plans/{plan.uuid}/agree/"))
    assert "A practitioner cannot agree this plan: the panel decides it." in text_of(page)
    assert page.select_one(f"form[action='/plans/{plan.uuid}/agree/']") is None
    response = client.post(f"/plans/{plan.uuid}/agree/", {})
    assert "Refer the plan to the panel" in error_summary(response)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.SUBMITTED and plan.agreed_budget is None

    client.post(f"/plans/{plan.uuid}/refer/", {"reasons": "Family support covers mornings."})
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.PANEL and plan.referred_at is not None
    with pytest.raises(ValidationError):
        services.plan_agree(user=practitioner, plan=plan)

    # The panel agrees a different amount, with reasons and the split.
    client.force_login(panel_member)
    queue = soup(client.get("/plans/panel/"))
    assert "Pat" in text_of(queue.select_one("#panel-plans"))
    response = client.post(
        f"/plans/{plan.uuid}/panel/",
        {
            "decision": "amount",
            "amount": "200.00",
            "reasons": "Add a sitting service on Fridays.",
            "person_contribution": "45.00",
            "top_up": "10.00",
        },
    )
    assert response["Location"] == "/plans/panel/"
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED and plan.agreed_by == panel_member
    assert (plan.agreed_budget, plan.council_share, plan.person_contribution, plan.top_up) == (
        D("200.00"),
        D("155.00"),
        D("45.00"),
        D("10.00"),
    )
    assert plan.agreed_within_tolerance is False  # £200.00 is still outside

    # Shown on the plan, its print view and its CSV.
    client.force_login(person)
    for url in (plan.get_absolute_url(), plan.get_absolute_url() + "print/"):
        agreed = text_of(soup(client.get(url)).select_one("#agreed-budget"))
        assert agreed == (
            "Personal budget (agreed) £200 a week The council's share £155, the "
            "person's assessed contribution £45; a third-party top-up of £10 a week on top"
        )
    rows = list(
        csv.reader(io.StringIO(client.get(f"/plans/{plan.uuid}/plan.csv").content.decode()))
    )
    assert ["Personal budget (agreed)", "200.00"] in rows
    assert ["Council's share", "155.00"] in rows
    assert ["Person's assessed contribution", "45.00"] in rows
    assert ["Third-party top-up", "10.00"] in rows

    # The history lists each decision: who, what figure, the panel's reasons.
    history = soup(client.get(plan.get_absolute_url())).select("#history tbody tr")
    texts = [text_of(row) for row in history]
    assert len(texts) == 3
    assert texts[0].startswith("Submitted for agreement") and texts[0].endswith("£186.72")
    assert texts[1].startswith("Referred to the panel Reasons: Family support covers mornings.")
    assert "sam@council.example" in texts[1] or str(practitioner) in texts[1]
    assert texts[2].startswith(
        "Agreed by the panel at a different amount Reasons: Add a sitting service on Fridays."
    )
    assert texts[2].endswith("£200") and str(panel_member) in texts[2]
    steps = [
        row[0]
        for row in rows[rows.index(["Step", "When", "Who", "Figure a week", "Reasons"]) + 1 :]
    ]
    assert steps == [
        "Submitted for agreement",
        "Referred to the panel",
        "Agreed by the panel at a different amount",
    ]


def test_the_panel_sends_a_plan_back_with_reasons(
    sign_in, home_page, person, practitioner, panel_member, assessment, service, hourly
):
    plan = submitted_plan(person, practitioner, assessment, service, hourly, "12")
    services.plan_refer_to_panel(user=practitioner, plan=plan)
    client = sign_in(panel_member)
    response = client.post(f"/plans/{plan.uuid}/panel/", {"decision": "send-back"})
    assert response.status_code == 200
    assert "Give the panel's reasons." in error_summary(response)
    client.post(
        f"/plans/{plan.uuid}/panel/",
        {"decision": "send-back", "reasons": "The plan does not cover nights."},
    )
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.DRAFT and plan.agreed_budget is None
    event = plan.events.last()
    assert (event.kind, event.actor, event.reasons, event.figure) == (
        PlanEvent.Kind.PANEL_SENT_BACK,
        panel_member,
        "The plan does not cover nights.",
        D("186.72"),
    )
    # The panel member still sees the plan they decided, but cannot decide it again.
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(f"/plans/{plan.uuid}/panel/").status_code == 403


def test_a_self_funders_plan_is_agreed_without_a_budget_or_panel(
    sign_in, home_page, person, practitioner, assessment, service, hourly
):
    plan = submitted_plan(
        person, practitioner, assessment, service, hourly, "12", money_management="self-funded"
    )
    client = sign_in(practitioner)
    page = text_of(soup(client.get(f"/plans/{plan.uuid}/agree/")).select_one("main"))
    assert "panel" not in page.lower() and "tolerance" not in page.lower()
    with pytest.raises(ValidationError, match="goes to panel"):
        services.plan_refer_to_panel(user=practitioner, plan=plan)
    client.post(f"/plans/{plan.uuid}/agree/", {})
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED and plan.agreed_budget is None


def test_the_cost_before_the_ras_is_recorded_by_a_practitioner(
    sign_in, home_page, person, practitioner, assessment, service, hourly
):
    plan = submitted_plan(person, practitioner, assessment, service, hourly, "24")
    client = sign_in(person)
    assert client.get(f"/plans/{plan.uuid}/cost-before-ras/").status_code == 403
    client.force_login(practitioner)
    response = client.post(f"/plans/{plan.uuid}/cost-before-ras/", {"amount": "lots"})
    assert "amount of money" in error_summary(response)
    client.post(f"/plans/{plan.uuid}/cost-before-ras/", {"amount": "412.00"})
    plan.refresh_from_db()
    assert plan.cost_before_ras == D("412.00")
    page = soup(client.get(plan.get_absolute_url()))
    assert text_of(page.select_one("#cost-before-ras")) == (
        "Cost of support before the RAS £412 a week"
    )
    assert "Cost of support before the RAS recorded" in text_of(page.select_one("#history"))


def test_sign_off_permissions(
    client, home_page, person, stranger, practitioner, panel_member, assessment, service, hourly
):
    plan = submitted_plan(person, practitioner, assessment, service, hourly, "12")
    other_practitioner = make_user("other@council.example", Role.PRACTITIONER)
    pages = {
        "agree": ("get", f"/plans/{plan.uuid}/agree/"),
        "refer": ("post", f"/plans/{plan.uuid}/refer/"),
        "cost-before": ("get", f"/plans/{plan.uuid}/cost-before-ras/"),
        "panel-list": ("get", "/plans/panel/"),
        "panel": ("get", f"/plans/{plan.uuid}/panel/"),
    }
    for method, url in pages.values():
        assert is_sign_in_redirect(getattr(client, method)(url)), url
    # Before referral nobody decides for the panel, and the panel does not see the plan.
    client.force_login(panel_member)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(pages["panel"][1]).status_code == 404
    for user, allowed in (
        (person, set()),  # the owner never signs off their own plan
        (stranger, set()),
        (other_practitioner, set()),  # not shared with them
        (panel_member, {"panel-list"}),
        (practitioner, {"agree", "refer", "cost-before"}),
    ):
        client.force_login(user)
        for name, (method, url) in pages.items():
            if name == "refer":
                continue  # would change the plan; checked below
            status = getattr(client, method)(url).status_code
            if name in allowed:
                assert status == 200, (user.email, name, status)
            else:
                assert status in (403, 404), (user.email, name, status)
    for user in (person, stranger, other_practitioner, panel_member):
        client.force_login(user)
        assert client.post(pages["refer"][1]).status_code in (403, 404)
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.SUBMITTED
    client.force_login(practitioner)
    client.post(pages["refer"][1])
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.PANEL
    client.force_login(panel_member)
    assert client.get(pages["panel"][1]).status_code == 200
    for user in (person, practitioner, stranger):
        client.force_login(user)
        assert client.get(pages["panel"][1]).status_code in (403, 404)
        with pytest.raises((PermissionDenied, ValidationError)):
            services.plan_panel_decide(user=user, plan=plan, decision="agree", reasons="x")
    # A panel member cannot decide their own plan.
    own = services.plan_create(user=panel_member, person_name="Me")
    own.status, own.referred_at = SupportPlan.Status.PANEL, plan.referred_at
    own.save()
    client.force_login(panel_member)
    assert client.get(f"/plans/{own.uuid}/panel/").status_code == 403
    assert "Me" not in text_of(soup(client.get("/plans/panel/")).select_one("main"))
