"""The statement in the Wagtail admin: commissioners edit it, and find the dashboard and the
consultation queue in the menu."""

import pytest

from core.roles import Role
from market_statement.services import statement_grant_commissioners
from tests.factories import make_user
from tests.market_statement.conftest import data_block, publish_statement, statement_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(home_page, market):
    page = publish_statement(
        home_page,
        statement_body(
            data_block(
                "price_figures",
                "Prices",
                metric="price_summary",
                category="home-care",
                locality="b",
                period_months="12",
            )
        ),
    )
    statement_grant_commissioners(page=page)
    return page


def test_commissioners_may_edit_the_statement_with_its_blocks(client, statement):
    client.force_login(make_user("", Role.COMMISSIONER))
    response = client.get(f"/admin/pages/{statement.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for label in (
        "Supply figures",
        "Price figures",
        "Quality figures",
        "Gaps",
        "Demand signals",
        "RAS rate",
        "Market frame",
    ):
        assert label in html
    assert "Beacon" in html  # the locality choices come from the catalogue


def test_granting_twice_is_harmless(statement):
    statement_grant_commissioners(page=statement)
    assert statement.group_permissions.filter(group__name="Commissioners").count() == 3


@pytest.mark.parametrize(
    ("role", "dashboard", "comments"),
    [
        (Role.COMMISSIONER, True, True),
        (Role.MODERATOR, False, True),
        (Role.EDITOR, False, False),
    ],
)
def test_admin_menu_shows_what_each_role_may_use(client, role, dashboard, comments):
    client.force_login(make_user("", role))
    html = client.get("/admin/").content.decode()
    assert ("/commissioning/dashboard/" in html) is dashboard
    assert ("/market-statement/consultation/" in html) is comments


def test_a_commissioner_adds_a_price_block_and_publishes_and_the_figures_freeze(
    client, statement, market
):
    """The issue's walk-through: a commissioner adds a home care price block for one locality
    and publishes; a provider then changes a price; the published statement keeps its figure
    while the live view shows the new one."""
    from decimal import Decimal

    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    from catalogue import services as catalogue
    from tests.factories import make_provider

    commissioner = make_user("", Role.COMMISSIONER)
    client.force_login(commissioner)
    block = {
        "heading": "Home care in Ashby",
        "commentary": rich_text(""),
        "metric": "price_summary",
        "category": "home-care",
        "locality": "a",
        "period_months": "12",
    }
    data = nested_form_data(
        {
            "title": statement.title,
            "slug": statement.slug,
            "summary": statement.summary,
            "intro": rich_text(""),
            "body": streamfield([("price_figures", block)]),
            "consultation_opens": "",
            "consultation_closes": "",
            "contact_email": "",
            "seo_title": "",
            "search_description": "",
            "action-publish": "action-publish",
        }
    )
    response = client.post(f"/admin/pages/{statement.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    statement.refresh_from_db()
    assert statement.versions.count() == 2
    assert "£22.00 per hour" in client.get(statement.url).text  # Ashby: 20, 22, 30

    owner = make_provider(market.o1)
    option = market.s1.price_options.order_by("amount").first()  # £20.00 -> £26.00
    catalogue.price_option_save(
        user=owner,
        service=market.s1,
        option=option,
        label=option.label,
        amount=Decimal("26.00"),
        unit="hour",
    )
    client.logout()
    assert "£22.00 per hour" in client.get(statement.url).text
    assert "£26.00 per hour" in client.get(statement.url, {"figures": "live"}).text  # 22, 26, 30
