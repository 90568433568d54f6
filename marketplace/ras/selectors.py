"""Reads of the RAS that span models: the active scheme, market rates from the catalogue,
a plan's tolerance verdict, price movement over time and the calibration cases.

The maths is in ras/calculator.py; these functions fetch the inputs and hand them over.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from catalogue.models import (
    Category,
    Locality,
    PriceKind,
    PriceOption,
    PriceRecord,
    Service,
)

from . import calculator
from .calculator import CalculatorError, RateSummary, Tolerance, ToleranceVerdict
from .models import (
    Assessment,
    ClientGroup,
    ContractedRate,
    Domain,
    HistoricCase,
    Question,
    RateReview,
    ReferenceService,
    SchemeVersion,
)


def active_scheme() -> SchemeVersion | None:
    """The scheme version in force (at most one is active: a database constraint)."""
    return SchemeVersion.objects.active().first()


def scheme_tolerance(scheme: SchemeVersion) -> Tolerance:
    return Tolerance(
        below_percent=scheme.tolerance_below_percent,
        above_percent=scheme.tolerance_above_percent,
        cap=scheme.tolerance_cap,
    )


def plan_tolerance(
    *, budget: Decimal, weekly_cost: Decimal, assessment: Assessment | None = None
) -> ToleranceVerdict | None:
    """A support plan's verdict: within tolerance of its budget (sign-off without panel) or not.

    Uses the tolerance settings of the scheme version the assessment was scored with, so an
    old plan keeps the rules it was made under; without an assessment, the active scheme's.
    None when there is no scheme to judge by.
    """
    scheme = assessment.scheme_version if assessment is not None else active_scheme()
    if scheme is None:
        return None
    return calculator.tolerance_verdict(
        budget=budget, weekly_cost=weekly_cost, tolerance=scheme_tolerance(scheme)
    )


# --- questions --------------------------------------------------------------------------------


def scheme_domains(scheme: SchemeVersion) -> list[Domain]:
    """The scheme's domains in order, each with its questions and their options loaded."""
    return list(
        scheme.domains.order_by("sort_order", "pk").prefetch_related(
            "questions__options",
        )
    )


def scheme_questions(scheme: SchemeVersion) -> tuple[calculator.Question, ...]:
    """The scheme's questions as the calculator sees them (carer questions flagged)."""
    questions = (
        Question.objects.filter(domain__scheme=scheme)
        .select_related("domain")
        .prefetch_related("options")
        .order_by("domain__sort_order", "domain__pk", "sort_order", "pk")
    )
    return tuple(
        calculator.Question(
            key=q.key,
            domain=q.domain.name,
            options=tuple(calculator.Option(key=o.key, points=o.points) for o in q.options.all()),
            informal_reduction_percent=q.informal_reduction_percent,
            carer=q.domain.kind == Domain.Kind.CARER,
        )
        for q in questions
    )


# --- market rates -----------------------------------------------------------------------------


def _category_family(category: Category) -> list[int]:
    return [category.pk, *Category.objects.filter(parent=category).values_list("pk", flat=True)]


@dataclass(frozen=True)
class CountedService:
    """One service in a reference service's market rate: its figure (standard price or blend)
    and every current price of it in the unit, so the market rate page can show what counted."""

    service_id: int
    name: str
    slug: str
    organisation: str
    figure: Decimal | None
    prices: tuple[tuple[str, str, Decimal], ...]  # (label, kind, amount)
    locality_ids: frozenset[int] = frozenset()

    @property
    def kinds(self) -> list[tuple[str, str, Decimal]]:
        """(label, kind in words, amount) for templates: 'standard', 'bank holidays'."""
        return [
            (
                label,
                "standard" if kind == PriceKind.STANDARD else PriceKind(kind).label.lower(),
                amount,
            )
            for label, kind, amount in self.prices
        ]


