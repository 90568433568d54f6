"""Writes of the RAS: scheme versions, assessments, historic cases, adopting a rate.

Each function is keyword-only, checks who may act, validates and saves in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.models import Locality
from core import limits
from core.email import addresses_of, require_sent_to, send_email
from core.money import to_penny

from . import calculator, selectors
from .models import (
    AnswerOption,
    Assessment,
    AssessmentTeamMove,
    CaseImport,
    ContractedRate,
    Domain,
    HistoricCase,
    PractitionerTeam,
    Question,
    RateReview,
    ReferenceService,
    SchemeVersion,
)
from .permissions import (
    require_commissioner,
    require_practitioner,
    require_works_on_assessment,
    team_ids_of,
)

# --- scheme versions --------------------------------------------------------------------------


@transaction.atomic
def scheme_version_create(*, user, name: str, **settings: Any) -> SchemeVersion:
    """A commissioner starts a new, empty draft version."""
    require_commissioner(user)
    scheme = SchemeVersion(name=name, created_by=user if user.is_authenticated else None)
    for field_name, value in settings.items():
        setattr(scheme, field_name, value)
    scheme.full_clean()
    scheme.save()
    return scheme


@transaction.atomic
def scheme_version_copy(
    *, user, source: SchemeVersion, name: str = "", **changes: Any
) -> SchemeVersion:
    """A new draft that repeats `source` (its settings, domains, questions, answers and
    reference services), with `changes` to its settings. The source is not touched, so the
    assessments scored with it still re-compute the same."""
    require_commissioner(user)
    copy = SchemeVersion(
        name=name or source.name,
        based_on=source,
        created_by=user if user.is_authenticated else None,
        notes=changes.pop("notes", f"Copied from version {source.version}."),
    )
    for field_name in (
        "floor",
        "ceiling",
        "carer_rate",
        "tolerance_below_percent",
        "tolerance_above_percent",
        "tolerance_cap",
        "rate_mode",
        "fixed_rate",
        "rate_reason",
        "rate_basis",
        "basis_market_percent",
        "min_locality_prices",
        "iqr_multiple",
    ):
        setattr(copy, field_name, changes.pop(field_name, getattr(source, field_name)))
    if changes:
        raise ValueError(f"Cannot set {', '.join(changes)} on a scheme copy.")
    copy.full_clean()
    copy.save()
    for reference in source.reference_services.all():
        ReferenceService.objects.create(
            scheme=copy,
            name=reference.name,
            category_id=reference.category_id,
            unit=reference.unit,
            weight=reference.weight,
            blend_evenings_weekends_percent=reference.blend_evenings_weekends_percent,
            blend_nights_percent=reference.blend_nights_percent,
            blend_bank_holidays_percent=reference.blend_bank_holidays_percent,
            sort_order=reference.sort_order,
        )
    for domain in source.domains.prefetch_related("questions__options"):
        new_domain = Domain.objects.create(
            scheme=copy,
            name=domain.name,
            slug=domain.slug,
            kind=domain.kind,
            intro=domain.intro,
            sort_order=domain.sort_order,
        )
        for question in domain.questions.all():
            new_question = Question.objects.create(
                domain=new_domain,
                key=question.key,
                text=question.text,
                hint=question.hint,
                informal_reduction_percent=question.informal_reduction_percent,
                sort_order=question.sort_order,
            )
            AnswerOption.objects.bulk_create(
                AnswerOption(
                    question=new_question,
                    key=o.key,
                    label=o.label,
                    points=o.points,
                    sort_order=o.sort_order,
                )
                for o in question.options.all()
            )
    return copy


@transaction.atomic
def domain_add(
    *,
    user,
    scheme: SchemeVersion,
    name: str,
    slug: str,
    kind: str = Domain.Kind.PERSON,
    intro: str = "",
) -> Domain:
    """A commissioner adds a page of questions to a draft version (drafts only: clean())."""
    require_commissioner(user)
    domain = Domain(
        scheme=scheme,
        name=name,
        slug=slug,
        kind=kind,
        intro=intro,
        sort_order=scheme.domains.count(),
    )
    domain.full_clean()
    domain.save()
    return domain


@transaction.atomic
def question_add(
    *,
    user,
    domain: Domain,
    key: str,
    text: str,
    answers: Sequence[tuple[str, str, Decimal | int | str]],
    hint: str = "",
    informal_reduction_percent: Decimal = Decimal(0),
) -> Question:
    """A commissioner adds a question with its answers (key, label, points) to a draft."""
    require_commissioner(user)
    if not answers:
        raise ValidationError("A question needs at least one answer.")
    question = Question(
        domain=domain,
        key=key,
        text=text,
        hint=hint,
        informal_reduction_percent=Decimal(informal_reduction_percent),
        sort_order=domain.questions.count(),
    )
    question.full_clean()
    question.save()
    for order, (option_key, label, points) in enumerate(answers):
        option = AnswerOption(
            question=question,
            key=option_key,
            label=label,
            points=Decimal(str(points)),
            sort_order=order,
        )
        option.full_clean()
        option.save()
    return question


@transaction.atomic
def reference_service_add(
    *,
    user,
    scheme: SchemeVersion,
    name: str,
    category,
    unit: str,
    weight: Decimal,
    blend: dict[str, Decimal] | None = None,
) -> ReferenceService:
    """A commissioner names a catalogue category priced in a unit as part of the rate. Each
    service counts once: its standard price, or the `blend` ({price kind: percent}, the rest
    standard), e.g. {'evenings-weekends': 20} for 80% weekday and 20% evening/weekend prices."""
    require_commissioner(user)
    blend = blend or {}
    reference = ReferenceService(
        scheme=scheme,
        name=name,
        category=category,
        unit=unit,
        weight=weight,
        blend_evenings_weekends_percent=blend.get("evenings-weekends", Decimal(0)),
        blend_nights_percent=blend.get("nights", Decimal(0)),
        blend_bank_holidays_percent=blend.get("bank-holidays", Decimal(0)),
        sort_order=scheme.reference_services.count(),
    )
    reference.full_clean()
    reference.save()
    return reference


def scheme_problems(scheme: SchemeVersion) -> list[str]:
    """What stops a version being used: no questions, a question without answers, no rate."""
    problems = []
    questions = list(
        Question.objects.filter(domain__scheme=scheme)
        .select_related("domain")
        .prefetch_related("options")
    )
    if not any(q.domain.kind == Domain.Kind.PERSON for q in questions):
        problems.append("The scheme has no questions about the person's needs.")
    problems.extend(
        f"The question '{q.text}' has no answers to choose from."
        for q in questions
        if not q.options.all()
    )
    rate = selectors.scheme_rate(scheme)
    if rate.money_per_point is None:
        problems.extend(rate.problems or ["The scheme has no money per point."])
    return problems


@transaction.atomic
def scheme_version_activate(*, user, scheme: SchemeVersion) -> SchemeVersion:
    """A commissioner puts a draft into force; the version in force before is retired (and
    kept, with its assessments). Only a complete draft with a rate can be activated."""
    require_commissioner(user)
    scheme = SchemeVersion.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != SchemeVersion.Status.DRAFT:
        raise ValidationError("Only a draft version can be activated.")
    problems = scheme_problems(scheme)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    SchemeVersion.objects.active().update(status=SchemeVersion.Status.RETIRED, retired_at=now)
    scheme.status = SchemeVersion.Status.ACTIVE
    scheme.activated_at = now
    scheme.save(update_fields=["status", "activated_at"])
    if scheme.rate_mode == SchemeVersion.RateMode.MARKET:
        # A version comes into force with a rate in force: its first review.
        rate_review_take(user=user, scheme=scheme, note="Taken when the version was activated.")
    return scheme


@transaction.atomic
def scheme_rate_freeze(*, user, scheme: SchemeVersion, reason: str) -> SchemeVersion:
    """A commissioner freezes a draft's money per point at today's market figure (so later
    price changes do not move it), saying why. Only drafts; the market must give a figure."""
    require_commissioner(user)
    if not scheme.is_editable:
        raise ValidationError("Only a draft version can be changed; copy this one first.")
    if not reason.strip():
        raise ValidationError("Say why the rate is frozen.")
    market = selectors.scheme_rate(scheme).market_rate
    if market is None:
        raise ValidationError("There is no market rate to freeze at.")
    scheme.rate_mode = SchemeVersion.RateMode.FROZEN
    scheme.fixed_rate = market
    scheme.rate_reason = reason.strip()
    scheme.full_clean()
    scheme.save()
    return scheme


# --- rate reviews -----------------------------------------------------------------------------


def _review_input(reference: selectors.ReferenceRate, scheme: SchemeVersion) -> dict:
    """What a rate review keeps of one reference service: its rate on the scheme's basis and
    what it rests on (with the market median and the contracted rate apart, unless the basis is
    the market median alone)."""
    used = reference.used
    row: dict[str, Any] = {
        "name": reference.reference.name,
        "weight": str(reference.reference.weight),
        "rate": str(reference.rate) if reference.rate is not None else None,
        "services": used.count if used else 0,
        "basis": reference.reference.blend_text,
    }
    if scheme.rate_basis != SchemeVersion.RateBasis.MARKET:
        row["rate_basis"] = scheme.basis_text
        row["market_rate"] = str(used.rate) if used else None
        contracted = reference.contracted
        row["contracted_rate"] = str(contracted.amount) if contracted else None
        row["contracted_from"] = contracted.applies_from.isoformat() if contracted else None
    return row


@transaction.atomic
def contracted_rate_record(
    *,
    user,
    reference: ReferenceService,
    amount: Decimal,
    applies_from: datetime.date,
    note: str = "",
) -> ContractedRate:
    """A commissioner records the council's contracted or framework rate for a reference
    service's category and unit, applying from a date. Nothing is overwritten: the rates
    before stay as the history, and the one in force on a day is the latest to start by then."""
    require_commissioner(user)
    rate = ContractedRate(
        category_id=reference.category_id,
        unit=reference.unit,
        amount=to_penny(amount),
        applies_from=applies_from,
        note=note.strip(),
        recorded_by=user,
    )
    rate.full_clean()
    rate.save()
    return rate


@transaction.atomic
def rate_review_take(
    *, user, scheme: SchemeVersion, note: str = "", scheduled: bool = False
) -> RateReview:
    """Fix the money per point in force from today's market prices, with its inputs: each
    reference service's rate, how many services it rests on and on what basis, and the rate of
    every locality that has its own. A commissioner takes it (or the monthly command, with
    `scheduled`). Only for a scheme in force or a draft that follows the market."""
    if not scheduled:
        require_commissioner(user)
    if scheme.status == SchemeVersion.Status.RETIRED:
        raise ValidationError("A retired version's rate cannot be reviewed.")
    if scheme.rate_mode != SchemeVersion.RateMode.MARKET:
        raise ValidationError(
            "This version's rate is frozen or set by hand: it has no market review."
        )
    rate = selectors.scheme_rate(scheme)
    if rate.money_per_point is None:
        raise ValidationError(["There is no market rate to review.", *rate.problems])
    locality_ids = {
        locality_id
        for reference in rate.references
        for service in reference.counted
        for locality_id in service.locality_ids
    }
    local_rates = {}
    for locality in Locality.objects.filter(pk__in=locality_ids):
        local = selectors.scheme_rate(scheme, locality=locality).money_per_point
        if local is not None and local != rate.money_per_point:
            local_rates[str(locality.pk)] = str(local)
    review = RateReview(
        scheme=scheme,
        money_per_point=rate.money_per_point,
        locality_rates=local_rates,
        inputs=[_review_input(r, scheme) for r in rate.references],
        source=rate.source,
        note=note.strip()[:1000],
        taken_by=None if scheduled else user,
    )
    review.full_clean()
    review.save()
    return review


# --- assessments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """Raw answers as a form or session holds them."""

    choices: Mapping[str, str]
    informal: Sequence[str] = ()
    carer_agrees: bool = False

    def for_calculator(self) -> calculator.Answers:
        return calculator.Answers(
            choices=dict(self.choices),
            informal_support=frozenset(self.informal),
            carer_agrees=self.carer_agrees,
        )

    def as_json(self) -> dict:
        return {
            "choices": dict(self.choices),
            "informal": sorted(set(self.informal)),
            "carer_agrees": bool(self.carer_agrees),
        }


@transaction.atomic
def assessment_create(
    *,
    user,
    answers: AnswerInput,
    scheme: SchemeVersion | None = None,
    person_name: str = "",
    locality: Locality | None = None,
    client_group: str = "",
    team: PractitionerTeam | None = None,
) -> Assessment:
    """Score the answers under the scheme (the active one by default) at today's rate and
    keep the inputs, the rate and the figure.

    Anyone may estimate for themselves (no name kept); only a practitioner records for a
    named person, into the caseload of one of their teams (see _recording_team). Incomplete
    answers, or a scheme with no rate, are refused with the reason (never a zero budget)."""
    person_name = person_name.strip()
    if person_name:
        require_practitioner(user)
        team = _recording_team(user, team)
    else:
        team = None
    scheme = scheme or selectors.active_scheme()
    if scheme is None:
        raise ValidationError("There is no resource allocation scheme in force yet.")
    if scheme.status == SchemeVersion.Status.RETIRED:
        raise ValidationError("That scheme version is retired.")
    rate = selectors.rate_in_force(scheme, locality=locality)
    if rate.money_per_point is None:
        raise ValidationError(["The budget cannot be worked out at the moment.", *rate.problems])
    rules = calculator.Rules(
        questions=selectors.scheme_questions(scheme),
        money_per_point=rate.money_per_point,
        carer_rate=scheme.carer_rate,
        floor=scheme.floor,
        ceiling=scheme.ceiling,
    )
    try:
        result = calculator.assess(rules, answers.for_calculator())
    except calculator.CalculatorError as error:
        raise ValidationError(list(error.messages)) from error
    assessment = Assessment(
        scheme_version=scheme,
        answers=answers.as_json(),
        points_by_domain={name: str(points) for name, points in result.score.points_by_domain},
        points=result.score.points,
        carer_points=result.score.carer_points,
        money_per_point=result.money_per_point,
        carer_rate=result.carer_rate,
        rate_source=rate.source,
        rate_review=rate.review,
        locality=locality,
        weekly_budget=result.budget.weekly,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
        person_name=person_name,
        client_group=client_group if person_name else "",
        team=team,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def _recording_team(user, team: PractitionerTeam | None) -> PractitionerTeam | None:
    """The team a practitioner records a named assessment for: the one they chose, which must
    be one of theirs; else their only team; none when they are in no team (the assessment is
    then theirs alone). Someone in several teams must choose."""
    ids = team_ids_of(user)
    if team is not None:
        if team.pk not in ids:
            raise ValidationError({"team": "Choose one of your own teams."})
        return team
    if len(ids) > 1:
        raise ValidationError({"team": "Choose the team whose caseload the assessment is in."})
    if ids:
        return PractitionerTeam.objects.get(pk=next(iter(ids)))
    return None


INVITATIONS_PER_DAY = 50
DAY_SECONDS = 24 * 60 * 60


@transaction.atomic
def assessment_invite(*, user, assessment: Assessment, email: str) -> Assessment:
    """The practitioner who recorded an assessment, or one in its team, e-mails the person an
    invitation to open it as their own (to see it and start their own plan from it). A new
    invitation replaces the last one (its link stops working). At most INVITATIONS_PER_DAY a
    day per practitioner."""
    require_practitioner(user)
    require_works_on_assessment(user, assessment)
    if not assessment.person_name:
        raise ValidationError("Only an assessment recorded for a named person can be sent.")
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": "Enter the person's email address."})
    if email.lower() in addresses_of(user):
        raise ValidationError({"email": "That is your own email address."})
    assessment.person_email = email
    assessment.invitation_token = uuid.uuid4()
    assessment.invited_at = timezone.now()
    assessment.full_clean()
    key = f"ras:invitations:account:{user.pk}"
    if not limits.reserve(key, INVITATIONS_PER_DAY, DAY_SECONDS):
        raise ValidationError(
            f"You can send up to {INVITATIONS_PER_DAY} invitations a day. Try again tomorrow."
        )
    assessment.save(update_fields=["person_email", "invitation_token", "invited_at"])
    send_email(
        template="ras/email/assessment_invitation",
        to=[email],
        context={"assessment": assessment, "known": limits.has_verified_account(email)},
    )
    return assessment


def assessment_invitation_check(*, user, assessment: Assessment) -> None:
    """Whether `user` may open the assessment as theirs: signed in with the address it was
    sent to, and nobody else has opened it. Raises PermissionDenied or ValidationError."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to open your assessment.")
    if assessment.person_id and assessment.person_id != user.pk:
        raise ValidationError("This invitation has already been used by someone else.")
    require_sent_to(user, assessment.person_email)


