"""The Resource Allocation System: scheme versions, their questions, assessments, historic cases.

A scheme version is a draft while commissioners edit it; activating it retires the one before.
Active and retired versions are frozen: an assessment keeps its version and the rate it used,
so it always re-computes to the same figure. The rules are in ras/calculator.py (pure) and the
writes in ras/services.py.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from catalogue.models import Category, Locality, PriceKind, Unit
from core.roles import Role, has_role

MONEY = {"max_digits": 10, "decimal_places": 2}
POINTS = {"max_digits": 8, "decimal_places": 2}
PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


def next_version() -> int:
    """Versions are numbered 1, 2, 3... in the order they are created."""
    last = SchemeVersion.objects.order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


class SchemeVersionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=SchemeVersion.Status.ACTIVE)

    def drafts(self):
        return self.filter(status=SchemeVersion.Status.DRAFT)


class SchemeVersion(ClusterableModel):
    """One dated version of the council's RAS: its questions, rate and tolerances."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    class RateMode(models.TextChoices):
        MARKET = "market", "Follow market prices"
        FROZEN = "frozen", "Frozen at a figure"
        MANUAL = "manual", "Set by hand"

    class RateBasis(models.TextChoices):
        MARKET = "market", "The market median"
        CONTRACTED = "contracted", "The council's contracted rate"
        BLEND = "blend", "A blend of the market median and the contracted rate"

    name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(unique=True, editable=False, default=next_version)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    notes = models.TextField(blank=True, help_text="What changed in this version and why.")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    floor = models.DecimalField(
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text="The smallest weekly budget for anyone with eligible needs (£).",
    )
    ceiling = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The largest indicative weekly budget (£); blank for none.",
    )
    carer_rate = models.DecimalField(
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text="Money per carer point a week (£).",
    )
    tolerance_below_percent = models.DecimalField(
        **PERCENT, default=Decimal("5"), help_text="How far under budget a plan may be (%)."
    )
    tolerance_above_percent = models.DecimalField(
        **PERCENT, default=Decimal("5"), help_text="How far over budget a plan may be (%)."
    )
    tolerance_cap = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The most a plan may be over budget in pounds a week; blank for no cap.",
    )
    rate_mode = models.CharField(max_length=10, choices=RateMode.choices, default=RateMode.MARKET)
    fixed_rate = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Money per point when the rate is frozen or set by hand (£).",
    )
    rate_reason = models.TextField(
        blank=True, help_text="Why the rate is frozen or set by hand (required then)."
    )
    # What each reference service's rate rests on (issue 17): the market median, the council's
    # contracted or framework rate, or a stated blend of the two.
    rate_basis = models.CharField(
        max_length=12,
        choices=RateBasis.choices,
        default=RateBasis.MARKET,
        help_text="What each reference service's rate rests on.",
    )
    basis_market_percent = models.DecimalField(
        **PERCENT,
        default=Decimal("100"),
        help_text="For a blend: the market median's share (%); the rest is the contracted "
        "rate (e.g. 70 for 70% market, 30% contracted).",
    )
    min_locality_prices = models.PositiveSmallIntegerField(
        default=10, help_text="A locality gets its own rate only with at least this many prices."
    )
    iqr_multiple = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(0)],
        help_text="Prices beyond this many interquartile ranges outside the quartiles are "
        "dropped as outliers (0 keeps them all).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = SchemeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = "RAS scheme version"
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="ras_one_active_scheme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version}, {self.get_status_display().lower()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def basis_text(self) -> str:
        """'the market median', 'the contracted rate' or '70% market median, 30% contracted'."""
        if self.rate_basis == self.RateBasis.CONTRACTED:
            return "the council's contracted rate"
        if self.rate_basis == self.RateBasis.BLEND:
            market = self.basis_market_percent.normalize()
            return f"{market:f}% market median, {(100 - market).normalize():f}% contracted rate"
        return "the market median"

    def clean(self):
        if (
            self.pk
            and SchemeVersion.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists()
        ):
            raise ValidationError(
                "This scheme version is in use; copy it to a new draft to change it."
            )
        errors = {}
        if self.rate_mode != self.RateMode.MARKET:
            if self.fixed_rate is None:
                errors["fixed_rate"] = "Give the money per point when it is frozen or set by hand."
            if not self.rate_reason.strip():
                errors["rate_reason"] = "Say why the rate is frozen or set by hand."
        if self.rate_basis == self.RateBasis.BLEND and not (
            self.basis_market_percent is not None and 0 < self.basis_market_percent < 100
        ):
            errors["basis_market_percent"] = (
                "For a blend, give the market median's share as a number between 1 and 99."
            )
        if self.ceiling is not None and self.floor is not None and self.ceiling < self.floor:
            errors["ceiling"] = "The ceiling must not be below the floor."
        if errors:
            raise ValidationError(errors)