def counted_services(reference: ReferenceService, *, on=None) -> list[CountedService]:
    """The services behind a reference service's market rate, by name: published, not stale,
    own listings only (partner directories' listings are not the council's market), in the
    category family, with their current prices in the reference unit. Two queries."""
    services = (
        Service.objects.visible().own().filter(categories__in=_category_family(reference.category))
    )
    rows = (
        PriceOption.objects.current(on=on)
        .filter(unit=reference.unit, service__in=services.values("pk"))
        .order_by("service__name", "service_id", "sort_order", "pk")
        .values_list(
            "service_id",
            "service__name",
            "service__slug",
            "service__organisation__name",
            "label",
            "kind",
            "amount",
        )
    )
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    localities: dict[int, set[int]] = {}
    for service_id, locality_id in Service.localities_served.through.objects.filter(
        service_id__in=list(grouped)
    ).values_list("service_id", "locality_id"):
        localities.setdefault(service_id, set()).add(locality_id)
    blend = reference.blend
    result = []
    for service_id, service_rows in grouped.items():
        prices = tuple((label, kind, amount) for *_, label, kind, amount in service_rows)
        result.append(
            CountedService(
                service_id=service_id,
                name=service_rows[0][1],
                slug=service_rows[0][2],
                organisation=service_rows[0][3],
                figure=calculator.service_figure(
                    [(kind, amount) for _, kind, amount in prices], blend=blend
                ),
                prices=prices,
                locality_ids=frozenset(localities.get(service_id, ())),
            )
        )
    return result


def _figures(counted: list[CountedService], *, locality: Locality | None = None) -> list[Decimal]:
    return [
        c.figure
        for c in counted
        if c.figure is not None and (locality is None or locality.pk in c.locality_ids)
    ]


def current_prices(
    reference: ReferenceService, *, locality: Locality | None = None, on=None
) -> list[Decimal]:
    """One figure per service (its standard price or the reference's blend) from the
    services counted in the market rate; optionally only services serving `locality`."""
    return _figures(counted_services(reference, on=on), locality=locality)


def contracted_rate(
    reference: ReferenceService, *, on: datetime.date | None = None
) -> ContractedRate | None:
    """The council's contracted rate in force for the reference service's category and unit."""
    return ContractedRate.objects.in_force(
        category=reference.category_id, unit=reference.unit, on=on
    )


def contracted_rate_history(reference: ReferenceService) -> list[ContractedRate]:
    """Every contracted rate recorded for the reference service's category and unit, latest
    start first (the history is never edited)."""
    return list(
        ContractedRate.objects.filter(category=reference.category_id, unit=reference.unit)
        .select_related("recorded_by")
        .order_by("-applies_from", "-recorded_at", "-pk")
    )


