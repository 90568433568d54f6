"""Reads that span models: the shortlist and its comparison, a plan with its totals and notices,
the provider's inbox figures and their listings' usage by week."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from catalogue.models import Category, Organisation, Postcode, PriceOption, Service
from core.money import to_penny

from . import costing, reviews
from .models import (
    Enquiry,
    ListingWeek,
    PlanEvent,
    PlanLine,
    PlanLink,
    PlanOutcome,
    PlanReview,
    PlanReviewOutcome,
    PlanShare,
    ShortlistItem,
    SupportPlan,
)
from .services import week_start

# --- shortlist and compare --------------------------------------------------------------------


def shortlist_services(ids: list[int]) -> list[Service]:
    """The shortlisted services in the order they were added, with what the shortlist and
    compare pages show loaded in a fixed number of queries. Each has `is_visible`: False when
    the listing has since been hidden (suspended, archived, stale), so the page can say so."""
    if not ids:
        return []
    visible = set(Service.objects.visible().filter(pk__in=ids).values_list("pk", flat=True))
    services = {
        service.pk: service
        for service in Service.objects.filter(pk__in=ids)
        .select_related("organisation", "locality")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.select_related("parent")),
            "funding_accepted",
            "localities_served",
            Prefetch(
                "price_options",
                queryset=PriceOption.objects.current().order_by("sort_order", "pk"),
                to_attr="current_prices",
            ),
        )
    }
    ordered: list[Service] = [services[pk] for pk in ids if pk in services]
    for service in ordered:
        service.is_visible = service.pk in visible  # type: ignore[attr-defined]
    return ordered


@dataclass(frozen=True)
class UnitPrice:
    unit: str
    unit_label: str
    lowest: Decimal | None
    options: int


def reference_unit(service: Service) -> str:
    """The unit the service's first category compares prices in (e.g. per hour for home care)."""
    for category in service.categories.all():
        unit = category.reference_unit or (
            category.parent.reference_unit if category.parent else ""
        )
        if unit:
            return unit
    return ""


def price_per_reference_unit(service: Service) -> UnitPrice | None:
    """The lowest current price of the service in its reference unit, and how many it has."""
    unit = reference_unit(service)
    if not unit:
        return None
    from catalogue.models import Unit

    amounts = [o.amount for o in getattr(service, "current_prices", []) if o.unit == unit]
    return UnitPrice(
        unit=unit,
        unit_label=Unit(unit).label,
        lowest=min(amounts) if amounts else None,
        options=len(amounts),
    )


def distance_km(service: Service, postcode: Postcode | None) -> float | int | None:
    """Straight-line distance on the grid from the point the public may know (a hidden
    address's kilometre square); rounded to whole km when the address is hidden."""
    if postcode is None:
        return None
    return service.public_location.distance_km((postcode.easting, postcode.northing))


@dataclass
class CompareColumn:
    service: Service
    price: UnitPrice | None
    distance: float | int | None
    areas: list[str]


def compare_columns(services: list[Service], postcode: Postcode | None) -> list[CompareColumn]:
    """One column per shortlisted service, for the side-by-side comparison."""
    columns = []
    for service in services:
        areas = [locality.name for locality in service.localities_served.all()]
        columns.append(
            CompareColumn(
                service=service,
                price=price_per_reference_unit(service),
                distance=distance_km(service, postcode),
                areas=areas,
            )
        )
    return columns


# --- support plans ----------------------------------------------------------------------------


@dataclass
class LineView:
    line: PlanLine
    weekly_cost: Decimal
    notices: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    """The tolerance verdict, or why there is none (`verdict` None and `reason` set). A plan the
    council does not fund gets its cost against its figure in plain words (`plain`), never a
    verdict or panel wording."""

    verdict: Any = None
    reason: str = ""
    plain: bool = False


