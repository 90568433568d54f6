"""Prevention first on the estimate (issue 17): the result page points to help that can prevent,
reduce or delay the need for care (reablement, telecare, community equipment) and to community
services, each where the answers show a need it meets.

The care journey in the council papers puts information, advice and reablement before
long-term support, so a person sees these before (or, with a £0 estimate, instead of) a support
plan. Each signpost is a category of the service taxonomy (catalogue/data/categories.yaml),
named by its slug: the page shows the category's own name and description from the catalogue
and links to it in search, so nothing is hard-coded that can go stale, and a category the
council has not loaded is left out rather than linked to an empty page. Which domains make a
signpost relevant is by the domain slugs of the demo scheme (marketplace/demo/content/ras/
scheme.yaml), which a council's own scheme may share; a scheme whose domains match none still
gets the three prevention signposts when it finds needs.

`relevant_signposts` is pure (no Django); `signposts_for` reads the scheme and the categories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

CARER = "carer"  # stands for any domain of the carer kind


@dataclass(frozen=True)
class Rule:
    category: str
    domains: tuple[str, ...]
    prevention: bool = False


RULES: tuple[Rule, ...] = (
    Rule(
        "reablement",
        ("personal-care", "mobility", "daily-living", "eating-and-drinking", "medicines"),
        prevention=True,
    ),
    Rule("community-equipment", ("personal-care", "mobility", "daily-living", "housing"), True),
    Rule("telecare", ("safety", "medicines", "mobility"), prevention=True),
    Rule("befriending", ("community", "relationships")),
    Rule("day-opportunities", ("community", "work-and-learning")),
    Rule("meals", ("eating-and-drinking",)),
    Rule("carers-support", (CARER,)),
)
# With no needs found (a £0 estimate) these community services are still offered.
COMMUNITY = ("befriending", "day-opportunities", "meals")


@dataclass(frozen=True)
class Match:
    """A category slug to signpost and the slugs of the domains that made it relevant (none
    when it is offered to everyone)."""

    category: str
    because: tuple[str, ...] = ()


def relevant_signposts(points_by_slug: Mapping[str, Decimal]) -> list[Match]:
    """The signposts for an assessment whose domains (by slug, a carer domain as CARER) scored
    `points_by_slug`, in the order of RULES. A domain with no points shows no need."""
    scored = {slug for slug, points in points_by_slug.items() if points > 0}
    matches = []
    for rule in RULES:
        because = tuple(slug for slug in rule.domains if slug in scored)
        if because:
            matches.append(Match(rule.category, because))
    if scored and not matches:
        # A scheme of the council's own whose domains we do not know: prevention still first.
        matches = [Match(rule.category) for rule in RULES if rule.prevention]
    if not scored:
        matches = [Match(slug) for slug in COMMUNITY]
    return matches


@dataclass(frozen=True)
class Signpost:
    name: str
    description: str
    url: str
    because: tuple[str, ...]
    prevention: bool


def signposts_for(assessment) -> list[Signpost]:
    """The signposts for an assessment, with the catalogue's words and a search link each;
    `because` names the domains (as the scheme calls them) that made each one relevant."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from catalogue.models import Category

    from .models import Domain

    domains = list(assessment.scheme_version.domains.all())
    by_name = {
        str(name): Decimal(str(points)) for name, points in assessment.points_by_domain.items()
    }
    points: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for domain in domains:
        slug = CARER if domain.kind == Domain.Kind.CARER else domain.slug
        points[slug] = points.get(slug, Decimal(0)) + by_name.get(domain.name, Decimal(0))
        names.setdefault(slug, domain.name)
    if assessment.carer_points:
        points[CARER] = points.get(CARER, Decimal(0)) + assessment.carer_points
    matches = relevant_signposts(points)
    categories = Category.objects.in_bulk([m.category for m in matches], field_name="slug")
    prevention = {rule.category for rule in RULES if rule.prevention}
    search = reverse("site_search")
    return [
        Signpost(
            name=categories[match.category].name,
            description=categories[match.category].description,
            url=f"{search}?{urlencode({'category': match.category})}",
            because=tuple(names.get(slug, slug) for slug in match.because),
            prevention=match.category in prevention,
        )
        for match in matches
        if match.category in categories
    ]
