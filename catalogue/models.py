"""The provider catalogue: organisations, their staff, services, prices, places.

Rules live in catalogue/services/; these models hold data and the read-side QuerySets.
"""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .titles import title_parts

if TYPE_CHECKING:
    from .selectors import PublicLocation

MONEY = {"max_digits": 10, "decimal_places": 2}


class Unit(models.TextChoices):
    """The unit a price is quoted in; categories name their reference unit from the same list."""

    HOUR = "hour", "per hour"
    VISIT = "visit", "per visit"
    SESSION = "session", "per session"
    DAY = "day", "per day"
    NIGHT = "night", "per night"
    WEEK = "week", "per week"
    MONTH = "month", "per month"
    YEAR = "year", "per year"
    ONE_OFF = "one-off", "one-off"
    FREE = "free", "free"


class PriceKind(models.TextChoices):
    """What a price is for in the week: the market rate counts a service once, by its standard
    (weekday daytime) price or a commissioner-set blend of these kinds."""

    STANDARD = "standard", "Standard (weekday daytime)"
    EVENINGS_WEEKENDS = "evenings-weekends", "Evenings and weekends"
    NIGHTS = "nights", "Nights"
    BANK_HOLIDAYS = "bank-holidays", "Bank holidays"
    OTHER = "other", "Other"


class CQCRating(models.TextChoices):
    OUTSTANDING = "Outstanding", "Outstanding"
    GOOD = "Good", "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement", "Requires improvement"
    INADEQUATE = "Inadequate", "Inadequate"


# --- places -----------------------------------------------------------------------------------


class Locality(models.Model):
    """An area the council plans by (a market town and its hinterland, a ward or a district)."""

    class Kind(models.TextChoices):
        MARKET_TOWN = "market-town", "Market town"
        WARD = "ward", "Ward"
        DISTRICT = "district", "District"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MARKET_TOWN)
    postcode_districts = models.JSONField(
        default=list, blank=True, help_text="Outward codes in this locality, e.g. SY1, SY2."
    )
    # Centroid on the British National Grid (metres).
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    """A postcode and where it is, from the ONS Postcode Directory (never looked up online)."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised: 'SY1 1AA'.")
    district = models.CharField(max_length=4, db_index=True, help_text="The outward code.")
    easting = models.PositiveIntegerField()
    northing = models.PositiveIntegerField()
    local_authority = models.CharField(max_length=9, blank=True, db_index=True)
    locality = models.ForeignKey(
        Locality, null=True, blank=True, on_delete=models.SET_NULL, related_name="postcodes"
    )

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode


# --- taxonomy ---------------------------------------------------------------------------------


class CategoryQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)


class Category(models.Model):
    """A two-level taxonomy of services; each category names the unit its market price uses."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    reference_unit = models.CharField(
        max_length=10,
        choices=Unit.choices,
        blank=True,
        help_text="The unit market prices of this category are compared in.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Categories have two levels only."})
        if self.parent_id and self.pk and self.children.exists():
            raise ValidationError({"parent": "A category with sub-categories must be top level."})

    @property
    def effective_unit(self) -> str:
        return self.reference_unit or (self.parent.reference_unit if self.parent_id else "")


class ClientGroup(models.Model):
    """Who a service is for (older people, learning disability, ...). Seeded by a migration."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class FundingType(models.Model):
    """How a service may be paid for (self-funded, direct payment, ...). Seeded by a migration."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


# --- partner directories ----------------------------------------------------------------------