@dataclass(frozen=True)
class RouteTotal:
    """What one way of paying covers: a week, a year (52 weeks) and in one-off items."""

    paid_by: str
    isf_provider: str
    label: str
    weekly: Decimal
    one_off: Decimal

    @property
    def annual(self) -> Decimal:
        return costing.to_penny(self.weekly * costing.WEEKS_PER_YEAR)

    @property
    def first_year(self) -> Decimal:
        return costing.first_year_cost(self.annual, self.one_off)


ROUTE_ORDER = [*PlanLine.PaidBy.values, ""]


def route_totals(lines: list[PlanLine]) -> list[RouteTotal]:
    """The plan's paid lines added up by how they are paid (an individual service fund per
    provider; lines not decided yet together). The weekly figures add up to the plan's weekly
    total, as each line's cost is already rounded."""
    groups: dict[tuple[str, str], list[PlanLine]] = {}
    for line in lines:
        if line.kind == PlanLine.Kind.INFORMAL:
            continue
        groups.setdefault((line.paid_by, line.isf_provider), []).append(line)
    totals = [
        RouteTotal(
            paid_by=paid_by,
            isf_provider=provider,
            label=members[0].route_label,
            weekly=sum((line.weekly_cost for line in members), Decimal("0.00")),
            one_off=sum((line.one_off_cost for line in members), Decimal("0.00")),
        )
        for (paid_by, provider), members in groups.items()
    ]
    return sorted(totals, key=lambda t: (ROUTE_ORDER.index(t.paid_by), t.isf_provider.lower()))


@dataclass
class PlanSummary:
    """`lines` are costed a week (one-off items cost nothing a week and are in `one_offs`)."""

    plan: SupportPlan
    lines: list[LineView]
    weekly: Decimal
    annual: Decimal
    difference: Decimal | None
    tolerance: Verdict
    one_offs: list[LineView] = field(default_factory=list)
    one_off_total: Decimal = Decimal("0.00")
    first_year: Decimal = Decimal("0.00")
    routes: list[RouteTotal] = field(default_factory=list)

    @property
    def over_budget(self) -> bool:
        return self.difference is not None and self.difference < 0


def _line_notices(line: PlanLine, visible_ids: set[int], today: date) -> list[str]:
    """What the person should know about a line: the listing is hidden now, or its price moved."""
    if line.kind != PlanLine.Kind.SERVICE:
        return []
    notices = []
    service = line.service
    if service is None:
        return ["This service has been removed from the catalogue. Check with the provider."]
    if service.pk not in visible_ids:
        if service.status == Service.Status.SUSPENDED:
            notices.append(
                "The council has suspended this listing since it was added to the plan. "
                "Check with the provider, or choose another service."
            )
        elif service.organisation.status != Organisation.Status.ACTIVE:
            notices.append(
                "The provider's listings are not shown at the moment. Check with the provider."
            )
        else:
            notices.append(
                "This listing is no longer shown in the catalogue. Check with the provider."
            )
    option = line.price_option
    if option is None:
        notices.append("The provider has withdrawn this price. Ask them what it costs now.")
    else:
        expired = (option.valid_to is not None and option.valid_to < today) or (
            option.valid_from is not None and option.valid_from > today
        )
        if expired:
            notices.append("This price is not valid today. Ask the provider what it costs now.")
        elif option.amount != line.unit_amount or option.unit != line.unit:
            notices.append(
                f"The provider's price has changed to £{option.amount} since this line was "
                "added. The plan still uses the price it was costed at."
            )
    return notices


def council_funded(plan: SupportPlan) -> bool:
    """Whether the tolerance rule applies: only to a budget from a council assessment (a figure
    the council gave, or an assessment a practitioner recorded for the person), and never to a
    self-funder's plan or a person's own estimate."""
    if plan.money_management == SupportPlan.MoneyManagement.SELF_FUNDED:
        return False
    if plan.budget_source == SupportPlan.BudgetSource.COUNCIL:
        return True
    assessment = getattr(plan, "assessment", None)
    return (
        plan.budget_source == SupportPlan.BudgetSource.RAS
        and assessment is not None
        and bool(assessment.person_name)
    )


