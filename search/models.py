"""Catalogue search data: the demand signal of searches that found little, and the database
backend's denormalised index (see search/backends/database/)."""

from django.db import models
from django.utils import timezone


class LowResultSearch(models.Model):
    """A search that returned few or no results: a demand signal for the market position
    statement. It holds no personal data: the free text, a category slug, a locality slug
    (never a full postcode) and the other filter values, with how many results it found."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    text = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=100, blank=True, help_text="A category slug.")
    locality = models.CharField(
        max_length=100, blank=True, help_text="A locality slug; never a full postcode."
    )
    filters = models.JSONField(default=dict, blank=True, help_text="The other filter values.")
    total = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "low-result search"

    def __str__(self) -> str:
        where = f"{self.category or '-'} / {self.locality or '-'}"
        return f"{self.text or '(no text)'} [{where}]: {self.total}"


# --- the database backend's index (search/backends/database/) ---------------------------------
# One narrow row per published service of an active organisation, holding only integers so a
# query filters, counts facets and sorts without joining the catalogue tables. The free text
# lives beside it in a vendor table created by migration 0002: an FTS5 table on SQLite, a table
# with a tsvector and a GIN index on PostgreSQL.

# Money in the index is whole pence and ratings hundredths of a star: exact integers compare and
# sort faster than decimals and never round (the catalogue keeps the Decimal amounts).
PRICE_UNITS = (
    "hour", "visit", "session", "day", "night", "week", "month", "year", "one-off", "free",
)  # fmt: skip


def price_column(unit: str) -> str:
    return "price_" + unit.replace("-", "_")


class IndexedService(models.Model):
    """The denormalised search row of one service (see search.backends.database)."""

    # A plain "integer primary key" is SQLite's rowid itself: look-ups by service id go straight
    # to the row, with no second index (PositiveIntegerField's "integer unsigned" is not).
    service_id = models.IntegerField(primary_key=True)
    # Stale services (unconfirmed 12 months) are filtered at query time: staleness moves with
    # the clock while the row stays put.
    last_confirmed_at = models.DateTimeField(db_index=True)
    easting = models.PositiveIntegerField(null=True)
    northing = models.PositiveIntegerField(null=True)
    radius_m = models.PositiveIntegerField(null=True)  # the area it serves around its premises
    # Multi-valued facets as bitmasks over FacetKey.bit: bit n of the little-endian bytes is
    # the value with FacetKey.bit n, as many bytes as the highest bit needs, so a council may
    # plan by any number of localities (a 250-ward council: 32 bytes a row). The backend turns
    # them into one posting (bitset of service ids) per value when it reads the index
    # (search/backends/database/postings.py).
    category_mask = models.BinaryField(default=b"")
    client_group_mask = models.BinaryField(default=b"")
    funding_mask = models.BinaryField(default=b"")
    locality_mask = models.BinaryField(default=b"")  # served or based there
    cqc = models.PositiveSmallIntegerField(default=0)  # search.backends.database.CQC_CODES
    review_score = models.PositiveSmallIntegerField(null=True)  # hundredths of a star
    rating_floor = models.PositiveSmallIntegerField(null=True)  # whole stars, for the facet
    review_count = models.PositiveIntegerField(default=0)
    accepting = models.PositiveSmallIntegerField(null=True)  # 1 yes, 0 no, null unknown
    framework = models.PositiveSmallIntegerField(default=0)  # 1: on a council framework
    # The lowest current price in each unit, in pence, plus the lowest of any unit and the
    # headline price shown on the card.
    price_hour = models.PositiveIntegerField(null=True)
    price_visit = models.PositiveIntegerField(null=True)
    price_session = models.PositiveIntegerField(null=True)
    price_day = models.PositiveIntegerField(null=True)
    price_night = models.PositiveIntegerField(null=True)
    price_week = models.PositiveIntegerField(null=True)
    price_month = models.PositiveIntegerField(null=True)
    price_year = models.PositiveIntegerField(null=True)
    price_one_off = models.PositiveIntegerField(null=True)
    price_free = models.PositiveIntegerField(null=True)
    min_price = models.PositiveIntegerField(null=True)
    headline_price = models.PositiveIntegerField(null=True)
    headline_unit = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["easting", "northing"], name="search_idx_grid"),
            models.Index(fields=["northing"], name="search_idx_northing"),
        ]

    def __str__(self) -> str:
        return f"index row of service {self.service_id}"


class FacetKey(models.Model):
    """The bit a facet value (a category, client group, funding or locality slug) has in the
    index's bitmask columns; assigned once and kept, so index rows stay valid."""

    facet = models.CharField(max_length=20)
    key = models.CharField(max_length=100)
    bit = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "key"], name="search_facetkey_unique_key"),
            models.UniqueConstraint(fields=["facet", "bit"], name="search_facetkey_unique_bit"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}:{self.key} = bit {self.bit}"