class FrozenWithScheme(models.Model):
    """Parts of a scheme can change only while their version is a draft."""

    class Meta:
        abstract = True

    def scheme_version(self) -> SchemeVersion | None:
        raise NotImplementedError

    def clean(self):
        super().clean()
        scheme = self.scheme_version()
        if scheme is not None and scheme.pk and not scheme.is_editable:
            raise ValidationError(
                "This scheme version is in use; copy it to a new draft to change it."
            )


class Domain(FrozenWithScheme, models.Model):
    """A group of questions shown on one page (personal care, mobility ... or the carer)."""

    class Kind(models.TextChoices):
        PERSON = "person", "The person's needs"
        CARER = "carer", "The carer's needs"

    scheme = ParentalKey(SchemeVersion, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSON)
    intro = models.TextField(blank=True, help_text="Plain-English text shown above the questions.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "slug"], name="ras_domain_unique_slug")
        ]

    def __str__(self) -> str:
        # Shown in the admin's domain chooser, where every version's domains are listed.
        return f"{self.name} (version {self.scheme.version})" if self.scheme_id else self.name

    def scheme_version(self):
        return self.scheme if self.scheme_id else None


class Question(FrozenWithScheme, ClusterableModel):
    """A question with its answers; informal support removes a share of its points."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60, help_text="Stable id of the question in stored answers.")
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    informal_reduction_percent = models.DecimalField(
        **PERCENT,
        default=Decimal("0"),
        help_text="Share of this question's points removed when family or friends meet the "
        "need and the carer agrees (%).",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain__sort_order", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.text

    def scheme_version(self):
        return self.domain.scheme if self.domain_id else None

    def clean(self):
        super().clean()
        if self.domain_id and (
            Question.objects.filter(domain__scheme=self.domain.scheme_id, key=self.key)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"key": "Another question in this scheme has this key."})


class AnswerOption(FrozenWithScheme, models.Model):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    points = models.DecimalField(**POINTS, validators=[MinValueValidator(0)])
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="ras_option_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.points} points)"

    def scheme_version(self):
        return self.question.domain.scheme if self.question_id else None


class ReferenceService(FrozenWithScheme, models.Model):
    """A catalogue category priced in a unit; `weight` units of it a week buy one point."""

    scheme = ParentalKey(SchemeVersion, on_delete=models.CASCADE, related_name="reference_services")
    name = models.CharField(max_length=100, help_text="e.g. Home care per hour.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(max_length=10, choices=Unit.choices)
    weight = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text="How many units one point buys a week (its calibration weight).",
    )
    # Each service counts once in the market rate: its standard price, or this blend.
    blend_evenings_weekends_percent = models.DecimalField(
        **PERCENT,
        default=Decimal("0"),
        help_text="Share of each service's figure taken from its evening and weekend price "
        "(%); the rest is its standard weekday price.",
    )
    blend_nights_percent = models.DecimalField(
        **PERCENT, default=Decimal("0"), help_text="Share taken from its night price (%)."
    )
    blend_bank_holidays_percent = models.DecimalField(
        **PERCENT, default=Decimal("0"), help_text="Share taken from its bank holiday price (%)."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def scheme_version(self):
        return self.scheme if self.scheme_id else None

    @property
    def blend(self) -> dict[str, Decimal]:
        """{price kind: percent} for the non-standard kinds in the blend (empty: standard)."""
        shares = {
            PriceKind.EVENINGS_WEEKENDS.value: self.blend_evenings_weekends_percent,
            PriceKind.NIGHTS.value: self.blend_nights_percent,
            PriceKind.BANK_HOLIDAYS.value: self.blend_bank_holidays_percent,
        }
        return {kind: share for kind, share in shares.items() if share}

    @property
    def blend_text(self) -> str:
        """'standard price' or '80% standard, 20% evenings and weekends'."""
        blend = self.blend
        if not blend:
            return "standard (weekday daytime) price"
        standard = Decimal(100) - sum(blend.values(), Decimal(0))
        parts = [f"{standard.normalize():f}% standard"] + [
            f"{share.normalize():f}% {str(PriceKind(kind).label).lower()}"
            for kind, share in blend.items()
        ]
        return ", ".join(parts)

    def clean(self):
        super().clean()
        if sum(self.blend.values(), Decimal(0)) > 100:
            raise ValidationError(
                {"blend_evenings_weekends_percent": "The blend's shares add up to more than 100%."}
            )


class ContractedRateQuerySet(models.QuerySet):
    def in_force(self, *, category, unit: str, on: datetime.date | None = None):
        """The rate for this category and unit applying on `on` (today): the one with the
        latest start on or before it (the later recorded when two start the same day)."""
        day = on or timezone.localdate()
        return (
            self.filter(category=category, unit=unit, applies_from__lte=day)
            .order_by("-applies_from", "-recorded_at", "-pk")
            .first()
        )


class ContractedRate(models.Model):
    """The council's contracted or framework rate for a reference service, from a date.

    Kept by category and unit, not by scheme version, so the rate and its history outlive the
    versions that copy a reference service. Append-only: a new rate is a new row applying from
    its date, and the rows before it stay as the history."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(max_length=10, choices=Unit.choices)
    amount = models.DecimalField(
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="The contracted rate in pounds, per the unit.",
    )
    applies_from = models.DateField(help_text="The date the rate applies from.")
    note = models.TextField(
        blank=True, max_length=1000, help_text="e.g. the framework or contract it comes from."
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ContractedRateQuerySet.as_manager()

    class Meta:
        ordering = ["-applies_from", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"£{self.amount} {self.get_unit_display()} from {self.applies_from:%d %B %Y}"


class RateReview(models.Model):
    """The money per point in force for a market-following scheme: taken by a commissioner or
    the monthly command, with its inputs and date. Estimates and assessments use the latest
    review (and keep it), so the same answers give the same budget until the next review, however
    providers edit their prices in between."""

    scheme = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="rate_reviews")
    money_per_point = models.DecimalField(**MONEY)
    locality_rates = models.JSONField(
        default=dict,
        blank=True,
        help_text="{locality id: money per point} where a locality had its own rate at the review.",
    )
    inputs = models.JSONField(
        default=list,
        help_text="[{name, weight, rate, services, basis}] for each reference service.",
    )
    source = models.TextField(blank=True)
    note = models.TextField(blank=True)
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Blank when the monthly command took it.",
    )

    class Meta:
        ordering = ["-taken_at", "-pk"]
        get_latest_by = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"£{self.money_per_point} a point from {self.taken_at:%d %B %Y}"

    def rate_for(self, locality: Locality | None) -> Decimal:
        if locality is not None and str(locality.pk) in self.locality_rates:
            return Decimal(self.locality_rates[str(locality.pk)])
        return self.money_per_point