class PartnerSource(models.Model):
    """Another directory (e.g. a neighbouring council's Open Referral UK API) whose services we
    show as read-only partner listings, refreshed by manage.py import_openreferral."""

    name = models.CharField(max_length=200, help_text="Who publishes it, e.g. 'Telford Council'.")
    slug = models.SlugField(max_length=100, unique=True)
    base_url = models.URLField(
        blank=True, help_text="The ORUK API's address, e.g. https://example.gov.uk/api/v3/."
    )
    origin = models.CharField(
        max_length=500, blank=True, help_text="Where the last refresh came from (URL or file)."
    )
    website = models.URLField(blank=True, help_text="The partner's own directory, for people.")
    licence = models.CharField(max_length=200, blank=True, default="Open Government Licence v3.0")
    attribution = models.CharField(max_length=300, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- organisations ----------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Organisation.Status.ACTIVE)

    def unclaimed(self):
        """Nobody manages it yet (partner directories' organisations cannot be claimed)."""
        return self.filter(memberships__isnull=True, partner_source__isnull=True)

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        CHARITY = "charity", "Charity"
        CIC = "cic", "Community interest company"
        SOLE_TRADER = "sole-trader", "Sole trader or personal assistant"
        COUNCIL = "council", "Council in-house service"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        ACTIVE = "active", "Active"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"

    class Source(models.TextChoices):
        REGISTERED = "registered", "Registered by the provider"
        CQC = "cqc", "Loaded from CQC data"
        COUNCIL = "council", "Added by the council"
        PARTNER = "partner", "Listed by a partner directory"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Partner listings (read-only, refreshed from another directory) keep the partner's id.
    partner_source = models.ForeignKey(
        PartnerSource, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    external_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    companies_house_number = models.CharField(max_length=8, blank=True)
    charity_number = models.CharField(max_length=10, blank=True)
    cqc_provider_id = models.CharField(max_length=20, blank=True, db_index=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.REGISTERED)
    status_reason = models.TextField(blank=True, help_text="Why it was rejected or suspended.")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cqc_provider_id"],
                condition=~models.Q(cqc_provider_id=""),
                name="organisation_unique_cqc_provider_id",
                violation_error_message="Another organisation already has this CQC provider ID.",
            ),
            models.UniqueConstraint(
                fields=["partner_source", "external_id"],
                condition=models.Q(partner_source__isnull=False),
                name="organisation_unique_partner_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue:organisation", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A person's place in an organisation: owners manage people, editors manage listings."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The enquiries (names, phone numbers, health needs) a member may read start here: when
    # they joined, or, for someone a colleague invited, when that colleague's access began.
    # A claimant of an organisation nobody manages starts afresh and never reads the enquiries
    # sent to the people who ran it before.
    enquiries_from = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.organisation}"


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation; the link carries the token."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def accept_path(self) -> str:
        """Where the e-mailed link points (the provider pages' invitation view)."""
        return f"/provider/invitations/{self.token}/"

    @property
    def is_open(self) -> bool:
        return not self.accepted_at and not self.cancelled_at and self.expires_at > timezone.now()


class Claim(models.Model):
    """A request by a signed-in person to manage an organisation the council loaded (from CQC)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    job_title = models.CharField(max_length=100)
    evidence = models.TextField(
        max_length=2000, help_text="How we can check you work for this organisation."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Claim of {self.organisation} by {self.user}"


# --- services ---------------------------------------------------------------------------------


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            status=Service.Status.PUBLISHED, organisation__status=Organisation.Status.ACTIVE
        )

    def visible(self, *, now=None):
        """Published and not stale: what the public may find (stale = unconfirmed 12 months)."""
        from catalogue.rules import stale_cutoff

        return self.published().filter(last_confirmed_at__gte=stale_cutoff(now or timezone.now()))

    def stale(self, *, now=None):
        from catalogue.rules import stale_cutoff

        return self.published().filter(last_confirmed_at__lt=stale_cutoff(now or timezone.now()))

    def serving(self, place):
        """Services that serve `place` (a catalogue.selectors.Place, a Postcode or a Locality):
        the one rule of catalogue.selectors, which the API, search and the market statement
        also follow."""
        from catalogue.selectors import Place, services_serving

        if isinstance(place, Postcode):
            place = Place.of_postcode(place)
        elif isinstance(place, Locality):
            place = Place.of(place)
        return services_serving(self, place)

    def own(self):
        """The council's own catalogue, without partner directories' listings."""
        return self.filter(partner_source__isnull=True)

    def from_partners(self):
        return self.filter(partner_source__isnull=False)

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user)


def validate_not_in_the_future(value) -> None:
    """A date that has happened: a service cannot have started trading tomorrow."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            "The date the service started trading must be today or in the past.", code="future"
        )