@transaction.atomic
def assessment_claim(*, user, assessment: Assessment) -> Assessment:
    """The invited person opens the assessment as their own (a POST from the invitation page)."""
    assessment_invitation_check(user=user, assessment=assessment)
    if assessment.person_id is None:
        assessment.person = user
        assessment.person_joined_at = timezone.now()
        assessment.save(update_fields=["person", "person_joined_at"])
    return assessment


def assessment_recompute(assessment: Assessment) -> calculator.Result:
    """The assessment scored again from its stored answers, under its own scheme version and
    the rate it used: gives the stored figure whatever has changed since."""
    scheme = assessment.scheme_version
    stored = assessment.answers or {}
    rules = calculator.Rules(
        questions=selectors.scheme_questions(scheme),
        money_per_point=assessment.money_per_point,
        carer_rate=assessment.carer_rate,
        floor=scheme.floor,
        ceiling=scheme.ceiling,
    )
    return calculator.assess(
        rules,
        calculator.Answers(
            choices=stored.get("choices", {}),
            informal_support=frozenset(stored.get("informal", [])),
            carer_agrees=bool(stored.get("carer_agrees")),
        ),
    )


# --- calibration ------------------------------------------------------------------------------

CSV_COLUMNS = ("client_group", "points", "weekly_cost")
MAX_CASE_ROWS = 200_000


