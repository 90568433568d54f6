"""What a service is called to the public (issue 23: "Results show eight services all called
'Home care in Shrewsbury'; the provider is small grey text")."""

import pytest

from catalogue.titles import public_title, title_parts
from tests.factories import LocalityFactory, OrganisationFactory, ServiceFactory


@pytest.mark.parametrize(
    ("provider", "name", "town", "expected"),
    [
        # The provider leads, the place ends.
        ("Holly Homecare", "Home care", "Bridgnorth", "Holly Homecare: Home care in Bridgnorth"),
        # No "in Shrewsbury" twice.
        (
            "Holly Homecare",
            "Home care in Shrewsbury",
            "Shrewsbury",
            "Holly Homecare: Home care in Shrewsbury",
        ),
        (
            "Holly Homecare",
            "home care in SHREWSBURY",
            "Shrewsbury",
            "Holly Homecare: home care in SHREWSBURY",
        ),
        # The town in the provider's name is enough.
        ("Ludlow Carers", "Sitting service", "Ludlow", "Ludlow Carers: Sitting service"),
        # No provider prefix when the name holds it, legal ending or not.
        ("Holly Homecare Ltd", "Holly Homecare", "Ludlow", "Holly Homecare in Ludlow"),
        ("Abbey House Limited", "Abbey House nursing home", "", "Abbey House nursing home"),
        ("Oak Care", "Oak Care", "Oswestry", "Oak Care in Oswestry"),
        # A word inside another word is not a repeat ("Wem" in "Wembley").
        ("Wembley Care", "Day centre", "Wem", "Wembley Care: Day centre in Wem"),
        ("Oak Care", "Oak Carers' café", "", "Oak Care: Oak Carers' café"),
        # No town known: no "in".
        ("Holly Homecare", "Home care", "", "Holly Homecare: Home care"),
        # Stray spaces are tidied.
        (
            "  Holly   Homecare ",
            " Home  care ",
            " Much Wenlock ",
            "Holly Homecare: Home care in Much Wenlock",
        ),
    ],
)
def test_public_title(provider, name, town, expected):
    assert public_title(provider, name, town) == expected
    assert "".join(title_parts(provider, name, town)) == expected


def test_the_service_property_uses_its_town_or_else_its_locality(db):
    organisation = OrganisationFactory(name="Holly Homecare")
    in_town = ServiceFactory(organisation=organisation, name="Home care", town="Bridgnorth")
    assert in_town.public_title == "Holly Homecare: Home care in Bridgnorth"
    ludlow = LocalityFactory(name="Ludlow")
    no_town = ServiceFactory(organisation=organisation, name="Home care", locality=ludlow)
    assert no_town.public_title == "Holly Homecare: Home care in Ludlow"
    nowhere = ServiceFactory(organisation=organisation, name="Telephone befriending")
    assert nowhere.public_title == "Holly Homecare: Telephone befriending"
    assert nowhere.name == "Telephone befriending"  # the raw name is kept
