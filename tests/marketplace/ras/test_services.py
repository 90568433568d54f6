"""RAS services and selectors on the real database: assessments, versions, rates, calibration."""

import datetime
import io
import uuid
from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from catalogue import services as catalogue
from catalogue.models import Locality, PriceRecord
from marketplace.ras import selectors, services
from marketplace.ras.models import (
    AnswerOption,
    Assessment,
    CaseImport,
    HistoricCase,
    Question,
    SchemeVersion,
)
from tests.factories import CategoryFactory, LocalityFactory, make_user

from .conftest import FULL_ANSWERS, add_price, build_scheme

pytestmark = pytest.mark.django_db


def estimate(user=None, choices=FULL_ANSWERS, **kwargs):
    return services.assessment_create(
        user=user or make_user(), answers=services.AnswerInput(choices=choices), **kwargs
    )


# --- assessments ------------------------------------------------------------------------------


def test_24_points_at_the_market_rate_of_15_56_is_373_44(scheme):
    assessment = estimate()
    assert assessment.scheme_version == scheme
    assert assessment.points == D(24)
    assert assessment.points_by_domain == {"Personal care": "12.00", "Keeping safe": "12.00"}
    assert assessment.money_per_point == D("15.56")
    assert assessment.weekly_budget == D("373.44")
    assert (
        "Home care per hour at £15.56 (median of 5 services' standard prices)"
        in assessment.rate_source
    )
    assert assessment.person_name == ""


def test_carer_points_add_at_the_carer_rate(scheme):
    assessment = estimate(choices={**FULL_ANSWERS, "carer_hours": "many"})
    assert assessment.carer_points == D(5)
    assert assessment.weekly_budget == D("373.44") + 5 * D("6.00")


@pytest.mark.parametrize("agrees, points", [(True, D(20)), (False, D(24))])
def test_informal_support_reduces_points_only_when_the_carer_agrees(scheme, agrees, points):
    assessment = services.assessment_create(
        user=make_user(),
        answers=services.AnswerInput(
            choices=FULL_ANSWERS, informal=["washing"], carer_agrees=agrees
        ),
    )
    assert assessment.points == points
    assert assessment.answers == {
        "choices": FULL_ANSWERS,
        "informal": ["washing"],
        "carer_agrees": agrees,
    }


def test_the_floor_lifts_small_budgets(scheme):
    choices = {**FULL_ANSWERS, "washing": "none", "dressing": "none", "risk": "yes"}
    choices["washing"] = "some"  # 4 points at £15.56 = £62.24, above the floor
    assert estimate(choices=choices).weekly_budget == D("62.24")
    SchemeVersion.objects.filter(pk=scheme.pk).update(floor=D("100.00"))
    assert estimate(choices=choices).weekly_budget == D("100.00")


@pytest.mark.parametrize(
    "choices, message",
    [
        ({"washing": "all"}, "Question 'dressing' is not answered."),
        ({**FULL_ANSWERS, "risk": "maybe"}, "'maybe' is not an answer to question 'risk'."),
        ({**FULL_ANSWERS, "shoes": "yes"}, "'shoes' is not a question in this scheme."),
    ],
)
def test_missing_or_out_of_range_answers_save_nothing(scheme, choices, message):
    with pytest.raises(ValidationError) as error:
        estimate(choices=choices)
    assert message in error.value.messages
    assert not Assessment.objects.exists()


def test_only_practitioners_record_for_a_named_person(scheme, practitioner):
    for user in (make_user(), make_user("", *[]), None):
        with pytest.raises(PermissionDenied):
            services.assessment_create(
                user=user or make_user(),
                person_name="Alex Morgan",
                answers=services.AnswerInput(choices=FULL_ANSWERS),
            )
    assessment = estimate(practitioner, person_name="  Alex Morgan ")
    assert assessment.person_name == "Alex Morgan"
    assert assessment.recorded_by == practitioner
    assert list(Assessment.objects.recorded_by(practitioner)) == [assessment]


