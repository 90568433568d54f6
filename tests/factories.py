"""Factories for tests. Pages are built with wagtail_factories so they sit in a real page tree."""

import factory
import wagtail_factories

from core.roles import Role
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


# --- catalogue ----------------------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402

from factory.django import DjangoModelFactory  # noqa: E402

from catalogue.models import (  # noqa: E402
    Category,
    Locality,
    Membership,
    Organisation,
    Postcode,
    PriceOption,
    Service,
)


class LocalityFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Town {n}")
    slug = factory.Sequence(lambda n: f"town-{n}")
    postcode_districts = factory.LazyFunction(lambda: ["SY1"])
    easting, northing = 349000, 312500

    class Meta:
        model = Locality


class PostcodeFactory(DjangoModelFactory):
    postcode = factory.Sequence(
        lambda n: f"SY1 {n % 10}{'ABCDEFGHJK'[n // 10 % 10]}{'LMNPQRSTUW'[n // 100 % 10]}"
    )
    district = "SY1"
    easting, northing = 349500, 312800

    class Meta:
        model = Postcode
        django_get_or_create = ("postcode",)


class CategoryFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    reference_unit = "hour"

    class Meta:
        model = Category


class OrganisationFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    slug = factory.Sequence(lambda n: f"provider-{n}")
    status = Organisation.Status.ACTIVE
    email = factory.Sequence(lambda n: f"office{n}@provider.example")

    class Meta:
        model = Organisation


def make_provider(organisation=None, role=Membership.Role.OWNER, email: str = ""):
    """A signed-up person who is staff (owner by default) of `organisation`."""
    from core.roles import Role as AccountRole

    user = make_user(email, AccountRole.PROVIDER_STAFF)
    Membership.objects.create(
        user=user, organisation=organisation or OrganisationFactory(), role=role
    )
    return user


class ServiceFactory(DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    summary = "Help at home."
    status = Service.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    last_confirmed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Service
        skip_postgeneration_save = True

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            self.categories.set(extracted or [CategoryFactory()])


class PriceOptionFactory(DjangoModelFactory):
    service = factory.SubFactory(ServiceFactory)
    label = "Weekday daytime"
    amount = Decimal("28.50")
    unit = "hour"

    class Meta:
        model = PriceOption


def lose_slug_races(monkeypatch, module) -> list[str]:
    """Make `module`'s slug check lose a race once per model: another writer takes the slug
    between the check (unique_slug) and the insert. Returns the slugs taken that way."""
    real = module.unique_slug
    raced: set[type] = set()
    taken: list[str] = []

    def check_then_lose(model, text, **kwargs):
        slug = real(model, text, **kwargs)
        if model not in raced:
            raced.add(model)
            (OrganisationFactory if model is Organisation else ServiceFactory)(slug=slug)
            taken.append(slug)
        return slug

    monkeypatch.setattr(module, "unique_slug", check_then_lose)
    return taken
