"""Who keeps the council's contact numbers true (issue 19: "Council contact details as site
settings"): council editors and the safeguarding team change them in the admin; moderators,
commissioners and the public cannot. Council editors also change the site settings."""

from django.urls import reverse

from wagtail.models import Site

import pytest

from safeguarding.models import CouncilContacts

CONTACTS_FORM = {
    "adult_social_care_phone": "0118 496 0123",
    "out_of_hours_phone": "0118 496 0998",
    "opening_hours": "Monday to Friday, 8am to 6pm",
    "safeguarding_email": "safeguarding@westshire.example",
    "concern_retention_years": "6",
}


def contacts_url(site):
    return reverse("wagtailsettings:edit", args=["safeguarding", "councilcontacts", site.pk])


@pytest.fixture
def site(home_page):
    return Site.objects.get(is_default_site=True)


@pytest.mark.parametrize("who", ["editor", "team"])
def test_editors_and_the_team_change_the_council_numbers(client, people, team, site, who):
    user = team if who == "team" else people[who]
    client.force_login(user)
    assert client.get(contacts_url(site)).status_code == 200
    response = client.post(contacts_url(site), CONTACTS_FORM)
    assert response.status_code == 302
    contacts = CouncilContacts.for_site(site)
    assert contacts.adult_social_care_phone == "0118 496 0123"
    assert contacts.opening_hours == "Monday to Friday, 8am to 6pm"


@pytest.mark.parametrize("who", ["moderator", "commissioner", "public", "provider"])
def test_other_people_cannot_change_the_council_numbers(client, people, site, who):
    before = CouncilContacts.for_site(site).adult_social_care_phone
    client.force_login(people[who])
    assert client.get(contacts_url(site)).status_code in (302, 403)
    response = client.post(contacts_url(site), CONTACTS_FORM)
    assert response.status_code in (302, 403)
    assert CouncilContacts.for_site(site).adult_social_care_phone == before


def test_council_editors_change_the_site_settings(client, people, site):
    url = reverse("wagtailsettings:edit", args=["pages", "sitesettings", site.pk])
    client.force_login(people["editor"])
    page = client.get(url)
    assert page.status_code == 200
    client.force_login(people["moderator"])
    assert client.get(url).status_code in (302, 403)
