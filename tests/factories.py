"""Factories for tests. Pages are built with wagtail_factories so they sit in a real page tree."""

import factory
import wagtail_factories

from marketplace.accounts.roles import Role
from marketplace.accounts.services import user_create
from marketplace.pages.models import AdviceIndexPage, AdvicePage, HomePage

DEFAULT_PASSWORD = "a-long-test-password"


def make_user(email: str = "", *roles: Role, password: str = DEFAULT_PASSWORD, verified=True):
    """A user made the way the product makes them (services.user_create)."""
    make_user.counter += 1
    return user_create(
        email=email or f"person{make_user.counter}@example.org",
        password=password,
        roles=roles,
        verified=verified,
    )


make_user.counter = 0


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Care Market"
    slug = "care-market-home"
    summary = "Find care and support."
    intro = "<p>Care Market helps you find care and support.</p>"

    class Meta:
        model = HomePage


class AdviceIndexPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Advice section {n}")
    summary = "Advice for a group of people."
    show_in_menus = True

    class Meta:
        model = AdviceIndexPage


class AdvicePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Advice page {n}")
    summary = "An advice page."
    body = factory.LazyFunction(
        lambda: [
            {"type": "heading", "value": {"text": "What it is", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Some plain advice.</p>"},
        ]
    )

    class Meta:
        model = AdvicePage