def _plain_comparison(plan: SupportPlan, weekly: Decimal) -> str:
    budget = plan.budget
    assert budget is not None
    gap = weekly - budget
    if gap == 0:
        return f"The plan costs £{weekly} a week: exactly your figure of £{budget} a week."
    side = "less" if gap < 0 else "more"
    return (
        f"The plan costs £{weekly} a week: £{abs(gap):.2f} {side} than your figure of "
        f"£{budget} a week."
    )


def tolerance_for(plan: SupportPlan, weekly: Decimal, *, has_lines: bool = True) -> Verdict:
    """The RAS verdict on the plan's weekly cost against its budget, or why there is none: no
    support yet (an empty plan has no verdict), no budget, a plan the council does not fund
    (plain words instead), or no published rules."""
    if not has_lines:
        return Verdict(reason="Add support to the plan to see what it costs against the budget.")
    if plan.budget is None:
        return Verdict(reason="Add the indicative budget to see whether the plan is within it.")
    if not council_funded(plan):
        return Verdict(reason=_plain_comparison(plan, weekly), plain=True)
    try:
        from marketplace.ras.selectors import plan_tolerance
    except ImportError:  # pragma: no cover - the RAS app is part of the product
        return Verdict(reason="The council's budget rules are not available.")
    assessment = getattr(plan, "assessment", None)
    verdict = plan_tolerance(budget=plan.budget, weekly_cost=weekly, assessment=assessment)
    if verdict is None:
        return Verdict(
            reason="The council has not published its budget tolerance rules yet, so we "
            "cannot say whether this plan could be agreed without a panel."
        )
    return Verdict(verdict=verdict)


def plan_summary(plan: SupportPlan, *, today: date | None = None) -> PlanSummary:
    """A plan's lines with their weekly costs and notices, its totals (costing.plan_totals),
    what is left of the budget and the tolerance verdict."""
    today = today or timezone.localdate()
    lines = list(
        plan.lines.select_related("service__organisation", "price_option")
        .prefetch_related("serves")
        .order_by("created_at", "pk")
    )
    service_ids = [line.service_id for line in lines if line.service_id]
    visible = set(Service.objects.visible().filter(pk__in=service_ids).values_list("pk", flat=True))
    views = [
        LineView(line, line.weekly_cost, _line_notices(line, visible, today))
        for line in lines
        if line.kind != PlanLine.Kind.ONE_OFF
    ]
    one_offs = [
        LineView(line, line.weekly_cost) for line in lines if line.kind == PlanLine.Kind.ONE_OFF
    ]
    one_off_total = costing.to_penny(
        sum((view.line.one_off_cost for view in one_offs), Decimal("0.00"))
    )
    totals = costing.plan_totals(view.weekly_cost for view in views)
    return PlanSummary(
        plan=plan,
        lines=views,
        weekly=totals.weekly,
        annual=totals.annual,
        difference=costing.budget_difference(plan.budget, totals.weekly),
        tolerance=tolerance_for(plan, totals.weekly, has_lines=bool(lines)),
        one_offs=one_offs,
        one_off_total=one_off_total,
        first_year=costing.first_year_cost(totals.annual, one_off_total),
        routes=route_totals(lines),
    )


def may_agree_under_delegation(plan: SupportPlan, summary: PlanSummary) -> bool:
    """Whether a practitioner may agree the plan at its cost: any plan the council does not
    fund; one it funds only within tolerance (else it goes to panel)."""
    if not council_funded(plan):
        return True
    verdict = summary.tolerance.verdict
    return verdict is not None and bool(verdict.within)


def history_of(plan: SupportPlan) -> list[PlanEvent]:
    """Every step in the plan's sign-off, oldest first: who, when, at what figure."""
    return list(plan.events.select_related("actor").order_by("created_at", "pk"))


