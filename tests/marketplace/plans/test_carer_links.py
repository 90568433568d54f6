"""A carer's own plan (issue 21): carer outcomes, the carer element of the RAS, and linking it
with the plan of the person cared for when both confirm (the Care Act guidance on combining
plans). Either side can unlink; neither sees the other's plan before confirming."""

from decimal import Decimal

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from marketplace.plans import selectors, services
from marketplace.plans.models import OutcomeOption, PlanLink, SupportPlan
from marketplace.ras.models import Assessment, SchemeVersion
from tests.factories import make_user

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def carer(db):
    return make_user("carla@example.org")


@pytest.fixture
def cared_for(db):
    return make_user("jane@example.org")


def carer_plan_of(carer):
    plan = services.plan_create(user=carer, person_name="Carla", plan_for="carer")
    services.plan_set_outcomes(user=carer, plan=plan, outcomes=["A night out each week"])
    services.plan_add_membership_line(
        user=carer, plan=plan, description="Carla's gym", yearly_cost=D("260.00")
    )
    return plan


def person_plan_of(person):
    plan = services.plan_create(user=person, person_name="Jane")
    services.plan_set_outcomes(user=person, plan=plan, outcomes=["Stay at home"])
    services.plan_add_membership_line(
        user=person, plan=plan, description="Jane's garden club", yearly_cost=D("78.00")
    )
    return plan


@pytest.fixture
def carer_plan(carer):
    return carer_plan_of(carer)


@pytest.fixture
def person_plan(cared_for):
    return person_plan_of(cared_for)


def side_by_side(client, plan, link):
    return client.get(f"/plans/{plan.uuid}/linked/{link.pk}/")


# --- the services -------------------------------------------------------------------------------