def test_anonymous_estimates_keep_no_user(scheme):
    from django.contrib.auth.models import AnonymousUser

    assessment = services.assessment_create(
        user=AnonymousUser(), answers=services.AnswerInput(choices=FULL_ANSWERS)
    )
    assert assessment.recorded_by is None


def test_a_scheme_with_no_reference_prices_gives_a_clear_message_not_zero(commissioner):
    empty = CategoryFactory(name="Day centres", slug="day-centres")
    scheme = build_scheme(commissioner, empty, activate=False)
    assert selectors.scheme_rate(scheme).money_per_point is None
    assert "There are no current market prices for Home care per hour." in (
        services.scheme_problems(scheme)
    )
    with pytest.raises(ValidationError, match="cannot be activated|no current market prices"):
        services.scheme_version_activate(user=commissioner, scheme=scheme)
    # Forced active (say prices were withdrawn since): the estimate refuses, saves nothing.
    SchemeVersion.objects.filter(pk=scheme.pk).update(status=SchemeVersion.Status.ACTIVE)
    with pytest.raises(ValidationError) as error:
        estimate()
    assert error.value.messages == [
        "The budget cannot be worked out at the moment.",
        "There are no current market prices for Home care per hour.",
    ]
    assert not Assessment.objects.exists()


def test_no_scheme_no_estimate(db):
    with pytest.raises(ValidationError, match="no resource allocation scheme"):
        estimate()


# --- market rates -----------------------------------------------------------------------------


def test_a_price_change_changes_money_per_point_by_the_expected_amount(commissioner, home_care):
    prices = [add_price(home_care, a) for a in ("14.00", "15.00", "15.56", "16.20", "17.00")]
    scheme = build_scheme(commissioner, home_care, weight="0.5")
    assert selectors.scheme_rate(scheme).money_per_point == D("7.78")  # 0.5 x 15.56
    middle = prices[2]
    catalogue.price_option_save(
        user=middle.service.organisation.memberships.first().user,
        service=middle.service,
        option=middle,
        label=middle.label,
        amount=D("16.00"),
        unit="hour",
    )
    # The median moves from £15.56 to £16.00: money per point rises by 0.5 x £0.44 = £0.22.
    assert selectors.scheme_rate(scheme).money_per_point == D("8.00")
    # The rate in force is the review taken when the version was activated: estimates keep
    # using £7.78 (24 x £7.78 = £186.72) until the next review, whatever providers change.
    before = estimate()
    assert before.weekly_budget == D("186.72")
    assert before.rate_review.money_per_point == D("7.78")
    review = services.rate_review_take(user=commissioner, scheme=scheme, note="Monthly")
    assert review.money_per_point == D("8.00")
    assert review.inputs == [
        {
            "name": "Home care per hour",
            "weight": "0.5000",
            "rate": "16.00",
            "services": 5,
            "basis": "standard (weekday daytime) price",
        }
    ]
    after = estimate()
    assert after.weekly_budget == D("192.00")  # 24 x £8.00
    assert after.rate_review == review
    assert "Rate review of" in after.rate_source
    # The earlier estimate keeps its figure and its review.
    before.refresh_from_db()
    assert before.weekly_budget == D("186.72") and before.rate_review != review


def test_only_commissioners_take_rate_reviews_and_the_monthly_command_does_too(
    commissioner, practitioner, scheme
):
    from django.core.management import call_command

    with pytest.raises(PermissionDenied):
        services.rate_review_take(user=practitioner, scheme=scheme)
    count = scheme.rate_reviews.count()
    out = io.StringIO()
    call_command("take_rate_review", stdout=out)
    assert scheme.rate_reviews.count() == count + 1
    latest = selectors.latest_review(scheme)
    assert latest.taken_by is None and latest.note == "Monthly review."
    assert "money per point in force is now £15.56 (was £15.56)" in out.getvalue()