class CaseImportError(ValidationError):
    """A CSV that cannot be imported: `row_errors` is [(row number, message)]; nothing saved."""

    def __init__(self, row_errors: list[tuple[int, str]]):
        self.row_errors = row_errors
        super().__init__([f"Row {row}: {message}" for row, message in row_errors[:50]])


def _decimal(value: str, *, name: str, places: int) -> Decimal:
    text = value.strip().lstrip("£").replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{name} '{value}' is not a number.") from None
    if not number.is_finite():
        raise ValueError(f"{name} '{value}' is not a number.")
    if number < 0:
        raise ValueError(f"{name} must not be negative.")
    if number >= Decimal(10) ** (8 - places):
        raise ValueError(f"{name} '{value}' is too large.")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"{name} '{value}' has more than {places} decimal places.")
    return number


UNREADABLE_ROW = (
    "This row could not be read: a field is too long or a quotation mark is not closed. "
    "Nothing after it was read."
)


def _rows(reader):
    """The reader's rows, then None (and no more) if the csv module gives up on one."""
    try:
        yield from reader
    except csv.Error:
        yield None


def parse_cases(text: str) -> list[calculator.Case]:
    """Historic cases from CSV text with a header row `client_group,points,weekly_cost`.

    Every row is checked; CaseImportError lists each bad row (numbered as in a spreadsheet,
    the header being row 1)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    except csv.Error:
        header = []
    if tuple(header[:3]) != CSV_COLUMNS:
        raise CaseImportError([(1, "The first row must be: client_group,points,weekly_cost")])
    cases, errors = [], []
    for number, row in enumerate(_rows(reader), start=2):
        if row is None:  # the csv module could not read it (a field over its size limit)
            errors.append((number, UNREADABLE_ROW))
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            errors.append((number, "Give a client group, points and a weekly cost."))
            continue
        group = row[0].strip()
        problems = []
        if not group:
            problems.append("The client group is missing.")
        elif len(group) > 100:
            problems.append("The client group is longer than 100 characters.")
        elif any(unicodedata.category(ch).startswith("C") for ch in group):
            problems.append("The client group contains control characters.")
        try:
            points = _decimal(row[1], name="Points", places=2)
        except ValueError as error:
            problems.append(str(error))
        try:
            cost = _decimal(row[2], name="Weekly cost", places=2)
        except ValueError as error:
            problems.append(str(error))
        if problems:
            errors.append((number, " ".join(problems)))
        else:
            cases.append(calculator.Case(client_group=group, points=points, weekly_cost=cost))
        if len(cases) + len(errors) > MAX_CASE_ROWS:
            errors.append((number, f"The file has more than {MAX_CASE_ROWS:,} rows."))
            break
    if errors:
        raise CaseImportError(errors)
    if not cases:
        raise CaseImportError([(2, "The file has no cases.")])
    return cases


@transaction.atomic
def cases_import(*, user, name: str, text: str) -> CaseImport:
    """A commissioner uploads historic cases. All rows are valid or none is saved."""
    require_commissioner(user)
    cases = parse_cases(text)
    case_import = CaseImport(
        name=name.strip() or "Historic cases", uploaded_by=user, row_count=len(cases)
    )
    case_import.full_clean()
    case_import.save()
    HistoricCase.objects.bulk_create(
        (
            HistoricCase(
                case_import=case_import,
                client_group=c.client_group,
                points=c.points,
                weekly_cost=c.weekly_cost,
            )
            for c in cases
        ),
        batch_size=2000,
    )
    return case_import


@transaction.atomic
def calibration_adopt_rate(
    *, user, proposed_rate: Decimal, reason: str = "", source: SchemeVersion | None = None
) -> SchemeVersion:
    """Adopting a proposed money per point makes a new draft version (a copy of the active
    one, or of `source`) with the rate set by hand; it takes effect only once activated."""
    require_commissioner(user)
    if proposed_rate is None or proposed_rate <= 0:
        raise ValidationError("The proposed rate must be more than zero.")
    source = source or selectors.active_scheme()
    if source is None:
        raise ValidationError("There is no scheme in force to base a new version on.")
    reason = reason.strip() or f"Adopted from calibration on {timezone.localdate():%d %B %Y}."
    return scheme_version_copy(
        user=user,
        source=source,
        rate_mode=SchemeVersion.RateMode.MANUAL,
        fixed_rate=to_penny(proposed_rate),
        rate_reason=reason,
        notes=f"Money per point £{to_penny(proposed_rate)} from calibration. {reason}",
    )


# --- cases moving between teams ---------------------------------------------------------------

TEAM_MOVE_REASON_MAX = 1000


@transaction.atomic
def assessment_team_move(
    *, user, assessment: Assessment, team: PractitionerTeam, reason: str
) -> AssessmentTeamMove:
    """A practitioner working on a named assessment (its recorder, or one in its current team:
    the model has no team manager) moves the case to another team's caseload, saying why. The
    plans made from it follow (a plan's team is its assessment's): the new team finds them, the
    old team no longer does (its recorder keeps the assessment, as always). Recorded in the
    assessment's team history: who, when, from which team to which, and why."""
    require_practitioner(user)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    require_works_on_assessment(user, assessment)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if team is None:
        errors["team"] = "Choose the team the case is moving to."
    elif team.pk == assessment.team_id:
        errors["team"] = f"The case is already with {team.name}. Choose another team."
    if not reason:
        errors["reason"] = "Enter why the case is moving to another team."
    elif len(reason) > TEAM_MOVE_REASON_MAX:
        errors["reason"] = f"The reason must be {TEAM_MOVE_REASON_MAX:,} characters or fewer."
    if errors:
        raise ValidationError(errors)
    from_team = assessment.team
    move = AssessmentTeamMove(
        assessment=assessment,
        from_team=from_team,
        to_team=team,
        from_team_name=from_team.name if from_team else "",
        to_team_name=team.name,
        reason=reason,
        moved_by=user,
    )
    move.full_clean()
    move.save()
    assessment.team = team
    assessment.save(update_fields=["team"])
    return move
