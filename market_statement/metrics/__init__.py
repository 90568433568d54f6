"""Market figures from the live catalogue: the selectors behind every data block and the
commissioner dashboard. Reads only; the maths is in stats.py, the shape of a result in
figures.py.

Rules every metric follows:
- "On the market" means what the public can find: published, confirmed in the last 12 months,
  from an active organisation (Service.objects.visible()).
- A service is "in" a locality if it serves it by the catalogue's one rule
  (catalogue.selectors.serves, the rule search and the API follow): it is based there, lists the
  locality as an area served, or its own radius reaches the locality's centre; it is "in" a
  category if it is listed under it or under one of its sub-categories.
- Prices are compared only in the category's reference unit (Category.effective_unit); a price
  in another unit (a weekly live-in price in "Care at home", which is priced per hour) is left
  out rather than converted.
- Queries are bounded: each metric reads the catalogue in a fixed number of queries (one per
  table it needs) and aggregates in Python, so the cost in queries never grows with the number
  of services.
- Results are cached for MARKET_STATEMENT_CACHE_SECONDS (default 300), keyed by metric and
  options; any change to a service or a price moves a version number in the key (apps.py), so
  live figures are never older than the last catalogue change.

The package, one module per kind of block; every public name is re-exported here, so callers
import `market_statement.metrics` and never a module of it:
- registry: the options a block asks with, the registry of metrics (@metric), compute() and
  the cache (figures_for, invalidate_cache);
- reading: the catalogue as the metrics read it (Reference, Listings, on_the_market);
- shared: what the blocks share (scope, summary wording, rows by category or locality, periods);
- the blocks, each registering its metrics on import: supply, price, quality, coverage (gaps
  and the dashboard's matrix), demand, ras, plans.
"""

# The blocks register their metrics in this order, which is the order their forms list them.
# isort: off
from .registry import (
    CACHE_VERSION_KEY,
    METRICS,
    Metric,
    Options,
    PERIOD_CHOICES,
    cache_seconds,
    choices_for,
    compute,
    figures_for,
    invalidate_cache,
    metric,
)
from .reading import (
    CategoryInfo,
    Listings,
    NOT_KNOWN,
    Reference,
    SERVICE_FIELDS,
    on_the_market,
)
from .shared import (
    Membership,
    period_start,
)
from .supply import (
    care_homes,
    openings_closures,
    providers_services,
)
from .price import (
    UNIT_LABELS,
    price_summary,
    price_trend,
    prices_at,
)
from .quality import (
    CQC_ORDER,
    NOT_RATED,
    cqc_ratings,
    review_scores,
)
from .coverage import (
    coverage_matrix,
    gaps,
    locality_gaps,
)
from .demand import (
    low_result_searches,
    marketplace_activity,
)
from .ras import (
    ras_rate,
)
from .plans import (
    plan_reviews,
)
# isort: on

__all__ = [
    "CACHE_VERSION_KEY",
    "CQC_ORDER",
    "CategoryInfo",
    "Listings",
    "METRICS",
    "Membership",
    "Metric",
    "NOT_KNOWN",
    "NOT_RATED",
    "Options",
    "PERIOD_CHOICES",
    "Reference",
    "SERVICE_FIELDS",
    "UNIT_LABELS",
    "cache_seconds",
    "care_homes",
    "choices_for",
    "compute",
    "coverage_matrix",
    "cqc_ratings",
    "figures_for",
    "gaps",
    "invalidate_cache",
    "locality_gaps",
    "low_result_searches",
    "marketplace_activity",
    "metric",
    "on_the_market",
    "openings_closures",
    "period_start",
    "plan_reviews",
    "price_summary",
    "price_trend",
    "prices_at",
    "providers_services",
    "ras_rate",
    "review_scores",
]
