"""The public 'Report a concern about an adult' pages: the form, its errors, the confirmation,
the limit, and the council's numbers in the footer."""

from django.core import mail
from django.urls import reverse

import pytest

from safeguarding import views
from safeguarding.models import Concern

from .conftest import SECRET, TEAM_INBOX

pytestmark = pytest.mark.django_db

URL = "/report-a-concern/"


def form_data(**overrides):
    data = {
        "danger_now": "no",
        "place": "Elm Road, Westbury",
        "description": SECRET,
        "happened_when": "Yesterday evening",
        "person_knows": "unsure",
        "reporter_name": "",
        "reporter_email": "",
        "reporter_phone": "",
    }
    data.update(overrides)
    return data


def test_the_page_says_999_before_anything_else_and_gives_the_councils_numbers(client, home_page):
    assert reverse("safeguarding:report") == URL
    page = client.get(URL).content.decode()
    main = page[page.index("<main") :]
    assert main.index("call 999 first") < main.index("<h1") < main.index("<form")
    assert "Report a concern about an adult" in page
    assert "0118 496 0000" in main and "0118 496 0999" in main  # adult social care, out of hours
    assert main.index('name="danger_now"') < main.index('name="description"')


def test_an_anonymous_concern_is_confirmed_with_a_reference_and_the_team_is_emailed(
    client, inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302 and response["Location"] == "/report-a-concern/sent/"
    concern = Concern.objects.get()
    assert concern.anonymous and concern.source == Concern.Source.PUBLIC
    assert concern.place == "Elm Road, Westbury" and concern.happened_when == "Yesterday evening"
    (message,) = mail.outbox
    assert message.to == [TEAM_INBOX] and "Elm Road" not in message.body
    page = client.get(response["Location"]).content.decode()
    assert concern.reference in page
    assert "What happens next" in page
    assert "0118 496 0000" in page and "0118 496 0999" in page
    assert "You did not give any contact details" in page


def test_a_signed_in_reporter_is_recorded(client, home_page):
    from tests.factories import make_user

    person = make_user("reporter@example.org")
    client.force_login(person)
    page = client.get(URL).content.decode()
    assert 'value="reporter@example.org"' in page
    client.post(URL, form_data(reporter_email="reporter@example.org"))
    assert Concern.objects.get().reporter == person


def test_the_confirmation_needs_a_sent_concern(client, home_page):
    assert client.get("/report-a-concern/sent/")["Location"] == URL


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": ""}, "description", "Tell us what happened."),
        ({"description": "x" * 20_000}, "description", "5,000 characters or fewer"),
        ({"place": ""}, "place", "Tell us where it happened"),
        ({"danger_now": ""}, "danger_now", "Select whether anyone is in danger now."),
        ({"reporter_email": "nope"}, "reporter_email", "Enter an email address"),
    ],
)
def test_bad_input_gives_field_level_errors_and_keeps_what_was_typed(
    client, home_page, overrides, field, message
):
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert f'id="id_{field}_error"' in page
    assert Concern.objects.count() == 0 and mail.outbox == []
    if field != "description":
        assert "left without food" in page


def test_script_in_every_field_is_escaped(client, inbox, team):
    script = "<script>alert(1)</script>"
    data = form_data(
        **{name: script for name in form_data() if name not in ("danger_now", "person_knows")}
    )
    data["reporter_email"] = "bad" + script
    page = client.post(URL, data).content.decode()
    assert script not in page and "&lt;script&gt;" in page  # re-displayed, escaped
    data["reporter_email"] = ""
    client.post(URL, data)
    concern = Concern.objects.get()
    client.force_login(team)
    page = client.get(f"/admin/safeguarding/concerns/{concern.pk}/").content.decode()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_one_client_may_send_only_so_many(client, home_page, settings):
    for _ in range(views.CONCERNS_PER_WINDOW):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data())
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have sent too many concerns" in page and "0118 496 0999" in page
    assert Concern.objects.count() == views.CONCERNS_PER_WINDOW


def test_the_footer_links_the_page_and_gives_the_numbers(client, home_page):
    page = client.get("/").content.decode()
    footer = page[page.index("<footer") :]
    assert f'href="{URL}"' in footer and "Report a concern about an adult" in footer
    assert "Adult social care: 0118 496 0000" in footer
    assert "Out of hours: 0118 496 0999" in footer


def test_the_contact_page_gives_the_councils_numbers_as_set(client, home_page):
    from wagtail.models import Site

    from safeguarding.models import CouncilContacts

    contacts = CouncilContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.adult_social_care_phone = "0118 496 0123"
    contacts.opening_hours = "Weekdays 8am to 6pm"
    contacts.save()  # the cached chrome is refreshed
    page = client.get(reverse("safeguarding:contact")).content.decode()
    main = page[page.index("<main") :]
    assert "0118 496 0123" in main and "Weekdays 8am to 6pm" in main
    assert "0118 496 0999" in main  # out of hours, unchanged
    assert f'href="{URL}"' in main
    footer = page[page.index("<footer") :]
    assert 'href="/contact-the-council/"' in footer and "0118 496 0123" in footer


def test_the_abuse_and_neglect_advice_gives_the_numbers_as_set_and_links_the_form(client, demo):
    from wagtail.models import Site

    from safeguarding.models import CouncilContacts

    contacts = CouncilContacts.for_site(Site.objects.get(is_default_site=True))
    contacts.out_of_hours_phone = "0118 496 0777"
    contacts.save()
    page = client.get("/people-who-need-care/abuse-and-neglect/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert f'href="{URL}"' in main
    assert "0118 496 0777" in main and "0118 496 0000" in main
    index = client.get("/people-who-need-care/").content.decode()
    assert 'href="/people-who-need-care/abuse-and-neglect/"' in index