class Service(models.Model):
    """A listing: one thing a provider offers, where, for whom and at what price."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Waiting for approval"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"
        ARCHIVED = "archived", "Archived"

    class Hold(models.TextChoices):
        NONE = "", "No hold"
        REJECTED = "rejected", "Rejected by a moderator"
        SUSPENDED = "suspended", "Suspended by a moderator"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    # Partner listings (read-only, refreshed from another directory) keep the partner's id.
    partner_source = models.ForeignKey(
        PartnerSource, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    external_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences for results.")
    description = models.TextField(blank=True, max_length=10_000)
    categories = models.ManyToManyField(Category, related_name="services")
    client_groups = models.ManyToManyField(ClientGroup, blank=True, related_name="services")
    funding_accepted = models.ManyToManyField(FundingType, blank=True, related_name="services")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(blank=True)
    # Set when a moderator rejects or suspends the listing; only a moderator lifts it (approve,
    # restore). Whatever the provider or a partner import does meanwhile (archive, edit, submit
    # again), the listing cannot be published past it.
    moderator_hold = models.CharField(
        max_length=20, choices=Hold.choices, default=Hold.NONE, blank=True
    )

    # Where: localities served and/or a radius from the premises.
    localities_served = models.ManyToManyField(Locality, blank=True, related_name="services")
    radius_km = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text="Serves this far from the premises, in kilometres.",
    )
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    northing = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    locality = models.ForeignKey(
        Locality, null=True, blank=True, on_delete=models.SET_NULL, related_name="based_services"
    )
    hide_exact_address = models.BooleanField(
        default=False, help_text="Show only the town and postcode district (e.g. for homes)."
    )

    # Contact and practicalities.
    contact_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    opening_times = models.JSONField(default=list, blank=True)
    accessibility_features = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)

    # CQC registration and rating.
    cqc_location_id = models.CharField(max_length=20, blank=True, db_index=True)
    cqc_overall = models.CharField(max_length=25, choices=CQCRating.choices, blank=True)
    cqc_safe = models.CharField(max_length=25, choices=CQCRating.choices, blank=True)
    cqc_effective = models.CharField(max_length=25, choices=CQCRating.choices, blank=True)
    cqc_caring = models.CharField(max_length=25, choices=CQCRating.choices, blank=True)
    cqc_responsive = models.CharField(max_length=25, choices=CQCRating.choices, blank=True)
    cqc_well_led = models.CharField(max_length=25, choices=CQCRating.choices, blank=True)
    cqc_report_date = models.DateField(null=True, blank=True)
    beds = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the service started trading (issue 17), not when its listing joined the site: the
    # market statement's "services opened" counts by it. From the provider, a bulk upload or the
    # CQC registration date; optional (a listing without it is not counted as opened).
    started_trading_on = models.DateField(
        null=True, blank=True, validators=[validate_not_in_the_future]
    )

    # Availability.
    accepting_new_clients = models.BooleanField(null=True, blank=True)
    vacancies = models.PositiveSmallIntegerField(null=True, blank=True)
    earliest_start = models.DateField(null=True, blank=True)
    availability_updated_at = models.DateTimeField(null=True, blank=True)

    # On a council framework or contract (issue 17): set only by commissioners
    # (services.service_framework_set), never by a provider's form, bulk upload, partner
    # import or the API, so not editable in any model form either.
    on_council_framework = models.BooleanField(default=False, editable=False)
    framework_note = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Which framework or contract, e.g. 'Home care framework 2026 to 2030'.",
    )

    # Review summary, kept by the ratings app (through catalogue.services) for pages and search:
    # published reviews of the last 24 months, and their ranking score (a Bayesian average).
    review_count = models.PositiveIntegerField(default=0)
    review_mean = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    review_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)

    # Life cycle.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_confirmed_at = models.DateTimeField(default=timezone.now)
    stale_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "last_confirmed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["partner_source", "external_id"],
                condition=models.Q(partner_source__isnull=False),
                name="service_unique_partner_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue:service", kwargs={"slug": self.slug})

    @property
    def public_location(self) -> "PublicLocation":
        """Where the listing is as far as the public may know (catalogue.selectors): what every
        page, the API and search show, never the raw address of a hidden listing."""
        from catalogue.selectors import public_location

        return public_location(self)

    @property
    def public_title(self) -> str:
        """The name the public sees wherever a service is named (results, its page, shortlist,
        compare, plans, enquiries and their e-mails): "Provider: Service name in Town", nothing
        said twice (catalogue.titles). The raw name stays for the provider's own pages and
        for open data."""
        return "".join(self.public_title_parts)

    @property
    def public_title_parts(self) -> tuple[str, str, str]:
        """public_title as (before the name, the name, after it)."""
        town = self.town or (self.locality.name if self.locality_id else "")
        return title_parts(self.organisation.name, self.name, town)

    @property
    def cqc_report_url(self) -> str:
        return (
            f"https://www.cqc.org.uk/location/{self.cqc_location_id}"
            if self.cqc_location_id
            else ""
        )


class ServicePhoto(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(
        max_length=200, help_text="What the photo shows, for screen readers."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.alt_text


# The fields a PriceRecord copies: a change to any of them is a new price in the history.
PRICE_HISTORY_FIELDS = frozenset(
    {"label", "amount", "unit", "kind", "valid_from", "valid_to", "service", "service_id"}
)


def _refuse_unrecorded_prices(fields) -> None:
    priced = sorted(PRICE_HISTORY_FIELDS.intersection(fields))
    if priced:
        raise TypeError(
            "Prices are changed through catalogue.services.price_option_save, which records "
            f"the history; a bulk update of {', '.join(priced)} is refused."
        )


class PriceOptionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A bulk update would change prices without a line in the history the market figures
        # read; prices change one at a time through services.price_option_save. Other fields
        # (the order they are shown in) may still be updated in bulk.
        _refuse_unrecorded_prices(kwargs)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse_unrecorded_prices(fields)  # before its transaction starts, which would be spoilt
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def current(self, *, on=None):
        day = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class PriceOption(models.Model):
    """One price a service charges: an amount in a unit, with conditions and validity dates."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="price_options")
    label = models.CharField(max_length=100)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    unit = models.CharField(max_length=10, choices=Unit.choices)
    kind = models.CharField(
        max_length=20,
        choices=PriceKind.choices,
        default=PriceKind.STANDARD,
        help_text="When the price applies: the standard price is the one the market rate counts.",
    )
    conditions = models.CharField(max_length=300, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = PriceOptionQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="price_valid_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: £{self.amount} {self.get_unit_display()}"


class PriceRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Price history is append-only.")

    def delete(self):
        raise TypeError("Price history is append-only.")


class PriceRecord(models.Model):
    """Append-only price history: one row each time a price option is set, changed or withdrawn.

    A record's span runs from `recorded_at` to the next record of the same option; a withdrawal
    has no amount. Rows are never edited or deleted: save() and delete() refuse, and so does the
    database (a trigger, catalogue migration 0010), whatever path the statement takes.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="price_records")
    option_uuid = models.UUIDField(db_index=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(max_length=100)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    kind = models.CharField(max_length=20, choices=PriceKind.choices, default=PriceKind.STANDARD)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PriceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        amount = f"£{self.amount}" if self.amount is not None else "withdrawn"
        return f"{self.label}: {amount} {self.get_unit_display()} from {self.recorded_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Price history is append-only: records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Price history is append-only: records cannot be deleted.")


class ListingReport(models.Model):
    """Anyone can tell the council a listing is wrong; moderators work through the reports."""

    class Reason(models.TextChoices):
        WRONG_DETAILS = "wrong-details", "The details are wrong or out of date"
        CLOSED = "closed", "The service has closed"
        PRICES = "prices", "The prices are wrong"
        CONCERN = "concern", "I am worried about the care or safety of someone"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    message = models.TextField(max_length=2000)
    email = models.EmailField(blank=True, help_text="Only if the reporter wants a reply.")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Report on {self.service}: {self.get_reason_display()}"


class ServiceChange(models.Model):
    """The change log of a listing: who did what, when, and which fields changed (old -> new)."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"
        RESTORED = "restored", "Restored"
        ARCHIVED = "archived", "Archived"
        PRICES = "prices", "Prices changed"
        AVAILABILITY = "availability", "Availability updated"
        CONFIRMED = "confirmed", "Confirmed as correct"
        REMINDED = "reminded", "Reminder sent"
        IMPORTED = "imported", "Imported"
        FRAMEWORK = "framework", "Council framework changed"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.service} at {self.created_at:%Y-%m-%d %H:%M}"
