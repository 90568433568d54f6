"""Contracted rates beside market prices (issue 17): commissioners record the council's contracted
or framework rate per reference service; a scheme's rate basis is the market median, the
contracted rate or a stated blend; the market rate page shows the gap between them."""

import datetime
from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from core.roles import Role
from marketplace.ras import calculator, selectors, services
from marketplace.ras.models import ContractedRate, SchemeVersion
from tests.factories import make_provider, make_user

from .conftest import FULL_ANSWERS, build_scheme

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def record(user, reference, amount="14.00", applies_from=None, note="Home care framework 2026"):
    return services.contracted_rate_record(
        user=user,
        reference=reference,
        amount=D(amount),
        applies_from=applies_from or timezone.localdate(),
        note=note,
    )


def draft(commissioner, home_care, **settings):
    """A draft at weight 0.5 over the five home care prices of `priced_home_care` (median
    £15.56), so the market basis gives 0.5 x £15.56 = £7.78 a point."""
    return build_scheme(commissioner, home_care, weight="0.5", activate=False, **settings)


# --- the pure rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "basis, market, contracted, share, expected",
    [
        ("market", D("15.56"), D("14.00"), D(100), D("15.56")),
        ("market", D("15.56"), None, D(100), D("15.56")),
        ("contracted", D("15.56"), D("14.00"), D(100), D("14.00")),
        ("contracted", None, D("14.00"), D(100), D("14.00")),
        ("contracted", D("15.56"), None, D(100), None),
        # 70% of £28.00 + 30% of £24.00 = £19.60 + £7.20 = £26.80
        ("blend", D("28.00"), D("24.00"), D(70), D("26.80")),
        # 70% of £15.56 + 30% of £14.00 = £10.892 + £4.20 = £15.092 -> £15.09
        ("blend", D("15.56"), D("14.00"), D(70), D("15.09")),
        ("blend", D("15.56"), None, D(70), None),  # a blend never falls back to one side
        ("blend", None, D("14.00"), D(70), None),
    ],
)
def test_the_rate_on_each_basis(basis, market, contracted, share, expected):
    assert (
        calculator.basis_rate(
            basis=basis, market=market, contracted=contracted, market_percent=share
        )
        == expected
    )


@pytest.mark.parametrize(
    "market, contracted, amount, percent",
    [
        (D("15.56"), D("14.00"), D("-1.56"), D("-10.0")),  # 1.56 / 15.56 = 10.03%
        (D("28.00"), D("30.80"), D("2.80"), D("10.0")),
        (D("20.00"), D("20.00"), D("0.00"), D("0.0")),
    ],
)
def test_the_gap_between_contracted_and_market(market, contracted, amount, percent):
    gap = calculator.rate_gap(market=market, contracted=contracted)
    assert (gap.amount, gap.percent) == (amount, percent)


def test_no_gap_without_both_figures():
    assert calculator.rate_gap(market=None, contracted=D("14.00")) is None
    assert calculator.rate_gap(market=D("15.56"), contracted=None) is None


# --- recording contracted rates ------------------------------------------------------------------


def test_only_commissioners_record_contracted_rates(commissioner, practitioner, home_care):
    scheme = draft(commissioner, home_care)
    reference = scheme.reference_services.get()
    provider = make_provider()
    for user in (
        make_user(),
        provider,
        practitioner,
        make_user("", Role.MODERATOR),
        make_user("", Role.EDITOR),
    ):
        with pytest.raises(PermissionDenied):
            record(user, reference)
    assert not ContractedRate.objects.exists()
    rate = record(commissioner, reference, amount="14.004")
    assert rate.amount == D("14.00")  # to the penny
    assert (rate.category, rate.unit, rate.recorded_by) == (home_care, "hour", commissioner)


def test_the_history_is_kept_and_the_rate_in_force_is_the_latest_to_start(
    commissioner, home_care, priced_home_care
):
    scheme = draft(commissioner, home_care)
    reference = scheme.reference_services.get()
    today = timezone.localdate()
    first = record(commissioner, reference, "13.50", today - datetime.timedelta(days=400), "2025")
    second = record(commissioner, reference, "14.00", today - datetime.timedelta(days=30), "2026")
    future = record(commissioner, reference, "15.00", today + datetime.timedelta(days=30), "2027")
    assert selectors.contracted_rate(reference) == second
    assert selectors.contracted_rate(reference, on=today - datetime.timedelta(days=100)) == first
    assert selectors.contracted_rate(reference, on=today - datetime.timedelta(days=401)) is None
    assert selectors.contracted_rate_history(reference) == [future, second, first]
    # A copy of the scheme has its own reference service, and the same contracted rates.
    copy = services.scheme_version_copy(user=commissioner, source=scheme)
    assert selectors.contracted_rate(copy.reference_services.get()) == second