def panel_queue(user) -> list[SupportPlan]:
    """Plans waiting for the panel, the longest waiting first (a member's own are left out:
    they cannot decide them)."""
    return list(
        SupportPlan.objects.filter(status=SupportPlan.Status.PANEL)
        .exclude(owner=user)
        .select_related("owner", "assessment")
        .order_by("referred_at", "pk")
    )


def plan_ids_shared_with(user) -> set[int]:
    """The plans shared with `user` (not revoked), as ids."""
    return set(
        PlanShare.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "plan_id", flat=True
        )
    )


def plans_for(user) -> QuerySet[SupportPlan]:
    """A person's own plans, those shared with them and, for a practitioner, their teams'
    (SupportPlan.objects.visible_to), each with its line count."""
    return (
        SupportPlan.objects.visible_to(user)
        .select_related("owner")
        .annotate(line_count=Count("lines", distinct=True))
        .order_by("-updated_at", "-pk")
    )


def shares_of(plan: SupportPlan) -> QuerySet[PlanShare]:
    return plan.shares.filter(revoked_at__isnull=True).select_related("user")


# --- provider inbox and usage -----------------------------------------------------------------


@dataclass(frozen=True)
class InboxFigures:
    """A provider's own inbox over the last `days` days."""

    days: int
    received: int
    replied: int
    waiting: int
    median_hours: float | None
    within_two_days: int

    @property
    def replied_percent(self) -> int | None:
        return round(100 * self.replied / self.received) if self.received else None


def _inbox(organisations, user):
    """The enquiries of `organisations`, only those `user` may read if given."""
    enquiries = Enquiry.objects.for_provider(user) if user is not None else Enquiry.objects.all()
    return enquiries.filter(organisation__in=organisations)


def inbox_figures(organisations, *, days: int = 90, now=None, user=None) -> InboxFigures:
    """Response times of the organisations' inbox: enquiries received in the last `days` days,
    how many have a reply, how many wait for one, the median hours to the first reply and how
    many were answered within 48 hours. With `user`, only the enquiries they may read."""
    now = now or timezone.now()
    rows = list(
        _inbox(organisations, user)
        .filter(created_at__gte=now - timedelta(days=days))
        .values_list("created_at", "first_replied_at", "status")
    )
    hours = [(replied - created).total_seconds() / 3600 for created, replied, _ in rows if replied]
    return InboxFigures(
        days=days,
        received=len(rows),
        replied=len(hours),
        waiting=sum(1 for _, _, status in rows if status == Enquiry.Status.NEW),
        median_hours=round(statistics.median(hours), 1) if hours else None,
        within_two_days=sum(1 for h in hours if h <= 48),
    )


def inbox_counts_by_organisation(organisations, *, user=None) -> dict[int, dict[str, int]]:
    """New (waiting for a reply) and open enquiries of each organisation, in one query; with
    `user`, only those they may read."""
    rows = (
        _inbox(organisations, user)
        .values("organisation")
        .annotate(
            new=Count("pk", filter=Q(status=Enquiry.Status.NEW)),
            open=Count("pk", filter=~Q(status=Enquiry.Status.CLOSED)),
        )
    )
    return {row["organisation"]: {"new": row["new"], "open": row["open"]} for row in rows}


@dataclass
class UsageRow:
    service: Service
    weeks: list[tuple[date, int, int, int]]
    views: int
    shortlists: int
    enquiries: int