def test_a_local_rate_is_kept_in_the_review(commissioner, home_care):
    town = LocalityFactory()
    for amount in ("10.00", "10.00", "12.00"):
        add_price(home_care, amount, localities=[town])
    for amount in ("20.00", "20.00", "20.00", "20.00"):
        add_price(home_care, amount)
    scheme = build_scheme(commissioner, home_care, min_locality_prices=3)
    review = selectors.latest_review(scheme)
    assert review.money_per_point == D("20.00")
    assert review.locality_rates == {str(town.pk): "10.00"}
    add_price(home_care, "11.00", localities=[town])  # no review since: no change
    assert estimate(locality=town).weekly_budget == D("240.00")  # 24 x £10.00


def test_market_rate_reads_only_public_current_prices_of_the_category_family(
    commissioner, home_care
):
    scheme = build_scheme(commissioner, home_care, activate=False)
    other = CategoryFactory(slug="cleaning")
    add_price(home_care, "20.00")  # sub-category of nothing: the category itself
    add_price(home_care.parent, "30.00")  # the parent does not count for a child reference
    add_price(other, "99.00")  # another category
    add_price(home_care, "500.00", unit="week")  # another unit
    add_price(home_care, "90.00", status="draft")  # not published
    stale = add_price(home_care, "80.00")
    stale.service.last_confirmed_at = timezone.now() - datetime.timedelta(days=800)
    stale.service.save()
    ended = add_price(home_care, "70.00")
    ended.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    ended.save()
    rate = selectors.scheme_rate(scheme)
    assert rate.references[0].overall.count == 1
    assert rate.money_per_point == D("20.00")


def test_a_provider_with_three_price_kinds_moves_the_rate_by_one_services_worth(
    commissioner, home_care
):
    for amount in ("14.00", "15.00", "16.00", "17.00"):
        add_price(home_care, amount)
    scheme = build_scheme(commissioner, home_care, activate=False)
    assert selectors.scheme_rate(scheme).money_per_point == D("15.50")  # median of 4
    # One more provider with weekday, evening/weekend and bank holiday rates: one service.
    weekday = add_price(home_care, "18.00")
    owner = weekday.service.organisation.memberships.first().user
    for label, amount, kind in (
        ("Evenings and weekends", "22.00", "evenings-weekends"),
        ("Bank holidays", "27.00", "bank-holidays"),
    ):
        catalogue.price_option_save(
            user=owner,
            service=weekday.service,
            label=label,
            amount=D(amount),
            unit="hour",
            kind=kind,
        )
    reference = selectors.scheme_rate(scheme).references[0]
    # Median of 14, 15, 16, 17, 18 = £16.00 (every price counted would give £17.00 of seven).
    assert reference.overall.rate == D("16.00") and reference.overall.count == 5
    assert selectors.scheme_rate(scheme).money_per_point == D("16.00")
    counted = {c.name: c for c in reference.counted}
    assert len(counted[weekday.service.name].prices) == 3
    assert counted[weekday.service.name].figure == D("18.00")


def test_a_commissioner_blend_of_price_kinds(commissioner, home_care):
    weekday = add_price(home_care, "20.00")
    catalogue.price_option_save(
        user=weekday.service.organisation.memberships.first().user,
        service=weekday.service,
        label="Weekends",
        amount=D("30.00"),
        unit="hour",
        kind="evenings-weekends",
    )
    add_price(home_care, "20.00")  # no weekend rate: its standard price stands in
    scheme = services.scheme_version_create(user=commissioner, name="Blend")
    services.reference_service_add(
        user=commissioner,
        scheme=scheme,
        name="Home care per hour",
        category=home_care,
        unit="hour",
        weight=D(1),
        blend={"evenings-weekends": D(20)},
    )
    # 80% x £20 + 20% x £30 = £22.00 and £20.00: median £21.00.
    rate = selectors.scheme_rate(scheme)
    assert rate.money_per_point == D("21.00")
    assert "80% standard, 20% evenings and weekends" in rate.source
    with pytest.raises(ValidationError):
        services.reference_service_add(
            user=commissioner,
            scheme=scheme,
            name="Too much",
            category=home_care,
            unit="hour",
            weight=D(1),
            blend={"evenings-weekends": D(60), "bank-holidays": D(50)},
        )