# --- the rate basis ----------------------------------------------------------------------------


def test_the_rate_basis_changes_money_per_point_by_the_expected_figures(
    commissioner, home_care, priced_home_care
):
    """Worked by hand. One point buys 0.5 hours of home care a week. The five home care prices
    are £14.00, £15.00, £15.56, £16.20 and £17.00 an hour: the market median is £15.56. The
    council's contracted rate is £14.00 an hour.

    - market basis: 0.5 x £15.56 = £7.78 a point;
    - contracted basis: 0.5 x £14.00 = £7.00 a point;
    - a 70% market / 30% contracted blend: 0.7 x £15.56 + 0.3 x £14.00 = £10.892 + £4.20 =
      £15.092, £15.09 an hour to the penny; 0.5 x £15.09 = £7.545, £7.55 a point (halves up).

    24 points then give £186.72, £168.00 and £181.20 a week."""
    reference_of = {}
    rates = {}
    for basis, share in (("market", D(100)), ("contracted", D(100)), ("blend", D(70))):
        scheme = draft(commissioner, home_care, rate_basis=basis, basis_market_percent=share)
        reference_of[basis] = scheme.reference_services.get()
        if basis == "market":
            record(commissioner, reference_of[basis], "14.00")
        rates[basis] = selectors.scheme_rate(scheme)
    assert {basis: rate.money_per_point for basis, rate in rates.items()} == {
        "market": D("7.78"),
        "contracted": D("7.00"),
        "blend": D("7.55"),
    }
    assert rates["blend"].references[0].rate == D("15.09")
    assert rates["blend"].source == (
        "Rates on the basis of 70% market median, 30% contracted rate: 0.5 x Home care per hour "
        "at £15.09 (70% of the market rate £15.56 (median of 5 services' standard prices), "
        "30% of the contracted rate £14.00)"
    )
    # The rate review of an activated blend keeps the basis figure and what it rests on, and
    # estimates use it: 24 points x £7.55 = £181.20.
    blend = rates["blend"].scheme
    services.scheme_version_activate(user=commissioner, scheme=blend)
    review = selectors.latest_review(blend)
    assert review.money_per_point == D("7.55")
    assert review.inputs[0] == {
        "name": "Home care per hour",
        "weight": "0.5000",
        "rate": "15.09",
        "services": 5,
        "basis": "standard (weekday daytime) price",
        "rate_basis": "70% market median, 30% contracted rate",
        "market_rate": "15.56",
        "contracted_rate": "14.00",
        "contracted_from": timezone.localdate().isoformat(),
    }
    assessment = services.assessment_create(
        user=make_user(), answers=services.AnswerInput(choices=FULL_ANSWERS)
    )
    assert assessment.money_per_point == D("7.55")
    assert assessment.weekly_budget == D("181.20")


def test_a_basis_that_needs_a_contracted_rate_has_no_rate_without_one(
    commissioner, home_care, priced_home_care
):
    scheme = draft(commissioner, home_care, rate_basis="contracted")
    rate = selectors.scheme_rate(scheme)
    assert rate.money_per_point is None
    message = (
        "There is no contracted rate for Home care per hour: record one on the market rate page."
    )
    assert message in rate.problems
    with pytest.raises(ValidationError, match="no contracted rate"):
        services.scheme_version_activate(user=commissioner, scheme=scheme)


@pytest.mark.parametrize("share", [D(0), D(100)])
def test_a_blend_states_a_share_between_the_two(commissioner, home_care, share):
    with pytest.raises(ValidationError) as error:
        draft(commissioner, home_care, rate_basis="blend", basis_market_percent=share)
    assert "basis_market_percent" in error.value.message_dict


def test_calibration_uses_the_chosen_basis(client, commissioner, home_care, priced_home_care):
    scheme = draft(commissioner, home_care, rate_basis="contracted")
    record(commissioner, scheme.reference_services.get(), "14.00")
    services.scheme_version_activate(user=commissioner, scheme=scheme)
    services.cases_import(
        user=commissioner,
        name="Reviews",
        text="client_group,points,weekly_cost\nolder-people,20,150\nolder-people,30,200\n",
    )
    client.force_login(commissioner)
    response = client.get("/commissioning/ras/calibration/")
    assert response.context["scheme_rate"].money_per_point == D("7.00")  # 0.5 x £14.00
    assert "The current rate is £7.00." in text_of(response)


# --- the market rate page ----------------------------------------------------------------------


URL = "/commissioning/ras/market-rate/"