def listings_usage(
    listings: dict[int, list[Service]], *, weeks: int = 8, today: date | None = None
) -> dict[int, list[UsageRow]]:
    """For each key (an organisation), the views, shortlists and enquiries of each of its
    listings in each of the last `weeks` weeks (Monday to Sunday, this week last). One query."""
    today = today or timezone.localdate()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    ids = [service.pk for services in listings.values() for service in services]
    counts = {
        (row.service_id, row.week): row
        for row in ListingWeek.objects.filter(service_id__in=ids, week__gte=first)
    }
    result: dict[int, list[UsageRow]] = {}
    for key, services in listings.items():
        rows = []
        for service in services:
            cells = []
            for monday in mondays:
                row = counts.get((service.pk, monday))
                cells.append(
                    (monday, row.views, row.shortlists, row.enquiries) if row else (monday, 0, 0, 0)
                )
            rows.append(
                UsageRow(
                    service=service,
                    weeks=cells,
                    views=sum(c[1] for c in cells),
                    shortlists=sum(c[2] for c in cells),
                    enquiries=sum(c[3] for c in cells),
                )
            )
        result[key] = rows
    return result


def listing_usage(organisation: Organisation, *, weeks: int = 8, today=None) -> list[UsageRow]:
    """One organisation's listings (not archived) and their usage by week."""
    services = list(
        Service.objects.filter(organisation=organisation)
        .exclude(status=Service.Status.ARCHIVED)
        .order_by("name")
    )
    return listings_usage({organisation.pk: services}, weeks=weeks, today=today)[organisation.pk]


# --- reviews and the figures commissioners see (issue 21) --------------------------------------


def reviews_of(plan: SupportPlan) -> list[PlanReview]:
    """A plan's reviews, the next one to do first, with what each recorded."""
    return list(
        plan.reviews.select_related("reviewed_by", "requested_by")
        .prefetch_related("outcomes")
        .order_by("status", "due_on", "pk")
    )


@dataclass(frozen=True)
class ReviewFigures:
    """Reviews due, overdue and done; outcomes achieved at review for people and for carers;
    unscheduled reviews and how many were within the new estimate; the most chosen outcomes."""

    today: date
    due: int
    overdue: int
    done: int
    achieved_people: reviews.Share
    achieved_carers: reviews.Share
    unscheduled: int
    within_new_estimate: reviews.Share
    top_outcomes: list[tuple[str, int]]


