"""The Resource Allocation System's maths: pure Python on Decimal and frozen dataclasses.

No Django, no ORM: every rule of docs/DESIGN "Resource Allocation System" is a function here,
so table-driven tests can check it with worked numbers and the bench can time it.

- scoring answers to points by domain, with the informal-support reduction per question (applied
  only when the carer agrees: a carer's presence never reduces the allocation without consent);
- the carer element (its own points at its own rate);
- the market rate of a reference service (median of one figure per service: its standard
  price or a blend of price kinds; per locality when enough, outliers beyond a multiple of the
  interquartile range dropped);
- money per point = sum(weight x rate), each reference service's rate on the scheme's basis: the
  market median, the council's contracted rate, or a stated blend of the two;
- the indicative weekly budget (to the penny, within floor and ceiling);
- the tolerance verdict (below %, above %, cap);
- a budget against the cost of the support it replaced;
- calibration statistics (least squares per client group, R squared, share within tolerance,
  weekly spend under the current and a proposed rate).

Money is rounded by core.money.to_penny (to the penny, halves away from zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.money import PENNY, to_penny

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def to_tenth(value: Decimal) -> Decimal:
    """Percentages and points are shown to one decimal place, halves up."""
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """`part` of `whole` as a percentage to one decimal place (27 of 30 -> 90.0); 0 when empty."""
    if not whole:
        return to_tenth(ZERO)
    return to_tenth(Decimal(part) * HUNDRED / Decimal(whole))


class CalculatorError(ValueError):
    """Input the rules cannot score; `messages` say what is wrong in plain English."""

    def __init__(self, messages: Sequence[str]):
        self.messages = tuple(messages)
        super().__init__("; ".join(self.messages))


# --- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    key: str
    points: Decimal


@dataclass(frozen=True)
class Question:
    """A question in a domain. `informal_reduction_percent` is the share of the answer's points
    removed when informal support (family, friends, neighbours) meets this need."""

    key: str
    domain: str
    options: tuple[Option, ...]
    informal_reduction_percent: Decimal = ZERO
    carer: bool = False

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Answers:
    """What the person said: question key -> option key; the questions where informal support
    helps; whether the carer agrees to that support being counted."""

    choices: Mapping[str, str]
    informal_support: frozenset[str] = frozenset()
    carer_agrees: bool = False


@dataclass(frozen=True)
class Score:
    points_by_domain: tuple[tuple[str, Decimal], ...]
    carer_points: Decimal

    @property
    def points(self) -> Decimal:
        return sum((p for _, p in self.points_by_domain), ZERO)


def question_points(question: Question, option: Option, *, informal: bool) -> Decimal:
    """An answer's points, less the question's informal-support share when that support counts.

    Points are kept to two decimal places so a reduced answer (e.g. 3 points less 50%) is exact.
    """
    points = option.points
    if informal and not question.carer and question.informal_reduction_percent:
        points = points * (HUNDRED - question.informal_reduction_percent) / HUNDRED
    return points.quantize(PENNY, rounding=ROUND_HALF_UP)


def score(questions: Sequence[Question], answers: Answers) -> Score:
    """Points per domain (in the order domains first appear) and the carer's points.

    Every question must be answered with one of its options; otherwise CalculatorError lists
    each missing or unknown answer. Informal support only reduces points when the carer agrees.
    """
    errors = []
    by_domain: dict[str, Decimal] = {}
    carer_points = ZERO
    for question in questions:
        chosen = answers.choices.get(question.key)
        if chosen in (None, ""):
            errors.append(f"Question '{question.key}' is not answered.")
            continue
        option = question.option(str(chosen))
        if option is None:
            errors.append(f"'{chosen}' is not an answer to question '{question.key}'.")
            continue
        informal = answers.carer_agrees and question.key in answers.informal_support
        points = question_points(question, option, informal=informal)
        if question.carer:
            carer_points += points
        else:
            by_domain[question.domain] = by_domain.get(question.domain, ZERO) + points
    unknown = set(answers.choices) - {q.key for q in questions}
    errors.extend(f"'{key}' is not a question in this scheme." for key in sorted(unknown))
    if errors:
        raise CalculatorError(errors)
    # Domains with no person questions answered still show (with no points) when listed first.
    for question in questions:
        if not question.carer:
            by_domain.setdefault(question.domain, ZERO)
    return Score(points_by_domain=tuple(by_domain.items()), carer_points=carer_points)


# --- market rate ------------------------------------------------------------------------------


def quantile(sorted_values: Sequence[Decimal], p: Decimal) -> Decimal:
    """The p-quantile (0..1) by linear interpolation between closest ranks (the 'inclusive'
    method of Python's statistics and numpy's default), on a sorted, non-empty sequence."""
    if not sorted_values:
        raise CalculatorError(["No values."])
    position = (len(sorted_values) - 1) * p
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


@dataclass(frozen=True)
class RateSummary:
    """The market rate behind one reference service: median of the kept prices and its spread."""

    rate: Decimal
    count: int
    lower_quartile: Decimal
    upper_quartile: Decimal
    trimmed: int = 0
    lowest: Decimal = ZERO  # the lowest and highest price kept (outside them: outliers)
    highest: Decimal = ZERO


def market_rate(
    prices: Iterable[Decimal], *, iqr_multiple: Decimal | None = Decimal("1.5")
) -> RateSummary | None:
    """Median of the prices after dropping those beyond `iqr_multiple` x IQR outside the
    quartiles (no trimming when None or 0, or with fewer than four prices). None when no prices."""
    values = sorted(Decimal(p) for p in prices)
    if not values:
        return None
    kept = values
    if iqr_multiple and len(values) >= 4:
        q1, q3 = quantile(values, Decimal("0.25")), quantile(values, Decimal("0.75"))
        reach = (q3 - q1) * iqr_multiple
        kept = [v for v in values if q1 - reach <= v <= q3 + reach]
    return RateSummary(
        rate=to_penny(quantile(kept, Decimal("0.5"))),
        count=len(kept),
        lower_quartile=to_penny(quantile(kept, Decimal("0.25"))),
        upper_quartile=to_penny(quantile(kept, Decimal("0.75"))),
        trimmed=len(values) - len(kept),
        lowest=kept[0],
        highest=kept[-1],
    )


STANDARD_KIND = "standard"


def service_figure(
    prices: Iterable[tuple[str, Decimal]], *, blend: Mapping[str, Decimal] | None = None
) -> Decimal | None:
    """One service's figure in the market rate, from its (kind, amount) prices in the unit: its
    standard (weekday daytime) price, so a provider with evening, weekend and bank-holiday rates
    weighs once, not three times. With a `blend` ({kind: percent}, the rest standard), the
    blended price; a kind the service does not price counts at its standard price. Several
    prices of one kind count as their median. None without a standard price."""
    by_kind: dict[str, list[Decimal]] = {}
    for kind, amount in prices:
        by_kind.setdefault(kind, []).append(Decimal(amount))
    if not by_kind.get(STANDARD_KIND):
        return None

    def of(kind: str) -> Decimal:
        values = sorted(by_kind.get(kind) or by_kind[STANDARD_KIND])
        return quantile(values, Decimal("0.5"))

    shares = {k: Decimal(v) for k, v in (blend or {}).items() if k != STANDARD_KIND and v}
    standard_share = HUNDRED - sum(shares.values(), ZERO)
    if standard_share < 0:
        raise CalculatorError(["The blend of price kinds adds up to more than 100%."])
    total = of(STANDARD_KIND) * standard_share + sum(
        (of(kind) * share for kind, share in shares.items()), ZERO
    )
    return to_penny(total / HUNDRED)


def local_or_overall(
    overall: RateSummary | None, local: RateSummary | None, *, min_prices: int
) -> tuple[RateSummary | None, bool]:
    """The locality's rate when it rests on at least `min_prices` prices, else the overall one.
    Returns (summary, used_local)."""
    if local is not None and min_prices > 0 and local.count >= min_prices:
        return local, True
    return overall, False


@dataclass(frozen=True)
class RateComponent:
    """A reference service in the rate: how many units one point buys a week, at what price."""

    name: str
    weight: Decimal
    rate: Decimal | None
    # Why there is no rate, when the reason is not missing market prices (e.g. no contracted
    # rate recorded for a contracted basis).
    missing: str = ""

    @property
    def amount(self) -> Decimal | None:
        return None if self.rate is None else self.weight * self.rate


def money_per_point(components: Sequence[RateComponent]) -> Decimal:
    """sum(weight x market rate), to the penny. Refuses (CalculatorError) when there are no
    reference services or one has no price: a missing price must never become a zero budget."""
    if not components:
        raise CalculatorError(["The scheme has no reference services, so there is no rate."])
    missing = [c.name for c in components if c.rate is None]
    if missing:
        raise CalculatorError(
            [
                c.missing or f"There are no current market prices for {c.name}."
                for c in components
                if c.rate is None
            ]
        )
    return to_penny(sum((c.weight * c.rate for c in components if c.rate is not None), ZERO))


class RateBasis:
    MARKET = "market"
    CONTRACTED = "contracted"
    BLEND = "blend"


def basis_rate(
    *,
    basis: str,
    market: Decimal | None,
    contracted: Decimal | None,
    market_percent: Decimal = HUNDRED,
) -> Decimal | None:
    """A reference service's rate on the scheme's basis: the market median, the contracted rate,
    or the blend `market_percent`% market + the rest contracted, to the penny (70% of £28.00 +
    30% of £24.00 = £26.80). None when the basis needs a figure that is missing: a blend never
    falls back to one side."""
    if basis == RateBasis.CONTRACTED:
        return contracted
    if basis == RateBasis.BLEND:
        if market is None or contracted is None:
            return None
        share = Decimal(market_percent) / HUNDRED
        return to_penny(market * share + contracted * (1 - share))
    return market


@dataclass(frozen=True)
class RateGap:
    """The contracted rate against the market median: amount (contracted - market) and that as
    a percentage of the market median, to one decimal place (negative: contracted is lower)."""

    amount: Decimal
    percent: Decimal

    @property
    def size(self) -> Decimal:
        return abs(self.amount)

    @property
    def percent_size(self) -> Decimal:
        return abs(self.percent)


def rate_gap(*, market: Decimal | None, contracted: Decimal | None) -> RateGap | None:
    """How far the contracted rate is from the market median; None without both."""
    if market is None or contracted is None or not market:
        return None
    amount = to_penny(contracted - market)
    return RateGap(amount=amount, percent=percent(amount, market))


class RateMode:
    MARKET = "market"
    FROZEN = "frozen"
    MANUAL = "manual"


def effective_rate(*, mode: str, market: Decimal | None, fixed: Decimal | None) -> Decimal | None:
    """The money per point a scheme uses: the market figure, or the frozen / hand-set one."""
    if mode in (RateMode.FROZEN, RateMode.MANUAL):
        return fixed
    return market


# --- budget -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    weekly: Decimal
    unrounded: Decimal
    at_floor: bool = False
    at_ceiling: bool = False


def weekly_budget(
    *,
    points: Decimal,
    money_per_point: Decimal,
    carer_points: Decimal = ZERO,
    carer_rate: Decimal = ZERO,
    floor: Decimal | None = None,
    ceiling: Decimal | None = None,
) -> Budget:
    """points x money per point + carer points x carer rate, to the penny, within floor and
    ceiling (a person with no eligible points gets nothing, not the floor)."""
    if money_per_point <= 0:
        raise CalculatorError(["The money per point must be more than zero."])
    raw = points * money_per_point + carer_points * carer_rate
    weekly = to_penny(raw)
    if floor is not None and ZERO < weekly < floor:
        return Budget(weekly=to_penny(floor), unrounded=raw, at_floor=True)
    if ceiling is not None and weekly > ceiling:
        return Budget(weekly=to_penny(ceiling), unrounded=raw, at_ceiling=True)
    return Budget(weekly=weekly, unrounded=raw)


# --- tolerance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tolerance:
    below_percent: Decimal
    above_percent: Decimal
    cap: Decimal | None = None


# The papers' rule (Herefordshire, "my life, my choices", 3.2): within plus/minus a percentage
# and a capped amount of the indicative budget a practitioner may agree the plan under delegated
# authority; outside it, over or under, a panel decides.
WITHIN_LABEL = "Within tolerance: a practitioner can agree it"
OUTSIDE_LABEL = "Outside tolerance: a panel decides"


@dataclass(frozen=True)
class ToleranceVerdict:
    """A plan's weekly cost against its budget. `gap` = cost - budget (to the penny);
    `gap_percent` of the budget to one decimal place; `lower`/`upper` the accepted range."""

    within: bool
    budget: Decimal
    weekly_cost: Decimal
    gap: Decimal
    gap_percent: Decimal
    lower: Decimal
    upper: Decimal

    @property
    def label(self) -> str:
        return WITHIN_LABEL if self.within else OUTSIDE_LABEL


def tolerance_verdict(
    *, budget: Decimal, weekly_cost: Decimal, tolerance: Tolerance
) -> ToleranceVerdict:
    """Within when B(1 - below) <= C <= B(1 + above) and C - B <= cap (the cap only limits
    overspend). Compared exactly; the range is reported to the penny."""
    lower = budget * (HUNDRED - tolerance.below_percent) / HUNDRED
    upper = budget * (HUNDRED + tolerance.above_percent) / HUNDRED
    if tolerance.cap is not None:
        upper = min(upper, budget + tolerance.cap)
    gap = weekly_cost - budget
    gap_percent = to_tenth(gap * HUNDRED / budget) if budget else to_tenth(ZERO)
    return ToleranceVerdict(
        within=lower <= weekly_cost <= upper,
        budget=to_penny(budget),
        weekly_cost=to_penny(weekly_cost),
        gap=to_penny(gap),
        gap_percent=gap_percent,
        lower=to_penny(lower),
        upper=to_penny(upper),
    )


# --- cost before and after --------------------------------------------------------------------


@dataclass(frozen=True)
class CostChange:
    """A personal budget against the cost of the support it replaced (the cost before the RAS).
    `saving` = before - after (negative when the budget costs more); `percent_less` is the
    saving as a share of the cost before, to one decimal place."""

    before: Decimal
    after: Decimal
    saving: Decimal
    percent_less: Decimal


def cost_change(*, before: Decimal, after: Decimal) -> CostChange:
    """How much less (or more) the new weekly figure costs than the old one."""
    saving = to_penny(before - after)
    return CostChange(
        before=to_penny(before),
        after=to_penny(after),
        saving=saving,
        percent_less=percent(before - after, before),
    )


# --- calibration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    client_group: str
    points: Decimal
    weekly_cost: Decimal


@dataclass(frozen=True)
class Line:
    slope: Decimal
    intercept: Decimal

    def at(self, x: Decimal) -> Decimal:
        return self.intercept + self.slope * x


def least_squares(xs: Sequence[Decimal], ys: Sequence[Decimal]) -> tuple[Line, Decimal] | None:
    """The fitted line y = a + b x and its R squared (1 - SSres/SStot). None with fewer than
    two distinct x values (no line can be fitted). R squared is 1 when every y is the same and
    the line fits them, to avoid dividing by zero."""
    n = len(xs)
    if n < 2:
        return None
    sx = sum(xs, ZERO)
    sy = sum(ys, ZERO)
    sxx = sum((x * x for x in xs), ZERO)
    sxy = sum((x * y for x, y in zip(xs, ys, strict=True)), ZERO)
    syy = sum((y * y for y in ys), ZERO)
    denominator = n * sxx - sx * sx
    if denominator == 0:
        return None
    slope = (n * sxy - sx * sy) / denominator
    intercept = (sy - slope * sx) / n
    # SStot = sum (y - mean)^2 ; SSres = SStot - slope * Sxy_centred, both from the sums.
    ss_tot = syy - sy * sy / n
    ss_reg = slope * (sxy - sx * sy / n)
    r_squared = Decimal(1) if ss_tot == 0 else ss_reg / ss_tot
    return Line(slope=slope, intercept=intercept), r_squared


def rate_through_origin(cases: Sequence[Case]) -> Decimal | None:
    """The single money-per-point rate that best fits the cases (least squares through the
    origin: sum(xy) / sum(xx)), to the penny: a starting point for a proposed rate."""
    sxx = sum((c.points * c.points for c in cases), ZERO)
    if sxx == 0:
        return None
    return to_penny(sum((c.points * c.weekly_cost for c in cases), ZERO) / sxx)


@dataclass(frozen=True)
class GroupCalibration:
    client_group: str
    count: int
    line: Line | None
    r_squared: Decimal | None
    within_current: int
    within_proposed: int
    actual_spend: Decimal
    spend_current: Decimal
    spend_proposed: Decimal
    # Cases costing at or under their RAS figure at the current rate (Bath's measure: "within
    # the estimated budget"), beside "within tolerance".
    at_or_under_current: int = 0

    @property
    def share_within_current(self) -> Decimal:
        return percent(self.within_current, self.count)

    @property
    def share_at_or_under_current(self) -> Decimal:
        return percent(self.at_or_under_current, self.count)

    @property
    def share_within_proposed(self) -> Decimal:
        return percent(self.within_proposed, self.count)


@dataclass(frozen=True)
class Calibration:
    current_rate: Decimal
    proposed_rate: Decimal
    groups: tuple[GroupCalibration, ...]
    overall: GroupCalibration

    @property
    def spend_change(self) -> Decimal:
        return self.overall.spend_proposed - self.overall.spend_current


@dataclass(frozen=True)
class _Bounds:
    floor: Decimal | None
    ceiling: Decimal | None
    below: Decimal
    above: Decimal
    cap: Decimal | None


def _budget_fast(points: Decimal, rate: Decimal, bounds: _Bounds) -> Decimal:
    weekly = to_penny(points * rate)
    if bounds.floor is not None and ZERO < weekly < bounds.floor:
        return bounds.floor
    if bounds.ceiling is not None and weekly > bounds.ceiling:
        return bounds.ceiling
    return weekly


def _range(budget: Decimal, bounds: _Bounds) -> tuple[Decimal, Decimal]:
    # The same rule as tolerance_verdict, as an exact (lower, upper) pair: the bench checks
    # 200,000 cases, and budgets repeat (one per distinct points score), so ranges are cached.
    lower = budget * (HUNDRED - bounds.below) / HUNDRED
    upper = budget * (HUNDRED + bounds.above) / HUNDRED
    if bounds.cap is not None:
        upper = min(upper, budget + bounds.cap)
    return lower, upper


def _group(
    name: str, cases: Sequence[Case], current: Decimal, proposed: Decimal, bounds: _Bounds
) -> GroupCalibration:
    fit = least_squares([c.points for c in cases], [c.weekly_cost for c in cases])
    within_current = within_proposed = at_or_under = 0
    spend_current = spend_proposed = actual = ZERO
    cache: dict[Decimal, tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]] = {}
    for case in cases:
        figures = cache.get(case.points)
        if figures is None:
            at_current = _budget_fast(case.points, current, bounds)
            at_proposed = _budget_fast(case.points, proposed, bounds)
            figures = (
                at_current,
                *_range(at_current, bounds),
                at_proposed,
                *_range(at_proposed, bounds),
            )
            cache[case.points] = figures
        at_current, low_c, high_c, at_proposed, low_p, high_p = figures
        cost = case.weekly_cost
        spend_current += at_current
        spend_proposed += at_proposed
        actual += cost
        if low_c <= cost <= high_c:
            within_current += 1
        if cost <= at_current:
            at_or_under += 1
        if low_p <= cost <= high_p:
            within_proposed += 1
    return GroupCalibration(
        client_group=name,
        count=len(cases),
        line=fit[0] if fit else None,
        r_squared=fit[1] if fit else None,
        within_current=within_current,
        within_proposed=within_proposed,
        actual_spend=to_penny(actual),
        spend_current=to_penny(spend_current),
        spend_proposed=to_penny(spend_proposed),
        at_or_under_current=at_or_under,
    )


def calibrate(
    cases: Sequence[Case],
    *,
    current_rate: Decimal,
    proposed_rate: Decimal,
    tolerance: Tolerance,
    floor: Decimal | None = None,
    ceiling: Decimal | None = None,
) -> Calibration:
    """Per client group (alphabetical) and overall: the fitted line and R squared of points
    against actual weekly cost; how many cases' actual cost lies within tolerance of their RAS
    figure; the weekly spend if every case got its RAS figure, at the current and proposed
    rate. A proposed rate of zero or less is refused."""
    if proposed_rate <= 0:
        raise CalculatorError(["The proposed rate must be more than zero."])
    if current_rate <= 0:
        raise CalculatorError(["The current rate must be more than zero."])
    bounds = _Bounds(
        floor=floor,
        ceiling=ceiling,
        below=tolerance.below_percent,
        above=tolerance.above_percent,
        cap=tolerance.cap,
    )
    grouped: dict[str, list[Case]] = {}
    for case in cases:
        grouped.setdefault(case.client_group, []).append(case)
    groups = tuple(
        _group(name, grouped[name], current_rate, proposed_rate, bounds) for name in sorted(grouped)
    )
    overall = GroupCalibration(
        client_group="All cases",
        count=sum(g.count for g in groups),
        line=None,
        r_squared=None,
        within_current=sum(g.within_current for g in groups),
        within_proposed=sum(g.within_proposed for g in groups),
        actual_spend=sum((g.actual_spend for g in groups), ZERO),
        spend_current=sum((g.spend_current for g in groups), ZERO),
        spend_proposed=sum((g.spend_proposed for g in groups), ZERO),
        at_or_under_current=sum(g.at_or_under_current for g in groups),
    )
    return Calibration(
        current_rate=current_rate, proposed_rate=proposed_rate, groups=groups, overall=overall
    )


# --- a whole assessment -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """Everything a scheme version contributes to one assessment's figure."""

    questions: tuple[Question, ...]
    money_per_point: Decimal
    carer_rate: Decimal = ZERO
    floor: Decimal | None = None
    ceiling: Decimal | None = None
    tolerance: Tolerance = field(default_factory=lambda: Tolerance(Decimal(5), Decimal(5)))


@dataclass(frozen=True)
class Result:
    score: Score
    budget: Budget
    money_per_point: Decimal
    carer_rate: Decimal


def assess(rules: Rules, answers: Answers) -> Result:
    """Score the answers and turn the points into the indicative weekly budget."""
    result_score = score(rules.questions, answers)
    budget = weekly_budget(
        points=result_score.points,
        money_per_point=rules.money_per_point,
        carer_points=result_score.carer_points,
        carer_rate=rules.carer_rate,
        floor=rules.floor,
        ceiling=rules.ceiling,
    )
    return Result(
        score=result_score,
        budget=budget,
        money_per_point=rules.money_per_point,
        carer_rate=rules.carer_rate,
    )
