"""Shortlists, enquiries, support plans and the listing usage figures providers see.

Rules live in marketplace/plans/services/; these models hold data and the read-side QuerySets.
An anonymous visitor's shortlist lives in their session (marketplace/plans/shortlist.py); only a
signed-in person's shortlist is a row here.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Organisation, PriceOption, Service
from core.roles import Role, has_role

from . import costing

MONEY = {"max_digits": 10, "decimal_places": 2}
MESSAGE_MAX_LENGTH = 3000
CONTINGENCY_MAX_LENGTH = 2000


# --- shortlists -------------------------------------------------------------------------------


class Shortlist(models.Model):
    """A signed-in person's shortlist of services (one each)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Shortlist of {self.user}"


class ShortlistItem(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "service"], name="shortlist_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} on {self.shortlist}"


# --- enquiries --------------------------------------------------------------------------------


class EnquiryQuerySet(models.QuerySet):
    def sent_by(self, user):
        """A person's own enquiries (none for anonymous visitors)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(sender=user)

    def for_provider(self, user):
        """Enquiries to the organisations `user` is staff of, made while they were (see
        Membership.enquiries_from): a new claimant of an abandoned organisation never reads
        what people told the staff before them. One membership per person and organisation,
        so no row comes twice."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            organisation__memberships__user=user,
            created_at__gte=F("organisation__memberships__enquiries_from"),
        )

    def past_retention(self, *, now=None):
        """Enquiries with no activity (sent, a message, closed) for ENQUIRY_RETENTION_DAYS
        that still hold what the person wrote."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.ENQUIRY_RETENTION_DAYS)
        return (
            self.filter(expired_at__isnull=True, created_at__lt=cutoff)
            .exclude(messages__created_at__gte=cutoff)
            .exclude(closed_at__gte=cutoff)
        )

    def open(self):
        return self.exclude(status=Enquiry.Status.CLOSED)


class Enquiry(models.Model):
    """One person's enquiry to one service. Sending to several services at once makes one
    enquiry each (sharing a `group`), so each provider sees, answers and closes only its own."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        REPLIED = "replied", "Replied"
        CLOSED = "closed", "Closed"

    class ForWhom(models.TextChoices):
        MYSELF = "myself", "Myself"
        FAMILY = "family", "A family member or friend I help"
        PROFESSIONAL = "professional", "Someone I support in my work"

    class Start(models.TextChoices):
        ASAP = "asap", "As soon as possible"
        DATE = "date", "From a date"
        UNSURE = "unsure", "I am not sure yet"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    group = models.UUIDField(default=uuid4, db_index=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="enquiries")
    # Kept with the enquiry so the inbox is the organisation's even if the listing moves.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="enquiries"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
    )
    sender_name = models.CharField(max_length=100)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    for_whom = models.CharField(max_length=20, choices=ForWhom.choices)
    person_name = models.CharField(max_length=100, blank=True)
    needs = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    start = models.CharField(max_length=10, choices=Start.choices, default=Start.UNSURE)
    start_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    first_replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # When the retention period emptied it: the row stays (with its service, dates and status)
    # for the response times and the market statement's counts, the words and the people go.
    expired_at = models.DateTimeField(null=True, blank=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"Enquiry to {self.service} on {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("plans:enquiry", kwargs={"uuid": self.uuid})

    def get_provider_url(self) -> str:
        return reverse("plans:provider_enquiry", kwargs={"uuid": self.uuid})


class EnquiryMessage(models.Model):
    """One message in an enquiry's thread: the person's follow-ups and the provider's replies."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_provider = models.BooleanField(default=False)
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        side = "provider" if self.from_provider else "person"
        return f"Message from the {side} on {self.enquiry}"


# --- support plans ----------------------------------------------------------------------------


class OutcomeOption(models.Model):
    """An outcome people often want, kept by the council (a Wagtail snippet) for people to choose
    in their plans; anyone may also write their own. Retire one with `active`, never delete it:
    plans and reviews point at it."""

    class Audience(models.TextChoices):
        PERSON = "person", "People who draw on care and support"
        CARER = "carer", "Carers"

    name = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PERSON)
    hint = models.CharField(max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["audience", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["audience", "name"], name="outcome_option_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SupportPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans a person owns or that were shared with them (and not revoked); for a
        practitioner also those made from an assessment of one of their teams."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        visible = Q(owner=user) | Q(shares__user=user, shares__revoked_at__isnull=True)
        if has_role(user, Role.PRACTITIONER):
            visible |= Q(assessment__team__members=user)
        return self.filter(visible).distinct()


class SupportPlan(models.Model):
    """A person's costed support plan: their outcomes, lines of support and budget."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        PANEL = "panel", "With the panel"
        AGREED = "agreed", "Agreed"

    class BudgetSource(models.TextChoices):
        RAS = "ras", "The council's indicative budget calculator"
        COUNCIL = "council", "A letter or message from the council"
        OWN = "own", "My own estimate"
        OTHER = "other", "Somewhere else"

    class MoneyManagement(models.TextChoices):
        DIRECT_PAYMENT = "direct-payment", "Direct payment (I or someone for me manage it)"
        COUNCIL = "council", "Council-managed personal budget"
        ISF = "isf", "Individual service fund (a provider manages it)"
        SELF_FUNDED = "self-funded", "I pay for my own care"
        UNDECIDED = "undecided", "Not decided yet"

    class PlanFor(models.TextChoices):
        PERSON = "person", "The person's own support"
        CARER = "carer", "A carer's own support as a carer"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_plans"
    )
    person_name = models.CharField("Who the plan is for", max_length=100)
    plan_for = models.CharField(max_length=10, choices=PlanFor.choices, default=PlanFor.PERSON)
    # The outcomes' texts in order, kept in step with PlanOutcome rows by the services (the rows
    # are what lines and reviews point at; this list is what older readers and exports use).
    outcomes = models.JSONField(default=list, blank=True)
    needs = models.JSONField(default=list, blank=True)
    contingency = models.TextField(
        "If something goes wrong", max_length=CONTINGENCY_MAX_LENGTH, blank=True
    )
    budget = models.DecimalField(**MONEY, null=True, blank=True)
    budget_source = models.CharField(max_length=10, choices=BudgetSource.choices, blank=True)
    budget_source_detail = models.CharField(max_length=200, blank=True)
    # The RAS result the budget came from, when it did; its scheme judges the tolerance.
    assessment = models.ForeignKey(
        "ras.Assessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_plans",
    )
    money_management = models.CharField(
        max_length=20, choices=MoneyManagement.choices, default=MoneyManagement.UNDECIDED
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sign-off (issue 17). A plan outside tolerance is referred to the panel (`referred_at`);
    # the agreed personal budget a week is the council's share plus the person's assessed
    # contribution; a third-party top-up pays on top of it. All blank until agreed, and for a
    # plan the council does not fund. `agreed_within_tolerance` is the agreed budget judged
    # against the indicative budget by the assessment's scheme when it was agreed.
    referred_at = models.DateTimeField(null=True, blank=True)
    agreed_budget = models.DecimalField("Personal budget (agreed)", **MONEY, null=True, blank=True)
    council_share = models.DecimalField(**MONEY, null=True, blank=True)
    person_contribution = models.DecimalField(**MONEY, null=True, blank=True)
    top_up = models.DecimalField("Third-party top-up", **MONEY, null=True, blank=True)
    agreed_within_tolerance = models.BooleanField(null=True, blank=True)
    # What the person's support cost a week before the RAS (Bath's "cost of package prior to
    # the RAS being applied"), when a practitioner knows it.
    cost_before_ras = models.DecimalField(**MONEY, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"Support plan for {self.person_name}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", kwargs={"uuid": self.uuid})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PlanEvent(models.Model):
    """One step in a plan's sign-off, for its history: who did what, when, at what figure."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for agreement"
        AGREED = "agreed", "Agreed by a practitioner under delegated authority"
        REFERRED = "referred", "Referred to the panel"
        PANEL_AGREED = "panel-agreed", "Agreed by the panel"
        PANEL_AMOUNT = "panel-amount", "Agreed by the panel at a different amount"
        PANEL_SENT_BACK = "panel-back", "Sent back by the panel"
        REOPENED = "reopened", "Taken back to draft"
        COST_BEFORE = "cost-before", "Cost of support before the RAS recorded"
        HANDED_OVER = "handed-over", "Handed to the person by the practitioner"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The figure the step was about: the plan's weekly cost when submitted or referred, the
    # agreed personal budget, the cost before the RAS.
    figure = models.DecimalField(**MONEY, null=True, blank=True)
    reasons = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.plan} on {self.created_at:%Y-%m-%d}"


class PlanLine(models.Model):
    """A line of support: a catalogue service at one of its prices and a quantity a week, a
    no-cost / informal support, or support the catalogue does not list: a personal assistant
    employed directly (hourly pay x hours a week, plus the employer's costs at the rates copied
    onto the line), a membership or subscription (a yearly cost, shown a week) or a one-off item
    (shown apart from the weekly cost, added to the first year's). The price is copied when the
    line is added, so a plan keeps what it was costed at; the plan page says when the provider's
    price has changed since."""

    class Kind(models.TextChoices):
        SERVICE = "service", "Catalogue service"
        INFORMAL = "informal", "No-cost or informal support"
        PA = "pa", "Personal assistant employed directly"
        MEMBERSHIP = "membership", "Membership or subscription"
        ONE_OFF = "one-off", "One-off item"

    class PaidBy(models.TextChoices):
        """How a paid line is paid for; a plan may mix them (Care Act guidance: direct payment,
        council-managed, an individual service fund, or a combination)."""

        DIRECT_PAYMENT = "direct-payment", "Direct payment"
        COUNCIL = "council", "Arranged by the council"
        ISF = "isf", "Individual service fund"
        PERSON = "person", "Paid by the person or their family"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_lines"
    )
    price_option = models.ForeignKey(
        PriceOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=200)
    provided_by = models.CharField(max_length=200, blank=True)
    option_label = models.CharField(max_length=100, blank=True)
    unit_amount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    unit = models.CharField(max_length=10, blank=True)
    quantity = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0.00"))
    notes = models.CharField(max_length=300, blank=True)
    # Blank: not decided yet (and always blank on a no-cost support).
    paid_by = models.CharField(max_length=20, choices=PaidBy.choices, blank=True)
    isf_provider = models.CharField(
        "Provider managing the individual service fund", max_length=200, blank=True
    )
    serves = models.ManyToManyField("PlanOutcome", blank=True, related_name="lines")
    # A PA line's employer rates (costing.EmployerRates.as_mapping) as they were when it was added.
    employer_rates = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="plan_line_quantity"),
            models.CheckConstraint(condition=Q(unit_amount__gte=0), name="plan_line_amount"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def weekly_cost(self) -> Decimal:
        """What the line costs a week; a one-off item costs nothing a week (see one_off_cost)."""
        if self.kind in (self.Kind.INFORMAL, self.Kind.ONE_OFF):
            return Decimal("0.00")
        if self.kind == self.Kind.PA:
            return self.pa_costs.weekly
        return costing.line_weekly_cost(self.unit_amount, self.unit, self.quantity)

    @property
    def one_off_cost(self) -> Decimal:
        return self.unit_amount if self.kind == self.Kind.ONE_OFF else Decimal("0.00")

    @property
    def pa_costs(self) -> costing.PaCosts:
        """A PA line's cost part by part, at the rates copied onto the line."""
        rates = costing.EmployerRates.from_mapping(self.employer_rates)
        return costing.pa_costs(self.unit_amount, self.quantity, rates)

    @property
    def route_label(self) -> str:
        """How the line is paid, in words ('Individual service fund with Holly Homecare')."""
        if self.kind == self.Kind.INFORMAL:
            return "No cost"
        if not self.paid_by:
            return "Not decided yet"
        if self.paid_by == self.PaidBy.ISF:
            return f"Individual service fund with {self.isf_provider}"
        return self.get_paid_by_display()

    @property
    def is_costed_weekly(self) -> bool:
        return self.kind not in (self.Kind.INFORMAL, self.Kind.ONE_OFF)

    @property
    def unit_words(self) -> str:
        singular, plural = costing.UNIT_WORDS.get(self.unit, ("unit", "units"))
        return singular if self.quantity == 1 else plural


class PlanOutcome(models.Model):
    """One outcome on a plan: chosen from the council's list (`option`, with its name copied) or
    in the person's own words. Lines say which outcomes they serve; reviews record progress."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="outcome_items")
    option = models.ForeignKey(
        OutcomeOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=300)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanReviewQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=PlanReview.Status.PENDING)

    def done(self):
        return self.filter(status=PlanReview.Status.DONE)


class PlanReview(models.Model):
    """A review of an agreed plan: scheduled (the first 6 to 8 weeks after agreement, then at
    least every 12 months) or unscheduled (asked for early when things change). Once recorded
    it says how each outcome is going, what changes, the cost in the period, the person's own
    view and the decision; an unscheduled one may carry a new estimate beside the old budget."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled review"
        UNSCHEDULED = "unscheduled", "Early (unscheduled) review"

    class Status(models.TextChoices):
        PENDING = "pending", "To do"
        DONE = "done", "Done"

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the plan as it is"
        CHANGE = "change", "Change the plan"
        REASSESS = "reassess", "Reassess the person's needs"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SCHEDULED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    due_on = models.DateField(db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    cost_in_period = models.DecimalField(**MONEY, null=True, blank=True)
    person_view = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    # The plan's weekly cost and budget when the review was recorded, and a new estimate (an
    # unscheduled review's reassessment), so the page shows the new estimate beside the old.
    weekly_cost = models.DecimalField(**MONEY, null=True, blank=True)
    previous_budget = models.DecimalField(**MONEY, null=True, blank=True)
    new_estimate = models.DecimalField(**MONEY, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlanReviewQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.plan} due {self.due_on}"


class PlanReviewOutcome(models.Model):
    """How one outcome is going, recorded at a review (its text copied, so it stays readable)."""

    class Progress(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_YET = "not-yet", "Not achieved yet"

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.ForeignKey(
        PlanOutcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="progress"
    )
    text = models.CharField(max_length=300)
    progress = models.CharField(max_length=10, choices=Progress.choices)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.text}: {self.get_progress_display()}"


class PlanShare(models.Model):
    """An invitation for a named helper to see (or also change) a plan, sent by e-mail."""

    class Access(models.TextChoices):
        VIEW = "view", "See the plan"
        EDIT = "edit", "See and change the plan"

    token = models.UUIDField(default=uuid4, unique=True, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="shares")
    name = models.CharField(max_length=100)
    email = models.EmailField()
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.VIEW)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_shares",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} shared with {self.email}"

    @property
    def accept_path(self) -> str:
        return reverse("plans:share_accept", kwargs={"token": self.token})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PlanLinkQuerySet(models.QuerySet):
    def confirmed(self):
        """Links both sides confirmed and neither has ended."""
        return self.filter(to_plan__isnull=False, confirmed_at__isnull=False, ended_at__isnull=True)

    def pending(self):
        return self.filter(confirmed_at__isnull=True, ended_at__isnull=True)

    def of_plan(self, plan):
        return self.filter(Q(from_plan=plan) | Q(to_plan=plan))


class PlanLink(models.Model):
    """A carer's own plan linked with the plan of the person they care for (Care Act guidance
    on combining plans), when both agree. One side asks by e-mail, which is their confirmation;
    the other confirms by choosing their own plan of the other kind. Until then neither sees the
    other's plan; once linked both owners see them side by side; either may unlink."""

    token = models.UUIDField(default=uuid4, unique=True, editable=False)
    from_plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="links_asked")
    to_plan = models.ForeignKey(
        SupportPlan,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links_confirmed",
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Link from {self.from_plan} ({self.email})"

    @property
    def accept_path(self) -> str:
        return reverse("plans:link_accept", kwargs={"token": self.token})

    @property
    def is_linked(self) -> bool:
        return self.to_plan_id is not None and self.confirmed_at is not None and not self.ended_at

    def other_plan(self, plan: SupportPlan) -> SupportPlan | None:
        """The plan on the other side of the link from `plan` (None until confirmed)."""
        if plan.pk == self.from_plan_id:
            return self.to_plan
        return self.from_plan

    @property
    def carer_plan(self) -> SupportPlan | None:
        for plan in (self.from_plan, self.to_plan):
            if plan is not None and plan.plan_for == SupportPlan.PlanFor.CARER:
                return plan
        return None

    @property
    def cared_for_plan(self) -> SupportPlan | None:
        for plan in (self.from_plan, self.to_plan):
            if plan is not None and plan.plan_for == SupportPlan.PlanFor.PERSON:
                return plan
        return None


# --- usage figures ----------------------------------------------------------------------------


class ListingWeek(models.Model):
    """How often a listing was viewed, shortlisted and enquired about in one week (Monday)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="usage_weeks")
    week = models.DateField(help_text="The Monday the week starts on.")
    views = models.PositiveIntegerField(default=0)
    shortlists = models.PositiveIntegerField(default=0)
    enquiries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["service", "week"], name="listing_week_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} in the week of {self.week}"