def test_partner_listings_do_not_count_in_the_market_rate(commissioner, home_care):
    from catalogue.models import PartnerSource

    add_price(home_care, "20.00")
    partner = PartnerSource.objects.create(name="Telford Council", slug="telford")
    imported = add_price(home_care, "40.00", partner_source=partner, external_id="t-1")
    scheme = build_scheme(commissioner, home_care, activate=False)
    reference = selectors.scheme_rate(scheme).references[0]
    assert reference.overall.count == 1 and reference.overall.rate == D("20.00")
    assert imported.service.name not in {c.name for c in reference.counted}
    # Nor in the history rebuilt from price records.
    history = selectors.rate_history(
        scheme.reference_services.get(), iqr_multiple=scheme.iqr_multiple
    )
    assert history[-1][1].rate == D("20.00") and history[-1][1].count == 1


def test_a_service_without_a_standard_price_is_listed_but_not_counted(commissioner, home_care):
    add_price(home_care, "20.00")
    weekend_only = add_price(home_care, "30.00")
    option = weekend_only
    catalogue.price_option_save(
        user=option.service.organisation.memberships.first().user,
        service=option.service,
        option=option,
        label="Weekends",
        amount=D("30.00"),
        unit="hour",
        kind="evenings-weekends",
    )
    scheme = build_scheme(commissioner, home_care, activate=False)
    reference = selectors.scheme_rate(scheme).references[0]
    assert reference.overall.count == 1
    statuses = {service.name: status for service, status in reference.counted_rows}
    assert statuses[weekend_only.service.name] == "Not counted: no standard price"


def test_a_parent_category_reference_includes_its_sub_categories(commissioner, home_care):
    add_price(home_care, "20.00")
    add_price(home_care.parent, "30.00")
    scheme = build_scheme(commissioner, home_care.parent, activate=False)
    assert selectors.scheme_rate(scheme).money_per_point == D("25.00")


def test_a_locality_gets_its_own_rate_only_with_enough_prices(commissioner, home_care):
    town = LocalityFactory()
    for amount in ("10.00", "10.00", "12.00"):
        add_price(home_care, amount, localities=[town])
    for amount in ("20.00", "20.00", "20.00", "20.00"):
        add_price(home_care, amount)
    scheme = build_scheme(commissioner, home_care, min_locality_prices=3)
    assert selectors.scheme_rate(scheme).money_per_point == D("20.00")  # median of all 7
    local = selectors.scheme_rate(scheme, locality=town)
    assert local.money_per_point == D("10.00")
    assert local.references[0].used_local
    assert estimate(locality=town).weekly_budget == D("240.00")
    SchemeVersion.objects.filter(pk=scheme.pk).update(min_locality_prices=4)
    scheme.refresh_from_db()
    assert selectors.scheme_rate(scheme, locality=town).money_per_point == D("20.00")
    rows = selectors.locality_rates(scheme.reference_services.get(), scheme=scheme)
    assert [(loc, s.rate, s.count, enough) for loc, s, enough in rows] == [
        (town, D("10.00"), 3, False)
    ]


def test_outliers_are_trimmed_from_the_rate(commissioner, home_care):
    for amount in ("10.00", "12.00", "14.00", "15.00", "100.00"):
        add_price(home_care, amount)
    scheme = build_scheme(commissioner, home_care, activate=False)
    reference = selectors.scheme_rate(scheme).references[0]
    assert (reference.overall.rate, reference.overall.trimmed) == (D("13.00"), 1)
    SchemeVersion.objects.filter(pk=scheme.pk).update(iqr_multiple=D(0))
    scheme.refresh_from_db()
    assert selectors.scheme_rate(scheme).money_per_point == D("14.00")