def test_linked_only_when_both_confirm(
    carer, cared_for, carer_plan, person_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    assert not link.is_linked
    assert not PlanLink.objects.confirmed().exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jane@example.org"]
    assert link.accept_path in mail.outbox[0].body
    # Nothing in the e-mail comes from the carer's plan.
    assert "Carla's gym" not in mail.outbox[0].body

    with pytest.raises(PermissionDenied):
        services.linked_plans_for(user=carer, plan=carer_plan, link=link)

    services.plan_link_confirm(user=cared_for, link=link, plan=person_plan)
    link.refresh_from_db()
    assert link.is_linked
    assert (link.carer_plan, link.cared_for_plan) == (carer_plan, person_plan)
    assert services.linked_plans_for(user=carer, plan=carer_plan, link=link) == (
        carer_plan,
        person_plan,
    )
    assert services.linked_plans_for(user=cared_for, plan=person_plan, link=link) == (
        person_plan,
        carer_plan,
    )


def test_only_the_addressee_confirms_and_only_with_their_own_plan_of_the_other_kind(
    carer, cared_for, carer_plan, person_plan, stranger
):
    link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    with pytest.raises(ValidationError, match="sent to another email address") as refused:
        services.plan_link_confirm(user=stranger, link=link, plan=person_plan)
    assert "jane@example.org" not in str(refused.value)
    # Jane's own carer's plan is not the plan of a person cared for.
    her_carer_plan = services.plan_create(user=cared_for, person_name="Jane", plan_for="carer")
    with pytest.raises(ValidationError):
        services.plan_link_confirm(user=cared_for, link=link, plan=her_carer_plan)
    # Someone else's plan is not hers to link.
    with pytest.raises(PermissionDenied):
        services.plan_link_confirm(user=cared_for, link=link, plan=person_plan_of(stranger))
    with pytest.raises(ValidationError, match="your own plan"):
        services.plan_link_confirm(user=carer, link=link, plan=carer_plan)
    assert not PlanLink.objects.confirmed().exists()


def test_only_the_owner_asks_and_not_their_own_address(carer, carer_plan, cared_for):
    with pytest.raises(PermissionDenied):
        services.plan_link_ask(user=cared_for, plan=carer_plan, email="x@example.org")
    with pytest.raises(ValidationError, match="your own email"):
        services.plan_link_ask(user=carer, plan=carer_plan, email="CARLA@example.org")


@pytest.mark.parametrize("side", ["carer", "cared_for"])
def test_either_side_unlinks(side, carer, cared_for, carer_plan, person_plan, stranger):
    link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    services.plan_link_confirm(user=cared_for, link=link, plan=person_plan)
    with pytest.raises(PermissionDenied):
        services.plan_unlink(user=stranger, link=link)
    services.plan_unlink(user={"carer": carer, "cared_for": cared_for}[side], link=link)
    link.refresh_from_db()
    assert not link.is_linked
    for user, plan in ((carer, carer_plan), (cared_for, person_plan)):
        with pytest.raises(PermissionDenied):
            services.linked_plans_for(user=user, plan=plan, link=link)
    # An ended request cannot be confirmed afterwards.
    with pytest.raises(ValidationError):
        services.plan_link_check(user=cared_for, link=link)


def test_the_person_cared_for_can_ask_first(carer, cared_for, carer_plan, person_plan):
    link = services.plan_link_ask(user=cared_for, plan=person_plan, email="carla@example.org")
    assert list(services.plans_to_link(user=carer, link=link)) == [carer_plan]
    services.plan_link_confirm(user=carer, link=link, plan=carer_plan)
    link.refresh_from_db()
    assert (link.carer_plan, link.cared_for_plan) == (carer_plan, person_plan)


# --- carer outcomes and the carer element of the RAS -------------------------------------------


def test_a_carers_plan_offers_the_councils_carer_outcomes(sign_in, home_page, carer, carer_plan):
    OutcomeOption.objects.update_or_create(
        audience="carer", name="Having breaks from caring", defaults={"active": True}
    )
    OutcomeOption.objects.update_or_create(
        audience="person", name="Staying safe", defaults={"active": True}
    )
    page = soup(sign_in(carer).get(f"/plans/{carer_plan.uuid}/outcomes/"))
    offered = [text_of(label) for label in page.select("label[for^=id_options]")]
    assert any("Having breaks from caring" in name for name in offered)
    assert not any("Staying safe" in name for name in offered)


@pytest.fixture
def carer_scheme(db):
    return SchemeVersion.objects.create(
        name="Scheme with a carer element",
        status=SchemeVersion.Status.ACTIVE,
        carer_rate=D("12.50"),
    )


def assessment_for(scheme, user, carer_points):
    return Assessment.objects.create(
        scheme_version=scheme,
        points=D("24"),
        carer_points=carer_points,
        money_per_point=D("15.56"),
        carer_rate=scheme.carer_rate,
        weekly_budget=D("373.44") + carer_points * scheme.carer_rate,
        person_name="Carla",
        recorded_by=user,
    )


def test_a_carers_plan_from_an_assessment_carries_the_carer_element(carer, carer_scheme):
    assessment = assessment_for(carer_scheme, carer, D("6"))
    assert services.carer_element(assessment) == D("75.00")  # 6 points x £12.50
    plan = services.plan_create(
        user=carer,
        person_name="Carla",
        plan_for="carer",
        assessment=assessment,
        budget=D("75.00"),
        budget_source="ras",
    )
    assert services.assessment_figure(plan) == D("75.00")
    with pytest.raises(ValidationError, match="carer element, £75.00"):
        services.plan_create(
            user=carer,
            person_name="Carla",
            plan_for="carer",
            assessment=assessment,
            budget=assessment.weekly_budget,
            budget_source="ras",
        )


def test_without_a_carer_element_a_carers_plan_cannot_start_from_the_assessment(
    carer, carer_scheme
):
    assessment = assessment_for(carer_scheme, carer, D("0"))
    assert services.carer_element(assessment) is None
    with pytest.raises(ValidationError, match="no carer element"):
        services.plan_create(
            user=carer,
            person_name="Carla",
            plan_for="carer",
            assessment=assessment,
            budget=D("0.00"),
            budget_source="ras",
        )


def test_the_new_plan_page_costs_a_carers_plan_against_the_carer_element(
    sign_in, home_page, carer, carer_scheme
):
    assessment = assessment_for(carer_scheme, carer, D("6"))
    client = sign_in(carer)
    page = soup(client.get(f"/plans/new/?assessment={assessment.uuid}"))
    assert "carer element is £75 a week" in text_of(page.select_one("#carer-element"))
    response = client.post(
        "/plans/new/",
        {
            "assessment": str(assessment.uuid),
            "person_name": "Carla",
            "plan_for": "carer",
            "budget": str(assessment.weekly_budget),
            "budget_source": "ras",
            "money_management": "direct-payment",
        },
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.get(owner=carer)
    assert (plan.plan_for, plan.budget, plan.assessment) == ("carer", D("75.00"), assessment)
    page = soup(client.get(plan.get_absolute_url()))
    assert "the carer element" in text_of(page.select_one("#budget"))


# --- the pages ----------------------------------------------------------------------------------


def test_who_may_ask_to_link(client, home_page, carer, cared_for, carer_plan):
    url = f"/plans/{carer_plan.uuid}/link/"
    assert client.get(url).status_code == 302  # signed out: to sign in
    client.force_login(cared_for)
    assert client.get(url).status_code == 404  # not shared with her
    assert client.post(url, {"email": "jane@example.org", "agree": "on"}).status_code == 404
    client.force_login(carer)
    page = soup(client.get(url))
    assert "Link with the plan of the person you care for" in text_of(page.h1)
    page = soup(client.post(url, {"email": "", "agree": ""}))
    assert "Enter their email address" in text_of(page.select_one(".govuk-error-summary"))
    assert "Confirm that you agree" in text_of(page.select_one(".govuk-error-summary"))
    assert not PlanLink.objects.exists()
    response = client.post(url, {"email": "jane@example.org", "agree": "on"})
    assert response.status_code == 302
    link = PlanLink.objects.get()
    page = soup(client.get(carer_plan.get_absolute_url()))
    assert "Asked jane@example.org, not confirmed yet" in text_of(page.select_one("#links"))
    assert link.email == "jane@example.org"


def test_neither_sees_the_others_plan_before_confirming(
    client, home_page, carer, cared_for, carer_plan, person_plan
):
    link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    # Jane is asked: she sees who asks, not the carer's plan.
    client.force_login(cared_for)
    page = client.get(link.accept_path)
    assert page.status_code == 200
    body = text_of(soup(page).main)
    assert "carla@example.org asks to link" in body
    for private in ("Carla's gym", "A night out each week", str(carer_plan.uuid)):
        assert private not in body
    assert side_by_side(client, carer_plan, link).status_code == 404
    assert client.get(carer_plan.get_absolute_url()).status_code == 404
    # Carla waits: she does not see Jane's plan, or even which plan Jane has.
    client.force_login(carer)
    body = text_of(soup(client.get(carer_plan.get_absolute_url())).main)
    assert "Jane's garden club" not in body and "Stay at home" not in body
    assert client.get(person_plan.get_absolute_url()).status_code == 404
    # A stranger with the link gets nowhere, and does not learn whom it was sent to: only a
    # hint, for someone signed in with another of their own addresses.
    client.force_login(make_user("other@example.org"))
    for method in ("get", "post"):
        refused = getattr(client, method)(link.accept_path)
        assert refused.status_code == 403
        body = refused.content.decode()
        assert "jane@example.org" not in body
        assert "This request was sent to another email address (j•••@e•••.org)." in body


def test_confirming_shows_the_plans_side_by_side_and_either_unlinks(
    client, home_page, carer, cared_for, carer_plan, person_plan
):
    link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    client.force_login(cared_for)
    page = soup(client.post(link.accept_path, {"plan": ""}))
    assert "Choose the plan to link" in text_of(page.select_one(".govuk-error-summary"))
    response = client.post(link.accept_path, {"plan": person_plan.pk, "agree": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{person_plan.uuid}/linked/{link.pk}/"
    for user, plan in ((cared_for, person_plan), (carer, carer_plan)):
        client.force_login(user)
        page = soup(side_by_side(client, plan, link))
        cared_side = text_of(page.select_one("#side-person"))
        carer_side = text_of(page.select_one("#side-carer"))
        assert "Jane's garden club" in cared_side and "£1.50" in cared_side
        assert "Carla's gym" in carer_side and "Total a week £5" in carer_side
        assert "A night out each week" in carer_side
    # Each plan's own page is still only its owner's.
    assert client.get(person_plan.get_absolute_url()).status_code == 404
    # The carer unlinks; neither sees the other's plan any more.
    response = client.post(f"/plans/{carer_plan.uuid}/linked/{link.pk}/unlink/")
    assert response.status_code == 302
    assert side_by_side(client, carer_plan, link).status_code == 404
    client.force_login(cared_for)
    assert side_by_side(client, person_plan, link).status_code == 404


def test_the_person_cared_for_unlinks_from_their_plan_page(
    client, home_page, carer, cared_for, carer_plan, person_plan
):
    link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    services.plan_link_confirm(user=cared_for, link=link, plan=person_plan)
    client.force_login(cared_for)
    page = soup(client.get(person_plan.get_absolute_url()))
    assert "See side by side with the plan for Carla" in text_of(page.select_one("#links"))
    client.force_login(make_user("other@example.org"))
    assert client.post(f"/plans/{person_plan.uuid}/linked/{link.pk}/unlink/").status_code == 404
    client.force_login(cared_for)
    client.post(f"/plans/{person_plan.uuid}/linked/{link.pk}/unlink/")
    link.refresh_from_db()
    assert link.ended_by == cared_for and not link.is_linked


def test_declining_a_request(client, home_page, carer, cared_for, carer_plan, person_plan):
    link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    client.force_login(cared_for)
    response = client.post(link.accept_path, {"decline": "1"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.ended_at is not None and not link.is_linked
    assert client.get(link.accept_path).status_code == 403


def test_links_in_the_personal_data_export(carer, cared_for, carer_plan, person_plan):
    from marketplace.plans import personal_data

    link = services.plan_link_ask(user=carer, plan=carer_plan, email="jane@example.org")
    services.plan_link_confirm(user=cared_for, link=link, plan=person_plan)
    exported = personal_data.export_plans(carer)["your_plans"][0]["linked_with"]
    assert exported[0]["other_plan_for"] == "Jane"
    assert selectors.links_of(carer_plan)[0].other == person_plan


def test_print_and_csv_carry_a_carers_lines_routes_outcomes_and_review_dates(
    sign_in, home_page, carer, carer_plan, practitioner
):
    import csv
    import io

    pa = services.plan_add_pa_line(
        user=carer,
        plan=carer_plan,
        hourly_pay=D("12.00"),
        hours=D("4"),
        description="Sitter",
        paid_by="direct-payment",
    )
    services.plan_set_line_outcomes(user=carer, line=pa, outcomes=carer_plan.outcome_items.all())
    services.plan_submit(user=carer, plan=carer_plan)
    share = services.plan_share(
        user=carer, plan=carer_plan, name="Sam", email=practitioner.email, access="view"
    )
    services.plan_share_accept(user=practitioner, share=share)
    services.plan_agree(user=practitioner, plan=carer_plan)
    review = carer_plan.reviews.get()
    client = sign_in(carer)

    printed = soup(client.get(f"/plans/{carer_plan.uuid}/print/"))
    assert text_of(printed.select_one("#plan-for")) == "A carer's own support as a carer"
    assert text_of(printed.select_one(f"#line-{pa.pk}-route")) == "Paid by: Direct payment"
    assert "A night out each week" in text_of(printed.select_one(f"#line-{pa.pk}-serves"))
    assert review.due_on.strftime("%-d %B %Y") in text_of(
        printed.select_one(f"#review-{review.pk}")
    )

    rows = list(csv.reader(io.StringIO(client.get(f"/plans/{carer_plan.uuid}/plan.csv").text)))
    by_first = {row[0]: row for row in rows if row}
    assert by_first["Whose support"][1] == "A carer's own support as a carer"
    assert by_first["Sitter"][8] == "Direct payment"
    assert by_first["Sitter"][9] == "A night out each week"
    assert by_first["Carla's gym"][6] == "5.00"
    assert "A night out each week" in by_first
    assert by_first["Scheduled review"][1] == review.due_on.isoformat()