class PractitionerTeam(models.Model):
    """Practitioners who share a caseload (a locality team, a hospital team...). An assessment
    recorded for a team stays with the team: any practitioner in it finds it, sends it and works
    on the plans made from it, so a case moves between workers without being re-shared.
    Superusers and admins given the model's permissions keep the teams in the Wagtail admin."""

    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="practitioner_teams",
        limit_choices_to={"groups__name": Role.PRACTITIONER.value},
        help_text="Practitioners in the team. Someone who stops being a practitioner loses the "
        "team's cases even while still listed here.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "practitioner team"

    def __str__(self) -> str:
        return self.name


class AssessmentQuerySet(models.QuerySet):
    def recorded_by(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recorded_by=user)

    def caseload(self, user):
        """The named assessments a practitioner works on: those they recorded and those of the
        teams they are in (a signed-in non-practitioner: only their own records)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(recorded_by=user)
        if has_role(user, Role.PRACTITIONER):
            mine |= models.Q(team__members=user)
        return self.filter(mine).distinct()


class ClientGroup(models.TextChoices):
    """Who an assessment is for, as the councils' papers count them (Surrey's calibration per
    client group; commissioners' figures per group)."""

    OLDER_PEOPLE = "older-people", "Older people"
    PHYSICAL_DISABILITY = "physical-disability", "Physical disability"
    LEARNING_DISABILITY = "learning-disability", "Learning disability"
    MENTAL_HEALTH = "mental-health", "Mental health"
    SENSORY = "sensory", "Sensory impairment"
    CARER = "carer", "Carers"