@pytest.mark.parametrize("mode", [SchemeVersion.RateMode.FROZEN, SchemeVersion.RateMode.MANUAL])
def test_a_frozen_or_hand_set_rate_ignores_price_changes(commissioner, home_care, mode):
    add_price(home_care, "15.56")
    scheme = build_scheme(
        commissioner, home_care, rate_mode=mode, fixed_rate=D("14.00"), rate_reason="Budget"
    )
    add_price(home_care, "99.00")
    rate = selectors.scheme_rate(scheme)
    assert rate.money_per_point == D("14.00")
    assert rate.market_rate is not None and rate.market_rate != D("14.00")
    assert "Budget" in rate.source


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"rate_mode": "manual", "rate_reason": "x"}, "fixed_rate"),
        ({"rate_mode": "frozen", "fixed_rate": D("10")}, "rate_reason"),
        ({"floor": D("100"), "ceiling": D("50")}, "ceiling"),
    ],
)
def test_scheme_settings_are_validated(commissioner, fields, field):
    with pytest.raises(ValidationError) as error:
        services.scheme_version_create(user=commissioner, name="Bad", **fields)
    assert field in error.value.message_dict


def test_rate_history_is_rebuilt_from_price_records(commissioner, home_care):
    scheme = build_scheme(commissioner, home_care, activate=False)
    first, second = add_price(home_care, "10.00"), add_price(home_care, "20.00")
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=200)
    # Back-dated records as if the two prices had been set 200 days ago at other amounts.
    for option, amount in ((first, "8.00"), (second, "16.00")):
        PriceRecord.objects.create(
            service=option.service,
            option_uuid=option.uuid,
            category=home_care,
            label=option.label,
            amount=D(amount),
            unit="hour",
            recorded_at=long_ago,
        )
    history = selectors.rate_history(
        scheme.reference_services.get(), iqr_multiple=scheme.iqr_multiple, today=today
    )
    assert len(history) == 12
    assert history[-1][0] == today
    assert history[-1][1].rate == D("15.00")  # today's prices 10 and 20
    assert history[-8][1].rate == D("12.00")  # five months ago: 8 and 16
    assert history[0][1] is None  # a year ago nothing was recorded
    with pytest.raises(TypeError):
        PriceRecord.objects.all().delete()


# --- versions ---------------------------------------------------------------------------------


def test_activating_a_version_retires_the_one_before(scheme, commissioner):
    draft = services.scheme_version_copy(user=commissioner, source=scheme)
    assert draft.status == SchemeVersion.Status.DRAFT
    assert draft.version == scheme.version + 1
    assert Question.objects.filter(domain__scheme=draft).count() == 4
    assert draft.reference_services.count() == 1
    services.scheme_version_activate(user=commissioner, scheme=draft)
    scheme.refresh_from_db()
    assert scheme.status == SchemeVersion.Status.RETIRED
    assert scheme.retired_at is not None
    assert list(SchemeVersion.objects.active()) == [draft]
    with pytest.raises(ValidationError, match="Only a draft"):
        services.scheme_version_activate(user=commissioner, scheme=scheme)


def test_an_old_assessment_recomputes_to_its_figure_after_a_new_version(
    scheme, commissioner, priced_home_care
):
    old = estimate()
    assert old.weekly_budget == D("373.44")
    draft = services.scheme_version_copy(user=commissioner, source=scheme, carer_rate=D("9"))
    washing = AnswerOption.objects.get(
        question__domain__scheme=draft, question__key="washing", key="all"
    )
    washing.points = D(20)
    washing.full_clean()
    washing.save()
    services.scheme_version_activate(user=commissioner, scheme=draft)
    for option in priced_home_care:
        catalogue.price_option_save(
            user=option.service.organisation.memberships.first().user,
            service=option.service,
            option=option,
            label=option.label,
            amount=option.amount + 5,
            unit="hour",
        )
    assert estimate().money_per_point == D("15.56")  # the review taken at activation
    services.rate_review_take(user=commissioner, scheme=draft)
    new = estimate()
    assert new.scheme_version == draft
    assert (new.points, new.money_per_point, new.weekly_budget) == (D(36), D("20.56"), D("740.16"))
    old.refresh_from_db()
    again = services.assessment_recompute(old)
    assert again.budget.weekly == old.weekly_budget == D("373.44")
    assert again.score.points == D(24)


def test_versions_in_use_are_frozen(scheme):
    question = Question.objects.filter(domain__scheme=scheme).first()
    question.text = "Changed"
    with pytest.raises(ValidationError, match="in use"):
        question.full_clean()
    option = question.options.first()
    with pytest.raises(ValidationError, match="in use"):
        option.full_clean()
    scheme.floor = D("1")
    with pytest.raises(ValidationError, match="in use"):
        scheme.full_clean()