def review_figures(
    *, today: date | None = None, top: int = 5, own_words: bool = True
) -> ReviewFigures:
    """The commissioners' review figures, over agreed plans, in a fixed number of queries.

    The most chosen outcomes include those written in a person's own words for the council's
    own pages; with `own_words=False` (figures anyone may see, such as the market statement)
    they come only from the council's list, so a person's own words are never published."""
    from django.conf import settings

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PLANS_REVIEW_REMIND_DAYS)
    pending = PlanReview.objects.pending().filter(plan__status=SupportPlan.Status.AGREED)
    counts = pending.aggregate(
        due=Count("pk", filter=Q(due_on__gte=today, due_on__lte=horizon)),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    progress = PlanReviewOutcome.objects.filter(review__status=PlanReview.Status.DONE)
    by_audience: dict[str, list[str]] = {"person": [], "carer": []}
    for plan_for, value in progress.values_list("review__plan__plan_for", "progress"):
        by_audience.setdefault(plan_for, []).append(value)
    unscheduled = PlanReview.objects.done().filter(kind=PlanReview.Kind.UNSCHEDULED)
    pairs = unscheduled.exclude(new_estimate=None).exclude(weekly_cost=None)
    outcomes = PlanOutcome.objects.all() if own_words else PlanOutcome.objects.exclude(option=None)
    chosen = (
        outcomes.values("text")
        .annotate(plans=Count("plan", distinct=True))
        .order_by("-plans", "text")[:top]
    )
    return ReviewFigures(
        today=today,
        due=counts["due"],
        overdue=counts["overdue"],
        done=PlanReview.objects.done().count(),
        achieved_people=reviews.achieved_share(by_audience["person"]),
        achieved_carers=reviews.achieved_share(by_audience["carer"]),
        unscheduled=unscheduled.count(),
        within_new_estimate=reviews.within_estimate_share(
            pairs.values_list("weekly_cost", "new_estimate")
        ),
        top_outcomes=[(row["text"], row["plans"]) for row in chosen],
    )


def reassessments_for(review: PlanReview, *, user) -> list[Any]:
    """The RAS assessments `user` (the practitioner recording `review`) or their teams made of
    the plan's person since the review was set or asked for, newest first: a reassessment's
    figure becomes the review's new estimate, shown beside the budget it replaces. The person is
    matched by the e-mail address the assessment was sent to."""
    from marketplace.ras.models import Assessment

    owner = review.plan.owner
    if owner is None or not owner.email or not getattr(user, "is_authenticated", False):
        return []
    return list(
        Assessment.objects.caseload(user)
        .filter(
            person_email__iexact=owner.email,
            created_at__gte=review.created_at,
        )
        .order_by("-created_at", "-pk")[:5]
    )


# --- figures for the market statement (market_statement.readers) -------------------------------


@dataclass(frozen=True)
class ServiceActivity:
    """What people did with listings in a period, as service ids (a plan line also its plan)."""

    enquiries: list[int]
    shortlisted: list[int]
    planned: list[tuple[int, int]]


def service_activity(start, end) -> ServiceActivity:
    """Enquiries sent, services shortlisted and plan lines added between `start` and `end`."""
    return ServiceActivity(
        enquiries=list(
            Enquiry.objects.filter(created_at__gte=start, created_at__lte=end).values_list(
                "service_id", flat=True
            )
        ),
        shortlisted=list(
            ShortlistItem.objects.filter(added_at__gte=start, added_at__lte=end).values_list(
                "service_id", flat=True
            )
        ),
        planned=list(
            PlanLine.objects.filter(
                created_at__gte=start, created_at__lte=end, service__isnull=False
            ).values_list("service_id", "plan_id")
        ),
    )


# --- linked plans (a carer's and the cared-for person's) ---------------------------------------


@dataclass(frozen=True)
class LinkView:
    """A link as one owner sees it: the other plan only once both have confirmed."""

    link: PlanLink
    other: SupportPlan | None
    asked_by_me: bool

    @property
    def confirmed(self) -> bool:
        return self.link.is_linked


def links_of(plan: SupportPlan) -> list[LinkView]:
    """The plan's links still in force: confirmed ones (with the other plan) and requests
    waiting for an answer (sent from this plan; the other side has no plan on it yet)."""
    rows = (
        PlanLink.objects.of_plan(plan)
        .filter(ended_at__isnull=True)
        .select_related("from_plan__owner", "to_plan__owner")
    )
    views = []
    for link in rows:
        other = link.other_plan(plan) if link.is_linked else None
        views.append(LinkView(link=link, other=other, asked_by_me=link.from_plan_id == plan.pk))
    return views


# --- commissioner figures (issue 17) -----------------------------------------------------------


def _percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a percentage to one decimal place (None of nothing)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class FiguresRow:
    """One client group in one month (the month the estimate or assessment was made; the plans
    are those made from them, so a row follows its budgets through to agreement)."""

    client_group: str
    month: date | None
    estimates: int = 0
    assessments: int = 0
    submitted: int = 0
    agreed: int = 0
    agreed_budgets: list[Decimal] = field(default_factory=list)
    at_or_under: int = 0
    judged: int = 0
    within: int = 0
    before: list[tuple[Decimal, Decimal]] = field(default_factory=list)

    @property
    def indicative_budgets(self) -> int:
        return self.estimates + self.assessments

    @property
    def conversion(self) -> Decimal | None:
        """Plans submitted per indicative budget given (Surrey: '246 ... Indicative Weekly
        Budget', '81' with a support plan)."""
        return _percent(self.submitted, self.indicative_budgets)

    @property
    def average_weekly(self) -> Decimal | None:
        if not self.agreed_budgets:
            return None
        return to_penny(sum(self.agreed_budgets, Decimal("0")) / len(self.agreed_budgets))

    @property
    def average_annual(self) -> Decimal | None:
        weekly = self.average_weekly
        return None if weekly is None else to_penny(weekly * costing.WEEKS_PER_YEAR)

    @property
    def at_or_under_percent(self) -> Decimal | None:
        """Agreed budgets at or under the estimate (Bath: '27 (90%) ... within the estimated
        budget')."""
        return _percent(self.at_or_under, len(self.agreed_budgets))

    @property
    def within_percent(self) -> Decimal | None:
        return _percent(self.within, self.judged)

    @property
    def change_from_before(self) -> Decimal | None:
        """The average weekly change from the cost before the RAS to the agreed budget, over
        the agreed plans where that cost is known."""
        if not self.before:
            return None
        change = sum((agreed - before for agreed, before in self.before), Decimal("0"))
        return to_penny(change / len(self.before))

    def add(self, other: FiguresRow) -> None:
        for name in ("estimates", "assessments", "submitted", "agreed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("at_or_under", "judged", "within"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.agreed_budgets += other.agreed_budgets
        self.before += other.before


@dataclass
class CommissionerFigures:
    rows: list[FiguresRow]
    total: FiguresRow


NOT_RECORDED = "Not recorded"


def _month_of(moment) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def commissioner_figures(
    *, start: date | None = None, end: date | None = None
) -> CommissionerFigures:
    """Per client group and month of the estimate or assessment: estimates (anonymous), the
    assessments practitioners recorded, the plans made from them that were submitted and
    agreed, the conversion, the average agreed personal budget a week and a year, the share of
    agreed budgets at or under the estimate (Bath's measure) and within tolerance, and the
    change from the cost before the RAS where it is known. `start`/`end` bound the day the
    budget was given (inclusive)."""
    from marketplace.ras.models import Assessment, ClientGroup

    labels = dict(ClientGroup.choices)
    assessments = Assessment.objects.all()
    if start is not None:
        assessments = assessments.filter(created_at__date__gte=start)
    if end is not None:
        assessments = assessments.filter(created_at__date__lte=end)
    rows: dict[tuple[str, date], FiguresRow] = {}
    cohort: dict[int, FiguresRow] = {}
    for pk, person_name, group, created_at in assessments.values_list(
        "pk", "person_name", "client_group", "created_at"
    ):
        label = labels.get(group, NOT_RECORDED)
        month = _month_of(created_at)
        row = rows.setdefault((label, month), FiguresRow(client_group=label, month=month))
        if person_name:
            row.assessments += 1
        else:
            row.estimates += 1
        cohort[pk] = row
    submitted_ids = set(
        PlanEvent.objects.filter(
            kind=PlanEvent.Kind.SUBMITTED, plan__assessment_id__in=cohort
        ).values_list("plan_id", flat=True)
    )
    plans = SupportPlan.objects.filter(assessment_id__in=cohort).values_list(
        "pk",
        "assessment_id",
        "status",
        "budget",
        "agreed_budget",
        "agreed_within_tolerance",
        "cost_before_ras",
    )
    for pk, assessment_id, status, budget, agreed, within, before in plans:
        row = cohort[assessment_id]
        if pk in submitted_ids or status != SupportPlan.Status.DRAFT:
            row.submitted += 1
        if status != SupportPlan.Status.AGREED:
            continue
        row.agreed += 1
        if agreed is None:
            continue
        row.agreed_budgets.append(agreed)
        if budget is not None and agreed <= budget:
            row.at_or_under += 1
        if within is not None:
            row.judged += 1
            row.within += int(within)
        if before is not None:
            row.before.append((agreed, before))
    ordered = sorted(rows.values(), key=lambda r: (r.month or date.min, r.client_group))
    total = FiguresRow(client_group="All client groups", month=None)
    for row in ordered:
        total.add(row)
    return CommissionerFigures(rows=ordered, total=total)
