from django.core.files.base import ContentFile

from wagtail.documents.models import Document

import pytest
from bs4 import BeautifulSoup

from marketplace.pages.models import AdviceIndexPage, AdvicePage, SiteSettings
from marketplace.pages.services import page_publish_child
from tests.factories import AdviceIndexPageFactory, AdvicePageFactory

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_home_page_says_what_the_service_is_and_routes_each_audience(client, home_page):
    for title in ["Help for carers", "Information for care providers"]:
        AdviceIndexPageFactory(parent=home_page, title=title, summary=f"About {title}")
    AdviceIndexPageFactory(parent=home_page, title="Working in care", menu_title="Care workers")
    AdviceIndexPageFactory(parent=home_page, title="Hidden section", show_in_menus=False)

    response = client.get("/")

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Care Market"
    assert "helps you find care and support" in page.select_one(".app-rich-text").get_text()
    form = page.select_one("form[role=search]")
    assert form["action"] == "/search/" and form.select_one("input[name=q]")
    routes = [a.get_text(strip=True) for a in page.select(".app-audience-list a")]
    assert routes == ["Help for carers", "Information for care providers", "Working in care"]
    nav = [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__list a")]
    assert nav == [
        "Find services",
        "Help for carers",
        "Information for care providers",
        "Care workers",  # the short menu title
        "Shortlist (0)",
        "Sign in",
    ]


def test_home_page_asks_for_a_postcode_and_links_to_the_budget_estimate(client, home_page):
    page = soup(client.get("/"))

    form = page.select_one("form[role=search]")
    postcode = form.select_one("input[name=postcode]")
    assert postcode["autocomplete"] == "postal-code" and postcode.get("value", "") == ""
    assert (
        page.select_one("label[for=home-postcode]").get_text(strip=True).startswith("Your postcode")
    )
    estimate = page.find("a", string="estimate your personal budget")
    assert estimate["href"] == "/budget/estimate/"


def test_home_page_fills_in_the_postcode_given_earlier_in_the_visit(client, home_page):
    session = client.session
    session["catalogue:postcode"] = "SY1 1AA"
    session.save()

    postcode = soup(client.get("/")).select_one("form[role=search] input[name=postcode]")

    assert postcode["value"] == "SY1 1AA"


def test_header_and_footer_follow_the_site_settings(client, home_page):
    policy = AdvicePageFactory(parent=home_page, title="Accessibility statement", slug="a11y")
    site_settings = SiteSettings.for_site(home_page.get_site())
    site_settings.council_name = "Northwold District Council"
    site_settings.accessibility_page = policy
    site_settings.save()

    page = soup(client.get("/"))

    assert page.select_one(".app-header__name").get_text(strip=True) == (
        "Northwold District Council"
    )
    assert page.title.get_text().endswith("Care Market - Northwold District Council")
    footer_links = {a.get_text(strip=True): a["href"] for a in page.select(".govuk-footer a")}
    assert footer_links["Accessibility statement"] == "/a11y/"
    assert page.select_one("a.govuk-skip-link")["href"] == "#main-content"
    assert page.select_one("main#main-content")


def test_advice_index_lists_its_published_pages(client, home_page):
    section = AdviceIndexPageFactory(parent=home_page, title="Help for carers", slug="carers")
    AdvicePageFactory(parent=section, title="Carers' assessments", summary="What happens.")
    draft = AdvicePageFactory(parent=section, title="Not ready yet")
    draft.unpublish()

    page = soup(client.get("/carers/"))

    assert page.h1.get_text(strip=True) == "Help for carers"
    listed = [a.get_text(strip=True) for a in page.select(".app-page-list a")]
    assert listed == ["Carers' assessments"]
    assert [a.get_text(strip=True) for a in page.select(".govuk-breadcrumbs a")] == ["Home"]


def test_advice_page_renders_every_block(client, home_page):
    document = Document(title="Weekly care cost worksheet")
    document.file.save("worksheet.csv", ContentFile(b"Support,Cost\nHome care,25.00\n"))
    document.file_size = document.file.size
    document.save()
    section = AdviceIndexPageFactory(parent=home_page, slug="people")
    AdvicePageFactory(
        parent=section,
        slug="budgets",
        title="Personal budgets",
        body=[
            {"type": "heading", "value": {"text": "What a budget is", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Money for <b>your</b> care.</p>"},
            {"type": "heading", "value": {"text": "Using it", "level": "h2"}},
            {"type": "heading", "value": {"text": "Getting help", "level": "h2"}},
            {
                "type": "callout",
                "value": {"style": "warning", "title": "In danger?", "text": "<p>Call 999.</p>"},
            },
            {
                "type": "related_services",
                "value": {
                    "heading": "Find services",
                    "links": [{"label": "Home care", "query": "home care"}],
                },
            },
            {
                "type": "download",
                "value": {"document": document.pk, "title": "", "description": "A worksheet."},
            },
        ],
    )

    page = soup(client.get("/people/budgets/"))

    assert page.select_one("h2#what-a-budget-is").get_text() == "What a budget is"
    contents = [a["href"] for a in page.select(".app-contents a")]
    assert contents == ["#what-a-budget-is", "#using-it", "#getting-help"]
    assert page.select_one(".app-rich-text b").get_text() == "your"
    callout = page.select_one(".app-callout--warning")
    assert "Warning:" in callout.h2.get_text() and "Call 999." in callout.get_text()
    assert page.select_one(".app-related a")["href"] == "/search/?q=home+care"
    download = page.select_one(".app-download")
    assert download.a.get_text() == "Weekly care cost worksheet"
    assert "CSV" in download.get_text() and "bytes" in download.get_text()


def test_page_types_only_go_where_they_belong(home_page):
    section = AdviceIndexPageFactory(parent=home_page)
    article = AdvicePageFactory(parent=section)

    with pytest.raises(ValueError, match="cannot be placed"):
        page_publish_child(parent=article, page=AdvicePage(title="Nested", slug="nested"))
    with pytest.raises(ValueError, match="cannot be placed"):
        page_publish_child(parent=section, page=AdviceIndexPage(title="Nested", slug="nested"))


class TestAdviceSearch:
    """All the advice pages that match, at /search/advice/ (the catalogue search page at /search/
    shows the first few beside services: tests/search/test_page.py)."""

    @pytest.fixture
    def pages(self, home_page):
        section = AdviceIndexPageFactory(parent=home_page, title="Help for carers")
        for n in range(12):
            AdvicePageFactory(
                parent=section,
                title=f"Respite guide {n}",
                summary="Taking a break from caring.",
                body=[{"type": "paragraph", "value": "<p>Short breaks and respite care.</p>"}],
            )
        AdvicePageFactory(parent=section, title="Paying for care", summary="Money matters.")
        return section

    def test_finds_advice_by_words_in_the_body(self, client, pages):
        page = soup(client.get("/search/advice/", {"q": "respite"}))

        assert page.select_one("#results-heading").get_text() == "12 results for ‘respite’"
        titles = [a.get_text(strip=True) for a in page.select(".app-search-results a")]
        assert len(titles) == 10 and all(t.startswith("Respite guide") for t in titles)

    def test_pagination_keeps_the_query(self, client, pages):
        page = soup(client.get("/search/advice/", {"q": "respite", "page": "2"}))

        assert len(page.select(".app-search-results li")) == 2
        prev_link = page.select_one(".govuk-pagination__prev a")["href"]
        assert "q=respite" in prev_link and "page=1" in prev_link

    @pytest.mark.parametrize("page_number", ["abc", "-1", "999", ""])
    def test_a_bad_page_number_still_shows_results(self, client, pages, page_number):
        response = client.get("/search/advice/", {"q": "respite", "page": page_number})

        assert response.status_code == 200
        assert soup(response).select(".app-search-results li")

    def test_no_results_says_what_to_try(self, client, pages):
        page = soup(client.get("/search/advice/", {"q": "zzzzqqq"}))

        assert page.select_one("#results-heading").get_text().startswith("0 results")
        assert "check your spelling" in page.get_text()

    def test_unpublished_pages_are_not_found(self, client, pages):
        AdvicePage.objects.get(title="Paying for care").unpublish()

        page = soup(client.get("/search/advice/", {"q": "paying"}))

        assert not page.select(".app-search-results li")

    def test_markup_in_the_query_is_shown_as_text(self, client, pages):
        response = client.get("/search/advice/", {"q": "<script>alert(1)</script> respite"})

        assert response.status_code == 200
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
        assert b"<script>alert(1)" not in response.content

    def test_an_overlong_query_is_cut_not_refused(self, client, pages):
        response = client.get("/search/advice/", {"q": "respite " + "x" * 5000})

        assert response.status_code == 200
        assert soup(response).select_one("input[name=q]")["value"] == ("respite " + "x" * 192)

    @pytest.mark.parametrize("text", ['"respite', "respite OR", "NEAR(respite", "*", '"'])
    def test_search_syntax_is_read_as_words(self, client, pages, text):
        response = client.get("/search/advice/", {"q": text})

        assert response.status_code == 200

    def test_it_links_to_the_services_for_the_same_words(self, client, pages):
        page = soup(client.get("/search/advice/", {"q": "respite care"}))

        link = page.find("a", string=lambda s: s and s.startswith("Find care and support"))
        assert link["href"] == "/search/?q=respite%20care"

    def test_empty_search_shows_just_the_form(self, client, pages):
        page = soup(client.get("/search/advice/"))

        assert page.select_one("input[name=q]") and not page.select_one("#results-heading")


def test_unknown_address_gets_the_designed_404(client, home_page):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Page not found"
    assert page.select_one(".govuk-header")


def test_listing_pages_do_a_bounded_number_of_queries(
    client, home_page, django_assert_max_num_queries
):
    sections = [AdviceIndexPageFactory(parent=home_page) for _ in range(4)]
    for section in sections:
        for _ in range(6):
            AdvicePageFactory(parent=section)
    client.get("/")  # warm the site-root cache

    with django_assert_max_num_queries(9):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(sections[0].url).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/search/advice/", {"q": "advice"}).status_code == 200


def test_the_site_chrome_is_cached_until_an_editor_changes_it(client, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    carers = AdviceIndexPageFactory(parent=home_page, title="Help for carers")
    client.get("/no-such-page/")

    with CaptureQueriesContext(connection) as queries:
        page = soup(client.get("/no-such-page/"))
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "pages_sitesettings" not in sql  # settings, menu and footer come from the cache
    assert "Help for carers" in page.select_one(".govuk-service-navigation__list").get_text()

    site_settings = SiteSettings.for_site(home_page.get_site())
    site_settings.council_name = "Northwold District Council"
    site_settings.save()
    page = soup(client.get("/no-such-page/"))
    assert page.select_one(".app-header__name").get_text(strip=True) == (
        "Northwold District Council"
    )

    carers.unpublish()
    AdviceIndexPageFactory(parent=home_page, title="Working in care")
    nav = soup(client.get("/no-such-page/")).select_one(".govuk-service-navigation__list")
    assert "Help for carers" not in nav.get_text()
    assert "Working in care" in nav.get_text()