def test_an_incomplete_draft_cannot_be_activated(commissioner, priced_home_care):
    draft = services.scheme_version_create(user=commissioner, name="Empty")
    with pytest.raises(ValidationError) as error:
        services.scheme_version_activate(user=commissioner, scheme=draft)
    assert "The scheme has no questions about the person's needs." in error.value.messages
    assert "The scheme has no reference services, so there is no rate." in error.value.messages


@pytest.mark.parametrize(
    "call",
    [
        lambda user, scheme: services.scheme_version_create(user=user, name="X"),
        lambda user, scheme: services.scheme_version_copy(user=user, source=scheme),
        lambda user, scheme: services.scheme_version_activate(user=user, scheme=scheme),
        lambda user, scheme: services.cases_import(
            user=user, name="X", text="client_group,points,weekly_cost\nA,1,2\n"
        ),
        lambda user, scheme: services.calibration_adopt_rate(user=user, proposed_rate=D("10")),
        lambda user, scheme: services.domain_add(user=user, scheme=scheme, name="X", slug="x"),
    ],
)
def test_only_commissioners_change_schemes_and_calibrate(scheme, practitioner, call):
    from core.roles import Role

    for user in (
        make_user(),
        practitioner,
        make_user("", Role.EDITOR),
        make_user("", Role.MODERATOR),
    ):
        with pytest.raises(PermissionDenied):
            call(user, scheme)


# --- tolerance --------------------------------------------------------------------------------


def test_plan_tolerance_uses_the_assessments_scheme(scheme, commissioner):
    assessment = estimate()
    verdict = selectors.plan_tolerance(
        budget=assessment.weekly_budget, weekly_cost=D("373.53"), assessment=assessment
    )
    assert verdict.within and verdict.label == "Within tolerance: a practitioner can agree it"
    assert verdict.gap == D("0.09")
    # A new version with a 0% tolerance does not change the old assessment's verdict...
    draft = services.scheme_version_copy(
        user=commissioner, source=scheme, tolerance_above_percent=D(0)
    )
    services.scheme_version_activate(user=commissioner, scheme=draft)
    assessment.refresh_from_db()
    assert selectors.plan_tolerance(
        budget=D("373.44"), weekly_cost=D("373.53"), assessment=assessment
    ).within
    # ...but a plan without an assessment is judged by the active scheme.
    verdict = selectors.plan_tolerance(budget=D("373.44"), weekly_cost=D("373.53"))
    assert not verdict.within
    assert verdict.label == "Outside tolerance: a panel decides"
    assert (verdict.gap, verdict.gap_percent) == (D("0.09"), D("0.0"))


def test_plan_tolerance_with_a_cap(commissioner, home_care, priced_home_care):
    build_scheme(commissioner, home_care, tolerance_above_percent=D(10), tolerance_cap=D("20"))
    verdict = selectors.plan_tolerance(budget=D("400.00"), weekly_cost=D("425.00"))
    assert (verdict.within, verdict.upper, verdict.gap_percent) == (False, D("420.00"), D("6.3"))


def test_plan_tolerance_without_a_scheme_is_none(db):
    assert selectors.plan_tolerance(budget=D("100"), weekly_cost=D("100")) is None


# --- calibration ------------------------------------------------------------------------------

GOOD_CSV = """client_group,points,weekly_cost
Older people,24,373.53
Older people,10,"£1,55.00"
Learning disability,30.5,500
"""


def test_cases_import(commissioner):
    text = (
        "client_group,points,weekly_cost\nOlder people,24,373.53\n\nLearning disability,30.5,£500\n"
    )
    case_import = services.cases_import(user=commissioner, name="Reviews", text=text)
    assert case_import.row_count == 2
    assert list(HistoricCase.objects.values_list("client_group", "points", "weekly_cost")) == [
        ("Older people", D(24), D("373.53")),
        ("Learning disability", D("30.5"), D(500)),
    ]
    cases = selectors.calibration_cases(case_import=case_import)
    assert cases[0].weekly_cost == D("373.53")