def post_url(reference) -> str:
    return f"/commissioning/ras/reference-services/{reference.pk}/contracted-rate/"


def form_data(reference, amount="14.00", applies_from="2026-04-01", note="Framework 2026"):
    prefix = f"contracted-{reference.pk}"
    return {
        f"{prefix}-amount": amount,
        f"{prefix}-applies_from": applies_from,
        f"{prefix}-note": note,
    }


def test_the_market_rate_page_shows_market_contracted_and_the_gap(
    client, commissioner, home_care, priced_home_care
):
    scheme = draft(commissioner, home_care, rate_basis="blend", basis_market_percent=D(70))
    reference = scheme.reference_services.get()
    record(commissioner, reference, "14.00", note="Home care framework 2026")
    client.force_login(commissioner)
    page = BeautifulSoup(client.get(f"{URL}?version={scheme.version}").content, "html.parser")
    rows = {
        " ".join(row.dt.get_text(" ").split()): " ".join(row.dd.get_text(" ").split())
        for row in page.select(f"#contracted-{reference.pk} .govuk-summary-list__row")
    }
    today = timezone.localdate()
    assert rows == {
        "Market figure (median)": "£15.56 per hour",
        "Contracted figure": (
            f"£14 per hour, from {today.day} {today:%B %Y}: Home care framework 2026"
        ),
        # £15.56 - £14.00 = £1.56; 1.56 / 15.56 = 10.03%
        "Gap": "The contracted rate is £1.56 (10.0%) below the market median",
        "Rate used (70% market median, 30% contracted rate)": "£15.09 per hour",
    }
    basis = " ".join(page.select_one("#rate-basis").get_text(" ").split())
    assert "70% market median, 30% contracted rate" in basis


def test_commissioners_record_a_rate_from_the_page(client, commissioner, home_care):
    scheme = draft(commissioner, home_care)
    reference = scheme.reference_services.get()
    client.force_login(commissioner)
    response = client.post(post_url(reference), form_data(reference, amount="£1,014.50"))
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?version={scheme.version}#reference-{reference.pk}"
    rate = ContractedRate.objects.get()
    assert (rate.amount, rate.applies_from, rate.note) == (
        D("1014.50"),
        datetime.date(2026, 4, 1),
        "Framework 2026",
    )
    page = text_of(client.get(response["Location"]))
    assert "£1,014.50 per hour, from 1 April 2026: Framework 2026" in page


@pytest.mark.parametrize(
    "amount, applies_from, message",
    [
        ("", "2026-04-01", "Enter the contracted rate"),
        ("lots", "2026-04-01", "Enter the contracted rate as a number of pounds, like 24.50"),
        ("0", "2026-04-01", "The contracted rate must be more than zero"),
        ("-3", "2026-04-01", "The contracted rate must be more than zero"),
        ("14.005", "2026-04-01", "Enter the rate to the penny, like 24.50"),
        ("14.00", "", "Enter the date the rate applies from"),
        ("14.00", "31 February 2026", "Enter a real date, like 1 April 2026"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, commissioner, home_care, amount, applies_from, message
):
    scheme = draft(commissioner, home_care)
    reference = scheme.reference_services.get()
    client.force_login(commissioner)
    response = client.post(post_url(reference), form_data(reference, amount, applies_from))
    assert response.status_code == 400
    summary = BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary")
    assert message in summary.get_text(" ")
    assert not ContractedRate.objects.exists()


@pytest.mark.parametrize("role", [None, Role.PROVIDER_STAFF, Role.MODERATOR, Role.PRACTITIONER])
def test_who_may_not_record_a_rate_from_the_page(client, commissioner, home_care, role):
    scheme = draft(commissioner, home_care)
    reference = scheme.reference_services.get()
    roles = [role] if role else []
    client.force_login(make_provider() if role == Role.PROVIDER_STAFF else make_user("", *roles))
    response = client.post(post_url(reference), form_data(reference))
    assert response.status_code == 403
    assert client.get(URL).status_code == 403
    assert not ContractedRate.objects.exists()


def test_the_public_is_asked_to_sign_in(client, commissioner, home_care):
    scheme = draft(commissioner, home_care)
    reference = scheme.reference_services.get()
    response = client.post(post_url(reference), form_data(reference))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not ContractedRate.objects.exists()


def test_a_scheme_copy_keeps_its_basis(commissioner, home_care):
    scheme = draft(commissioner, home_care, rate_basis="blend", basis_market_percent=D(80))
    copy = services.scheme_version_copy(user=commissioner, source=scheme)
    assert (copy.rate_basis, copy.basis_market_percent) == (
        SchemeVersion.RateBasis.BLEND,
        D(80),
    )
