"""Prevention first on the estimate (issue 17): the result page signposts reablement, telecare,
community equipment and community services relevant to the answers, linking to those
categories in search; a £0 estimate offers advice and how to ask for a needs assessment, not a
support plan; the citizen page speaks plainly (no money per point, no "median of 5 services'
prices": that stays on the commissioner pages and for practitioners) and rounds the yearly
figure to the nearest £10."""

from decimal import Decimal

from django.core.management import call_command

import pytest
import yaml
from bs4 import BeautifulSoup

from catalogue.taxonomy import DEFAULT_FILE
from marketplace.ras import services
from marketplace.ras.models import Assessment
from marketplace.ras.signposts import CARER, COMMUNITY, RULES, Match, relevant_signposts
from tests.factories import CategoryFactory

from .conftest import FULL_ANSWERS

D = Decimal
NO_NEEDS = {"washing": "none", "dressing": "none", "risk": "yes", "carer_hours": "none"}


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text_of(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


# --- which signposts (pure) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        # Personal care needs: reablement and equipment, because of personal care.
        (
            {"personal-care": D(9), "safety": D(0)},
            [
                Match("reablement", ("personal-care",)),
                Match("community-equipment", ("personal-care",)),
            ],
        ),
        # Keeping safe: telecare; getting about adds reablement and equipment.
        (
            {"safety": D(4), "mobility": D(1)},
            [
                Match("reablement", ("mobility",)),
                Match("community-equipment", ("mobility",)),
                Match("telecare", ("safety", "mobility")),
            ],
        ),
        # Community life and meals: community services only.
        (
            {"community": D(3), "eating-and-drinking": D(0)},
            [Match("befriending", ("community",)), Match("day-opportunities", ("community",))],
        ),
        (
            {"eating-and-drinking": D(2)},
            [
                Match("reablement", ("eating-and-drinking",)),
                Match("meals", ("eating-and-drinking",)),
            ],
        ),
        # The carer's own needs: carers' support.
        ({CARER: D(5)}, [Match("carers-support", (CARER,))]),
        # A council's own scheme with domains we do not know: prevention still first.
        (
            {"washing-and-dressing": D(6)},
            [Match("reablement"), Match("community-equipment"), Match("telecare")],
        ),
        # No needs at all (a £0 estimate): community services for anyone.
        ({"personal-care": D(0)}, [Match(slug) for slug in COMMUNITY]),
    ],
)
def test_relevant_signposts(points, expected):
    assert relevant_signposts(points) == expected


def test_every_signpost_is_a_category_of_the_taxonomy():
    """Slugs, not text: each must be in catalogue/data/categories.yaml, which every
    deployment loads."""
    entries = yaml.safe_load(DEFAULT_FILE.read_text())
    slugs = {e["slug"] for e in entries} | {
        c["slug"] for e in entries for c in e.get("children", [])
    }
    assert {rule.category for rule in RULES} | set(COMMUNITY) <= slugs


# --- the result page ----------------------------------------------------------------------------


@pytest.fixture
def prevention_categories(db):
    return [
        CategoryFactory(
            name="Reablement",
            slug="reablement",
            description="Short-term help to get back your skills and confidence.",
        ),
        CategoryFactory(name="Telecare and assistive technology", slug="telecare"),
        # Community equipment is not in this council's catalogue: no link to an empty search.
        CategoryFactory(name="Befriending and social activities", slug="befriending"),
    ]


def estimate(client, answers):
    for slug, data in (
        ("personal-care", {"washing": answers["washing"], "dressing": answers["dressing"]}),
        ("safety", {"risk": answers["risk"]}),
        ("carer", {"carer_hours": answers["carer_hours"], "carer_agrees": "no"}),
    ):
        client.post(f"/budget/estimate/{slug}/", data)
    return client.get(client.post("/budget/estimate/check/")["Location"])


@pytest.mark.django_db
def test_the_result_signposts_prevention_relevant_to_the_answers(
    client, home_page, scheme, prevention_categories
):
    # 8 + 4 points for personal care, 12 for keeping safe (FULL_ANSWERS): £373.44 a week.
    result = estimate(client, FULL_ANSWERS)
    links = {a.get_text(" ", strip=True): a["href"] for a in soup(result).select("#signposts a")}
    assert links == {
        "Reablement : find services": "/search/?category=reablement",
        "Telecare and assistive technology : find services": "/search/?category=telecare",
    }
    text = text_of(result)
    assert "Short-term help to get back your skills and confidence." in text
    assert "Because of the answers about personal care." in text
    assert "Because of the answers about keeping safe." in text
    assert "Befriending" not in text  # no answer showed a need it meets


@pytest.mark.django_db
def test_the_citizen_page_speaks_plainly_and_rounds_the_year(
    client, home_page, scheme, practitioner
):
    result = estimate(client, FULL_ANSWERS)
    text = text_of(result)
    assert "£373.44 a week" in text
    # £373.44 x 52 = £19,418.88, to the nearest £10.
    assert "That is about £19,420 a year (52 weeks, rounded to the nearest £10)." in text
    assert "£19,418.88" not in text
    for workings in ("Money per point", "median of", "£15.56", "points ×"):
        assert workings not in text, workings
    assert "Personal care 12" in text and "Keeping safe 12" in text  # the points stay
    assert soup(result).find("a", string="Start a support plan with this budget")
    # The practitioner who records an assessment still sees the workings.
    assessment = services.assessment_create(
        user=practitioner,
        person_name="Alex Morgan",
        client_group="older-people",
        answers=services.AnswerInput(choices=FULL_ANSWERS),
    )
    client.force_login(practitioner)
    workings = soup(client.get(f"/budget/estimate/result/{assessment.uuid}/")).select_one(
        "#workings"
    )
    assert "Home care per hour at £15.56 (median of 5 services' standard prices)" in (
        workings.get_text(" ")
    )


@pytest.mark.django_db
def test_a_zero_estimate_offers_advice_and_an_assessment_not_a_plan(
    client, home_page, scheme, prevention_categories
):
    result = estimate(client, NO_NEEDS)
    assert Assessment.objects.get().weekly_budget == D("0.00")
    page = soup(result)
    text = text_of(result)
    assert page.h1.get_text(strip=True) == "Your estimate: no personal budget"
    assert "Start a support plan" not in text and "/plans/new/" not in result.content.decode()
    assert "How to ask for a needs assessment" in text
    assert page.select_one("#assessment-advice")["href"] == "/search/advice/?q=needs+assessment"
    assert [a["href"] for a in page.select("#signposts a")] == ["/search/?category=befriending"]


# --- the demo ---------------------------------------------------------------------------------


# The full demo catalogue (the small one the browser tests use has no carers' support).
def test_each_signpost_finds_services_in_the_demo(demo_full_catalogue, client):
    """Every category a signpost can link to finds at least one listing in the demo search
    (the index is rebuilt first: inside the test's transaction the on-commit indexing never
    runs)."""
    call_command("rebuild_search_index", verbosity=0)
    for slug in sorted({rule.category for rule in RULES} | set(COMMUNITY)):
        page = soup(client.get("/search/", {"category": slug}))
        cards = page.select("[data-service-results] > li")
        assert cards, f"/search/?category={slug} finds nothing in the demo"