class IndexState(models.Model):
    """One row: the state of the database backend's index, changed by every write: a token
    (random, so a rolled-back write can never make an old value come round again for a
    different index) and a sequence number that counts the writes (see IndexChange)."""

    token = models.CharField(max_length=32)
    sequence = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.sequence}: {self.token}"


class IndexChange(models.Model):
    """The log of index writes: which services the write with this sequence number changed
    (null: the whole index was rebuilt) and the token it left. A process that holds the index
    as postings at an older state patches in just these services
    (search/backends/database/postings.py); the last KEEP_CHANGES are kept."""

    sequence = models.PositiveBigIntegerField(primary_key=True)
    token = models.CharField(max_length=32)
    service_ids = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"index change {self.sequence}"


class SynonymGroup(models.Model):
    """One rule of the care vocabulary of catalogue search (search/understanding.py), edited by
    council editors in the admin. Seeded from search/data/synonyms.yaml."""

    rule = models.CharField(
        max_length=500,
        unique=True,
        help_text=(
            "Words and phrases separated by commas, which all find each other "
            "(“homecare, home care, domiciliary care”); or, to work one way only, "
            "“deaf, hard of hearing => deaf, hearing, sensory impairment” (the words on the left "
            "also find those on the right)."
        ),
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why this rule is here.")

    class Meta:
        ordering = ["rule"]
        verbose_name = "search synonym rule"

    def __str__(self) -> str:
        return self.rule

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from search.understanding import parse_rule

        if self.rule.count("=>") > 1:
            raise ValidationError({"rule": "Use “=>” at most once."})
        left, right = parse_rule(self.rule)
        if not left or not right or (len(left) < 2 and "=>" not in self.rule):
            raise ValidationError(
                {"rule": "Give at least two words or phrases, separated by commas."}
            )


class SearchWord(models.Model):
    """A word of the indexed texts and how many services use it: the vocabulary typos are
    corrected against (search.understanding.Speller). Rebuilt with the index; words of
    services indexed since are added with a count of 1."""

    word = models.CharField(max_length=40, primary_key=True)
    count = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.word} ({self.count})"


class PendingIndexUpdate(models.Model):
    """The search outbox: a service whose Elasticsearch update failed, or was skipped while the
    cluster was unavailable (search.backends.elasticsearch). One row per service, whatever the
    number of failures: the update re-reads the service when it is replayed, so only the latest
    state is ever written. Replayed by the next write that reaches the cluster and by
    `manage.py replay_search_outbox`; the database backend never needs it."""

    class Action(models.TextChoices):
        INDEX = "index", "index"
        DELETE = "delete", "delete"

    service_id = models.IntegerField(unique=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # When the update last failed (or was skipped): a write that started later supersedes it.
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["failed_at", "service_id"]
        verbose_name = "pending search index update"

    def __str__(self) -> str:
        return f"{self.action} service {self.service_id} ({self.attempts} attempts)"