@pytest.mark.parametrize(
    "text, errors",
    [
        (
            "group,points,cost\nA,1,2\n",
            [(1, "The first row must be: client_group,points,weekly_cost")],
        ),
        ("client_group,points,weekly_cost\n", [(2, "The file has no cases.")]),
        (
            "client_group,points,weekly_cost\nA,1,2\n,3,4\nB,x,5\nC,-1,5\nD,2,5.555\nE,2\nF,2,1e400\nG,2,NaN\n",
            [
                (3, "The client group is missing."),
                (4, "Points 'x' is not a number."),
                (5, "Points must not be negative."),
                (6, "Weekly cost '5.555' has more than 2 decimal places."),
                (7, "Give a client group, points and a weekly cost."),
                (8, "Weekly cost '1e400' is too large."),
                (9, "Weekly cost 'NaN' is not a number."),
            ],
        ),
    ],
)
def test_a_csv_with_bad_rows_saves_nothing(commissioner, text, errors):
    with pytest.raises(services.CaseImportError) as error:
        services.cases_import(user=commissioner, name="Bad", text=text)
    assert error.value.row_errors == errors
    assert not CaseImport.objects.exists()
    assert not HistoricCase.objects.exists()


def test_adopting_a_proposed_rate_makes_a_new_draft(scheme, commissioner):
    draft = services.calibration_adopt_rate(
        user=commissioner, proposed_rate=D("14.20"), reason="Fits the reviews"
    )
    assert draft.status == SchemeVersion.Status.DRAFT
    assert (draft.rate_mode, draft.fixed_rate) == ("manual", D("14.20"))
    assert draft.rate_reason == "Fits the reviews"
    assert draft.based_on == scheme
    assert selectors.scheme_rate(draft).money_per_point == D("14.20")
    assert selectors.active_scheme() == scheme  # nothing changes until it is activated


@pytest.mark.parametrize("rate", [D(0), D("-1.00"), None])
def test_a_proposed_rate_of_zero_or_less_is_refused(scheme, commissioner, rate):
    with pytest.raises(ValidationError, match="more than zero"):
        services.calibration_adopt_rate(user=commissioner, proposed_rate=rate)
    assert SchemeVersion.objects.count() == 1


def test_a_results_uuid_is_unique(scheme):
    assert estimate().uuid != estimate().uuid
    assert isinstance(estimate().uuid, uuid.UUID)
    assert Locality.objects.count() == 0


def test_personal_data_export_and_erase(scheme, practitioner):
    from core import personal_data

    own = estimate(practitioner)
    named = estimate(practitioner, person_name="Alex Morgan")
    other = estimate()
    exported = personal_data.export_user_data(practitioner)["budget_estimates"]
    assert {row["id"] for row in exported} == {str(own.uuid), str(named.uuid)}
    assert {row["for"] for row in exported} == {"yourself", "Alex Morgan"}
    personal_data.erase_user(practitioner)
    assert not Assessment.objects.filter(pk=own.pk).exists()
    named.refresh_from_db()
    assert named.recorded_by is None  # the council's record of Alex Morgan stays
    assert Assessment.objects.filter(pk=other.pk).exists()


def test_freezing_the_rate_of_a_draft(scheme, commissioner, priced_home_care):
    draft = services.scheme_version_copy(user=commissioner, source=scheme)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.scheme_rate_freeze(user=commissioner, scheme=scheme, reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        services.scheme_rate_freeze(user=commissioner, scheme=draft, reason=" ")
    with pytest.raises(PermissionDenied):
        services.scheme_rate_freeze(user=make_user(), scheme=draft, reason="x")
    services.scheme_rate_freeze(user=commissioner, scheme=draft, reason="Budget round")
    for option in priced_home_care:
        option.delete()  # the market moves (here: vanishes); the frozen rate does not
    rate = selectors.scheme_rate(draft)
    assert (rate.money_per_point, rate.market_rate) == (D("15.56"), None)
    assert rate.source == "Frozen at a figure by the council: Budget round"