class Assessment(models.Model):
    """One scored questionnaire: its inputs and the figures, kept so it re-computes the same."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme_version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    answers = models.JSONField(
        default=dict,
        help_text="{'choices': {question key: option key}, 'informal': [question keys], "
        "'carer_agrees': bool}",
    )
    points_by_domain = models.JSONField(default=dict, help_text="{domain name: points}")
    points = models.DecimalField(**POINTS)
    carer_points = models.DecimalField(**POINTS, default=Decimal("0"))
    money_per_point = models.DecimalField(**MONEY)
    carer_rate = models.DecimalField(**MONEY, default=Decimal("0"))
    rate_source = models.TextField(blank=True)
    # The rate review whose money per point the figure used (none for a frozen or hand-set rate).
    rate_review = models.ForeignKey(
        RateReview, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    locality = models.ForeignKey(
        Locality, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    weekly_budget = models.DecimalField(**MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ras_assessments",
    )
    person_name = models.CharField(max_length=200, blank=True)
    # The team whose caseload the assessment is in (the recorder's team when it was recorded).
    team = models.ForeignKey(
        PractitionerTeam,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )
    # Recorded by the practitioner; blank for an anonymous estimate.
    client_group = models.CharField(max_length=30, choices=ClientGroup.choices, blank=True)
    # The person's own access (issue 17): the practitioner e-mails them an invitation; they
    # open it signed in with that address and the assessment is theirs to plan from.
    person_email = models.EmailField(blank=True)
    invitation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_assessments",
    )
    person_joined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        who = self.person_name or "Anonymous estimate"
        return f"{who}: £{self.weekly_budget} a week"

    @property
    def invitation_path(self) -> str:
        return reverse("ras:assessment_invitation", kwargs={"token": self.invitation_token})


class AssessmentTeamMove(models.Model):
    """A case moving from one practitioner team's caseload to another's (services.
    assessment_team_move): who moved it, when, between which teams and why. The assessment's
    plans follow it (a plan's team is its assessment's). The team names are kept as they were,
    so the history reads the same after a team is renamed or removed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="team_moves")
    from_team = models.ForeignKey(
        PractitionerTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_team = models.ForeignKey(
        PractitionerTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_team_name = models.CharField(max_length=120, blank=True)
    to_team_name = models.CharField(max_length=120)
    reason = models.TextField(max_length=1000)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_team_name or 'No team'} to {self.to_team_name}"


class CaseImport(models.Model):
    """One CSV upload of historic cases for calibration."""

    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.row_count} cases)"


class HistoricCase(models.Model):
    case_import = models.ForeignKey(CaseImport, on_delete=models.CASCADE, related_name="cases")
    client_group = models.CharField(max_length=100)
    points = models.DecimalField(**POINTS, validators=[MinValueValidator(0)])
    weekly_cost = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.client_group}: {self.points} points, £{self.weekly_cost}"
