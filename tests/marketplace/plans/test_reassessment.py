"""An early review when things change, then a reassessment (issue 21): the practitioner's new RAS
assessment of the person gives the new estimate, shown beside the budget it replaces. Jane's
budget is the Surrey paper's ("Personalisation Update", 2013): £373.53 a week."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from core.roles import Role
from marketplace.plans import selectors, services
from marketplace.ras.models import Assessment, SchemeVersion
from tests.factories import make_user

from .conftest import soup, text_of
from .test_reviews import agreed_plan, record

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def scheme(db):
    return SchemeVersion.objects.create(
        name="Test RAS", status=SchemeVersion.Status.ACTIVE, carer_rate=D("12.50")
    )


def assess(scheme, practitioner, *, email="pat@example.org", budget="420.00", carer_points="0"):
    return Assessment.objects.create(
        scheme_version=scheme,
        points=D("27"),
        carer_points=D(carer_points),
        money_per_point=D("15.56"),
        carer_rate=scheme.carer_rate,
        weekly_budget=D(budget),
        person_name="Jane",
        person_email=email,
        recorded_by=practitioner,
    )


@pytest.fixture
def early(person, practitioner):
    plan = agreed_plan(person, practitioner, outcomes=["Stay at home"], budget=D("373.53"))
    return services.plan_request_review(
        user=person, plan=plan, reason="Bill has changed jobs and works longer hours."
    )


def test_only_the_practitioners_own_assessments_of_the_person_since_the_review(
    scheme, person, practitioner, early
):
    older = assess(scheme, practitioner)
    Assessment.objects.filter(pk=older.pk).update(
        created_at=early.created_at - timedelta(minutes=1)
    )
    assess(scheme, practitioner, email="someone.else@example.org")
    assess(scheme, make_user("other@council.example", Role.PRACTITIONER))
    new = assess(scheme, practitioner, email="PAT@example.org")
    assert selectors.reassessments_for(early, user=practitioner) == [new]


def test_the_reassessment_gives_the_new_estimate_beside_the_old(
    scheme, person, practitioner, early
):
    reassessment = assess(scheme, practitioner)
    done = record(
        practitioner, early, lambda i: "partly", decision="reassess", reassessment=reassessment
    )
    assert (done.previous_budget, done.new_estimate) == (D("373.53"), D("420.00"))
    # It counts in the Bath measure: the plan (£1.50 a week) is within the new estimate.
    figures = selectors.review_figures()
    assert (figures.within_new_estimate.part, figures.within_new_estimate.whole) == (1, 1)


def test_a_reassessment_that_is_not_theirs_or_disagrees_is_refused(
    scheme, person, practitioner, early
):
    other = assess(scheme, make_user("other@council.example", Role.PRACTITIONER))
    with pytest.raises(ValidationError) as error:
        record(practitioner, early, lambda i: "partly", decision="reassess", reassessment=other)
    assert "reassessment" in error.value.message_dict
    mine = assess(scheme, practitioner)
    with pytest.raises(ValidationError, match="gives £420.00 a week"):
        record(
            practitioner,
            early,
            lambda i: "partly",
            decision="reassess",
            reassessment=mine,
            new_estimate=D("400.00"),
        )
    early.refresh_from_db()
    assert early.status == "pending"


def test_a_carers_plan_takes_the_carer_element(scheme, person, practitioner):
    plan = agreed_plan(
        person, practitioner, plan_for="carer", outcomes=["Having breaks from caring"]
    )
    review = plan.reviews.get()
    reassessment = assess(scheme, practitioner, carer_points="6")
    done = record(
        practitioner, review, lambda i: "achieved", decision="reassess", reassessment=reassessment
    )
    assert done.new_estimate == D("75.00")  # 6 carer points x £12.50


def test_recording_with_a_reassessment_through_the_page(
    client, home_page, scheme, person, practitioner, early
):
    reassessment = assess(scheme, practitioner)
    plan = early.plan
    url = f"/plans/{plan.uuid}/reviews/{early.pk}/record/"
    client.force_login(practitioner)
    page = soup(client.get(url))
    when = timezone.localdate().strftime("%-d %B %Y")
    labels = [text_of(label) for label in page.select("label[for^=id_reassessment]")]
    assert labels == ["No reassessment", f"Assessment of {when}: £420 a week"]
    response = client.post(url, {"reassessment": "not-a-uuid", "decision": "reassess"})
    summary = text_of(soup(response).select_one(".govuk-error-summary"))
    assert "Choose one of your assessments of this person" in summary
    outcome = plan.outcome_items.get()
    response = client.post(
        url,
        {
            f"outcome_{outcome.pk}": "partly",
            "cost_in_period": "12.00",
            "decision": "reassess",
            "reassessment": str(reassessment.uuid),
        },
    )
    assert response.status_code == 302
    client.force_login(person)
    shown = text_of(soup(client.get(plan.get_absolute_url())).select_one(f"#review-{early.pk}"))
    assert "New estimate £420 a week, beside the previous budget of £373.53" in shown
    # The person sees the figure, never the practitioner's list of assessments.
    client.force_login(person)
    assert client.get(url).status_code == 403