@dataclass(frozen=True)
class ReferenceRate:
    reference: ReferenceService
    overall: RateSummary | None
    local: RateSummary | None
    used: RateSummary | None
    used_local: bool
    counted: tuple[CountedService, ...] = ()
    contracted: ContractedRate | None = None
    basis: str = SchemeVersion.RateBasis.MARKET
    market_percent: Decimal = Decimal(100)

    @property
    def market(self) -> Decimal | None:
        """The market median used (the locality's where it has its own)."""
        return self.used.rate if self.used is not None else None

    @property
    def contracted_amount(self) -> Decimal | None:
        return self.contracted.amount if self.contracted is not None else None

    @property
    def rate(self) -> Decimal | None:
        """The rate on the scheme's basis: market median, contracted rate or their blend."""
        return calculator.basis_rate(
            basis=self.basis,
            market=self.market,
            contracted=self.contracted_amount,
            market_percent=self.market_percent,
        )

    @property
    def gap(self) -> calculator.RateGap | None:
        """The contracted rate against the market median (amount and percent)."""
        return calculator.rate_gap(market=self.market, contracted=self.contracted_amount)

    @property
    def missing(self) -> str:
        """Why there is no rate on the basis, when a contracted rate is what is missing."""
        if self.basis != SchemeVersion.RateBasis.MARKET and self.contracted is None:
            return (
                f"There is no contracted rate for {self.reference.name}: record one on the "
                "market rate page."
            )
        return ""

    @property
    def basis_words(self) -> str:
        """How the rate was reached, for the scheme's source text."""
        market = (
            f"{'local median of' if self.used_local else 'median of'} {self.used.count} "
            "services' "
            + (self.reference.blend_text if self.reference.blend else "standard prices")
            if self.used is not None
            else ""
        )
        if self.basis == SchemeVersion.RateBasis.CONTRACTED and self.contracted is not None:
            return f"contracted rate from {self.contracted.applies_from:%-d %B %Y}"
        if self.basis == SchemeVersion.RateBasis.BLEND and self.contracted is not None:
            share = self.market_percent.normalize()
            return (
                f"{share:f}% of the market rate £{self.market} ({market}), "
                f"{(100 - share).normalize():f}% of the contracted rate £{self.contracted.amount}"
            )
        return market

    @property
    def counted_rows(self) -> list[tuple[CountedService, str]]:
        """Each service with what became of it: counted, an outlier left out, or no standard
        price (so not counted)."""
        summary = self.overall
        rows = []
        for service in self.counted:
            if service.figure is None:
                status = "Not counted: no standard price"
            elif summary is not None and not (summary.lowest <= service.figure <= summary.highest):
                status = "Left out: an outlier"
            else:
                status = "Counted"
            rows.append((service, status))
        return rows

    @property
    def amount(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else self.reference.weight * rate


@dataclass(frozen=True)
class SchemeRate:
    """The money per point a scheme gives now, with what it rests on and any problem."""

    scheme: SchemeVersion
    references: tuple[ReferenceRate, ...]
    market_rate: Decimal | None
    money_per_point: Decimal | None
    source: str
    problems: tuple[str, ...] = field(default=())
    locality: Locality | None = None
    review: RateReview | None = None


def reference_rate(
    reference: ReferenceService, *, scheme: SchemeVersion, locality: Locality | None = None
) -> ReferenceRate:
    """One reference service's market rate: the median of one figure per service (its standard
    price or the reference's blend; own listings only), the locality's when it has at least the
    scheme's minimum number of services, else over all of them (outliers trimmed)."""
    counted = counted_services(reference)
    overall = calculator.market_rate(_figures(counted), iqr_multiple=scheme.iqr_multiple)
    local = None
    if locality is not None:
        local = calculator.market_rate(
            _figures(counted, locality=locality), iqr_multiple=scheme.iqr_multiple
        )
    used, used_local = calculator.local_or_overall(
        overall, local, min_prices=scheme.min_locality_prices
    )
    return ReferenceRate(
        reference=reference,
        overall=overall,
        local=local,
        used=used,
        used_local=used_local,
        counted=tuple(counted),
        contracted=contracted_rate(reference),
        basis=scheme.rate_basis,
        market_percent=scheme.basis_market_percent,
    )


def scheme_rate(scheme: SchemeVersion, *, locality: Locality | None = None) -> SchemeRate:
    """Money per point = sum(weight x rate) over the scheme's reference services, each rate on
    the scheme's basis (market median, contracted rate or their stated blend), or the frozen /
    hand-set figure. With no reference prices (or no contracted rate the basis needs) there is
    no rate (and a message), never a zero."""
    references = tuple(
        reference_rate(r, scheme=scheme, locality=locality)
        for r in scheme.reference_services.select_related("category").order_by("sort_order", "pk")
    )
    problems: list[str] = []
    market: Decimal | None = None
    try:
        market = calculator.money_per_point(
            [
                calculator.RateComponent(
                    name=r.reference.name,
                    weight=r.reference.weight,
                    rate=r.rate,
                    missing=r.missing,
                )
                for r in references
            ]
        )
    except CalculatorError as error:
        problems.extend(error.messages)
    rate = calculator.effective_rate(mode=scheme.rate_mode, market=market, fixed=scheme.fixed_rate)
    if scheme.rate_mode == SchemeVersion.RateMode.MARKET:
        parts = [
            f"{r.reference.weight.normalize():f} x {r.reference.name} at £{r.rate} "
            f"({r.basis_words})"
            for r in references
            if r.rate is not None
        ]
        lead = (
            "Market prices in the catalogue: "
            if scheme.rate_basis == SchemeVersion.RateBasis.MARKET
            else f"Rates on the basis of {scheme.basis_text}: "
        )
        source = lead + "; ".join(parts) if parts else ""
    else:
        source = f"{scheme.get_rate_mode_display()} by the council: {scheme.rate_reason}"
        problems = []
    return SchemeRate(
        scheme=scheme,
        references=references,
        market_rate=market,
        money_per_point=rate,
        source=source,
        problems=tuple(problems) if rate is None else (),
        locality=locality,
    )


# --- the rate in force -------------------------------------------------------------------------


def latest_review(scheme: SchemeVersion) -> RateReview | None:
    return scheme.rate_reviews.select_related("taken_by").order_by("-taken_at", "-pk").first()


def rate_in_force(scheme: SchemeVersion, *, locality: Locality | None = None) -> SchemeRate:
    """The money per point estimates and assessments use: for a market-following scheme, the
    latest rate review's figure (the locality's, where it had its own rate), so the figure does
    not drift as providers edit prices; live prices only before the first review. A frozen or
    hand-set rate is its own figure."""
    review = latest_review(scheme) if scheme.rate_mode == SchemeVersion.RateMode.MARKET else None
    if review is None:
        return scheme_rate(scheme, locality=locality)
    return SchemeRate(
        scheme=scheme,
        references=(),
        market_rate=review.money_per_point,
        money_per_point=review.rate_for(locality),
        source=f"Rate review of {timezone.localtime(review.taken_at):%-d %B %Y}: {review.source}",
        locality=locality,
        review=review,
    )


def review_effect(in_force: Decimal | None, today: Decimal | None) -> Decimal | None:
    """How much budgets would move (%) if a review were taken today, to one decimal place."""
    if not in_force or today is None:
        return None
    return calculator.percent(today - in_force, in_force)


# --- price movement ---------------------------------------------------------------------------


def month_ends(*, months: int, today: datetime.date | None = None) -> list[datetime.date]:
    """The last day of each of the past `months` months, oldest first, ending with today."""
    day = today or timezone.localdate()
    points = [day]
    first = day.replace(day=1)
    for _ in range(months - 1):
        last = first - datetime.timedelta(days=1)
        points.append(last)
        first = last.replace(day=1)
    return sorted(points)


def rate_history(
    reference: ReferenceService,
    *,
    iqr_multiple: Decimal | None,
    months: int = 12,
    today: datetime.date | None = None,
) -> list[tuple[datetime.date, RateSummary | None]]:
    """The reference service's market rate at each month end, rebuilt from the append-only
    price history: at each date, the latest record of every price option recorded by then
    (withdrawals have no amount), if valid that day; one figure per own service, as today."""
    tz = timezone.get_current_timezone()
    categories = _category_family(reference.category)
    records = list(
        PriceRecord.objects.filter(
            Q(category__in=categories) | Q(service__categories__in=categories),
            unit=reference.unit,
            service__partner_source__isnull=True,
        )
        .distinct()
        .order_by("recorded_at", "pk")
        .values_list(
            "option_uuid", "service_id", "kind", "amount", "valid_from", "valid_to", "recorded_at"
        )
    )
    blend = reference.blend
    history = []
    index = 0
    latest: dict = {}
    for day in month_ends(months=months, today=today):
        cutoff = datetime.datetime.combine(day, datetime.time.max, tzinfo=tz)
        while index < len(records) and records[index][6] <= cutoff:
            option, service_id, kind, amount, valid_from, valid_to, _ = records[index]
            latest[option] = (service_id, kind, amount, valid_from, valid_to)
            index += 1
        by_service: dict[int, list[tuple[str, Decimal]]] = {}
        for service_id, kind, amount, valid_from, valid_to in latest.values():
            if (
                amount is not None
                and (valid_from is None or valid_from <= day)
                and (valid_to is None or valid_to >= day)
            ):
                by_service.setdefault(service_id, []).append((kind, amount))
        figures = [
            figure
            for prices in by_service.values()
            if (figure := calculator.service_figure(prices, blend=blend)) is not None
        ]
        history.append((day, calculator.market_rate(figures, iqr_multiple=iqr_multiple)))
    return history


def locality_rates(reference: ReferenceService, *, scheme: SchemeVersion) -> list[tuple]:
    """(locality, summary, enough services for a local rate?) for every locality with a priced
    service, by name (a service serving several localities counts in each)."""
    counted = counted_services(reference)
    by_locality: dict[int, list[Decimal]] = {}
    for service in counted:
        if service.figure is None:
            continue
        for locality_id in service.locality_ids:
            by_locality.setdefault(locality_id, []).append(service.figure)
    result = []
    for locality in Locality.objects.filter(pk__in=by_locality).order_by("name"):
        summary = calculator.market_rate(by_locality[locality.pk], iqr_multiple=scheme.iqr_multiple)
        if summary is not None:
            result.append((locality, summary, summary.count >= scheme.min_locality_prices))
    return result


# --- calibration ------------------------------------------------------------------------------


CODE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")


def client_group_names() -> dict[str, str]:
    """Each client group's name by its code and by its name in lower case."""
    names: dict[str, str] = {}
    from catalogue.models import ClientGroup as CatalogueClientGroup

    for slug, name in CatalogueClientGroup.objects.values_list("slug", "name"):
        names[slug] = name
        names[name.lower()] = name
    return names


def group_name(value: str, names: dict[str, str]) -> str:
    """What an uploaded client group is called on the page (issue 20: uploads showed raw codes
    such as "learning-disability"): the catalogue's name for a code or name it knows, else the
    code in words ("mental-health" -> "Mental health"), else the text as uploaded."""
    text = value.strip()
    if text.lower() in names:
        return names[text.lower()]
    if CODE.fullmatch(text):
        return re.sub(r"[-_]", " ", text).capitalize()
    return text


AGREED_PLANS = "agreed"


def agreed_plan_cases() -> list[calculator.Case]:
    """The product's own decisions as calibration cases: each agreed support plan made from an
    assessment, as its client group, the assessment's points and the agreed personal budget."""
    labels = dict(ClientGroup.choices)
    rows = Assessment.objects.filter(
        support_plans__status="agreed", support_plans__agreed_budget__isnull=False
    ).values_list("client_group", "points", "support_plans__agreed_budget")
    return [
        calculator.Case(
            client_group=labels.get(group, "Client group not recorded"),
            points=points,
            weekly_cost=agreed,
        )
        for group, points, agreed in rows
        if agreed is not None
    ]


def calibration_cases(*, case_import=None, source: str = "") -> list[calculator.Case]:
    """Cases as the calculator sees them: one upload's (`case_import`), the agreed plans only
    (`source` AGREED_PLANS), or every upload and every agreed plan; uploaded client groups by
    their names, so a code and its name are one group."""
    if source == AGREED_PLANS:
        return agreed_plan_cases()
    cases = HistoricCase.objects.all()
    if case_import is not None:
        cases = cases.filter(case_import=case_import)
    names = client_group_names()
    uploaded = [
        calculator.Case(client_group=group_name(group, names), points=points, weekly_cost=cost)
        for group, points, cost in cases.values_list("client_group", "points", "weekly_cost")
    ]
    return uploaded if case_import is not None else uploaded + agreed_plan_cases()


# --- figures for the market statement (market_statement.readers) -------------------------------


@dataclass(frozen=True)
class MonthlyRate:
    """The active scheme's money per point now, and at each month end (None where the market
    gave no rate)."""

    scheme_name: str
    scheme_version: int
    market_mode: bool
    rate_mode_label: str
    money_per_point: Decimal | None
    problems: tuple[str, ...]
    source: str
    months: list[tuple[datetime.date, Decimal | None]]
    basis_text: str = "the market median"


def _rate_of(summary: RateSummary | None) -> Decimal | None:
    return summary.rate if summary is not None else None


def monthly_rate(months: int) -> MonthlyRate | None:
    """The active scheme's rate over the past `months` months; None with no active scheme.

    Following the market, each month's rate is the weighted sum of the reference services'
    rates that month on the scheme's basis: the market median rebuilt from the price history,
    the contracted rate in force at that month end, or their blend (no figure before the first
    contracted rate applied). A hand-set or frozen rate is shown only for the months it was in
    force (from the version's activation; today's row always), never back-filled over months
    when another rate applied."""
    scheme = active_scheme()
    if scheme is None:
        return None
    current = scheme_rate(scheme)
    references = list(
        scheme.reference_services.select_related("category").order_by("sort_order", "pk")
    )
    histories = [
        rate_history(r, iqr_multiple=scheme.iqr_multiple, months=months) for r in references
    ]
    market_mode = scheme.rate_mode == SchemeVersion.RateMode.MARKET
    contracted_basis = scheme.rate_basis != SchemeVersion.RateBasis.MARKET
    in_force_from = (
        timezone.localdate(scheme.activated_at) if scheme.activated_at is not None else None
    )
    days = [day for day, _summary in (histories[0] if histories else [])]
    rows: list[tuple[datetime.date, Decimal | None]] = []
    for index, day in enumerate(days):
        rate: Decimal | None
        if market_mode:
            try:
                rate = calculator.money_per_point(
                    [
                        calculator.RateComponent(
                            name=r.name,
                            weight=r.weight,
                            rate=calculator.basis_rate(
                                basis=scheme.rate_basis,
                                market=_rate_of(history[index][1]),
                                contracted=(
                                    getattr(contracted_rate(r, on=day), "amount", None)
                                    if contracted_basis
                                    else None
                                ),
                                market_percent=scheme.basis_market_percent,
                            ),
                        )
                        for r, history in zip(references, histories, strict=True)
                    ]
                )
            except CalculatorError:
                rate = None
        else:
            in_force = index == len(days) - 1 or (
                in_force_from is not None and day >= in_force_from
            )
            rate = scheme.fixed_rate if in_force else None
        rows.append((day, rate))
    return MonthlyRate(
        scheme_name=scheme.name,
        scheme_version=scheme.version,
        market_mode=market_mode,
        rate_mode_label=scheme.get_rate_mode_display(),
        money_per_point=current.money_per_point,
        problems=tuple(current.problems),
        source=current.source,
        months=rows,
        basis_text=scheme.basis_text,
    )
