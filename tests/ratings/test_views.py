"""The public review pages: the permissions matrix for every URL, rendering, bad input and
the abuse limits."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from ratings import services
from ratings.models import Review, ReviewReply, ReviewReport
from tests.factories import make_user

from .conftest import GOOD_TEXT, publish, write_review

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "other", "author", "staff", "other_staff", "moderator"]


FIXTURES = {"other": "other_user"}


class People:
    """The people of the matrix, made only when a test asks for one (making users is slow)."""

    def __init__(self, request):
        self.request = request

    def __getitem__(self, who):
        if who == "anonymous":
            return None
        return self.request.getfixturevalue(FIXTURES.get(who, who))


@pytest.fixture
def people(request):
    return People(request)


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


def form_data(**overrides):
    care = timezone.localdate() - timedelta(days=20)
    data = {
        "relationship": "family",
        "care_date_0": str(care.day),
        "care_date_1": str(care.month),
        "care_date_2": str(care.year),
        "overall": "4",
        "rating_dignity": "5",
        "rating_reliability": "4",
        "rating_communication": "3",
        "rating_outcomes": "",
        "rating_value": "",
        "title": "Kind and reliable",
        "text": GOOD_TEXT,
    }
    data.update(overrides)
    return data


# --- the permissions matrix -------------------------------------------------------------------

LOGIN = "login"


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        (
            "review_create",
            {
                "anonymous": LOGIN,
                "other": 200,
                "author": 200,  # the "already reviewed" page
                "staff": 403,
                "other_staff": 200,
                "moderator": 200,
            },
        ),
        ("review", dict.fromkeys(WHO, 200)),
        ("review_report", dict.fromkeys(WHO, 200)),
        (
            "review_edit",
            {**dict.fromkeys(WHO, 403), "anonymous": LOGIN, "author": 200},
        ),
        (
            "review_withdraw",
            {**dict.fromkeys(WHO, 403), "anonymous": LOGIN, "author": 200},
        ),
        (
            "review_reply",
            {**dict.fromkeys(WHO, 403), "anonymous": LOGIN, "staff": 200},
        ),
    ],
)
@pytest.mark.parametrize("who", WHO)
def test_permissions_on_a_published_review(client, people, published, url_name, expected, who):
    args = [published.service.slug] if url_name == "review_create" else [published.pk]
    response = as_(client, people[who]).get(reverse(f"ratings:{url_name}", args=args))
    if expected[who] == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[who]


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("review", {**dict.fromkeys(WHO, 404), "author": 200, "moderator": 200}),
        ("review_report", dict.fromkeys(WHO, 404)),
        (
            "review_edit",
            {**dict.fromkeys(WHO, 404), "anonymous": LOGIN, "author": 200, "moderator": 403},
        ),
        (
            "review_withdraw",
            {**dict.fromkeys(WHO, 404), "anonymous": LOGIN, "author": 200, "moderator": 403},
        ),
        (
            "review_reply",
            {**dict.fromkeys(WHO, 404), "anonymous": LOGIN, "author": 403, "moderator": 403},
        ),
    ],
)
@pytest.mark.parametrize("who", WHO)
def test_permissions_on_a_pending_review(client, people, service, author, url_name, expected, who):
    review = write_review(service, author)
    response = as_(client, people[who]).get(reverse(f"ratings:{url_name}", args=[review.pk]))
    if expected[who] == LOGIN:
        assert response.status_code == 302
    else:
        assert response.status_code == expected[who]


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("review_edit", form_data(text=GOOD_TEXT + " Changed.")),
        ("review_withdraw", {}),
        ("review_reply", {"text": "Thank you"}),
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "other", "other_staff", "moderator"])
def test_posts_by_the_wrong_people_change_nothing(client, people, published, url_name, data, who):
    before = Review.objects.values().get(pk=published.pk)
    response = as_(client, people[who]).post(
        reverse(f"ratings:{url_name}", args=[published.pk]), data
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("account_login") in response["Location"]
    assert Review.objects.values().get(pk=published.pk) == before
    assert not ReviewReply.objects.exists()


def test_staff_post_to_write_a_review_is_refused(client, staff, service):
    response = as_(client, staff).post(
        reverse("ratings:review_create", args=[service.slug]), form_data()
    )
    assert response.status_code == 403
    assert "You work for Holly Homecare" in response.content.decode()
    assert not Review.objects.exists()


# --- writing a review -------------------------------------------------------------------------


def test_writing_a_review(client, author, service):
    url = reverse("ratings:review_create", args=[service.slug])
    page = as_(client, author).get(url).content.decode()
    assert "Write a review" in page and 'name="care_date_0"' in page
    response = client.post(url, form_data(), follow=True)
    review = Review.objects.get()
    assert response.redirect_chain[-1][0] == review.get_absolute_url()
    assert review.status == Review.Status.PENDING and review.rating_communication == 3
    page = response.content.decode()
    assert "Your review has been sent" in page
    assert "waiting for a moderator" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"overall": "7"}, "Select a rating from 1 to 5 stars."),
        ({"rating_value": "0"}, "Select a rating from 1 to 5 stars."),
        ({"overall": ""}, "Select a rating for the service overall"),
        (
            {"rating_dignity": "", "rating_reliability": ""},
            "Rate at least 3 of the 5 parts of the service. You rated 1.",
        ),
        ({"care_date_2": str(timezone.localdate().year + 1)}, "must be today or in the past"),
        (
            {"care_date_2": str(timezone.localdate().year - 2)},
            "only review care received in the last 12 months",
        ),
        ({"care_date_0": "31", "care_date_1": "2"}, "must be a real date"),
        ({"care_date_1": ""}, "must include a month"),
        ({"text": "x" * 3001}, "must be 3,000 characters or fewer. It has 3,001."),
        ({"title": ""}, "Enter a title for your review."),
        ({"relationship": ""}, "Select who received the care."),
    ],
)
def test_bad_input_redisplays_the_form_with_a_clear_message(
    client, author, service, overrides, message
):
    response = as_(client, author).post(
        reverse("ratings:review_create", args=[service.slug]), form_data(**overrides)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert not Review.objects.exists()
    # Nothing typed is lost.
    if "title" not in overrides:
        assert 'value="Kind and reliable"' in page


def test_a_second_review_gets_a_clear_message(client, author, service):
    write_review(service, author)
    url = reverse("ratings:review_create", args=[service.slug])
    page = as_(client, author).get(url).content.decode()
    assert "You have already reviewed" in page and "change your review" in page
    response = client.post(url, form_data(text=GOOD_TEXT + " Again."))
    assert "You have already reviewed this service" in response.content.decode()
    assert Review.objects.count() == 1


def test_html_and_script_are_shown_as_text(client, service, moderator):
    nasty = "<script>alert('x')</script>"
    review = publish(
        write_review(service, title=f"{nasty} title", text=f"{nasty} {GOOD_TEXT}"), moderator
    )
    for url in (service.get_absolute_url(), review.get_absolute_url()):
        page = client.get(url).content.decode()
        assert nasty not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; title" in page


def test_editing_a_review(client, author, published):
    url = reverse("ratings:review_edit", args=[published.pk])
    page = as_(client, author).get(url).content.decode()
    assert 'value="Kind and reliable"' in page and GOOD_TEXT[:40] in page
    response = client.post(url, form_data(title="Better now", text=GOOD_TEXT + " Edited."))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "Better now" and published.status == Review.Status.PENDING


def test_withdrawing_a_review(client, author, published):
    response = as_(client, author).post(reverse("ratings:review_withdraw", args=[published.pk]))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Review.Status.WITHDRAWN


def test_the_account_rate_limit(client, author, settings):
    settings.RATINGS_SUBMISSIONS_PER_ACCOUNT = 2
    from tests.factories import ServiceFactory

    as_(client, author)
    for index in range(2):
        service = ServiceFactory()
        response = client.post(
            reverse("ratings:review_create", args=[service.slug]),
            form_data(text=f"{GOOD_TEXT} Number {index}."),
        )
        assert response.status_code == 302
    service = ServiceFactory()
    response = client.post(
        reverse("ratings:review_create", args=[service.slug]), form_data(text=GOOD_TEXT + " 3")
    )
    assert response.status_code == 429
    assert "You have sent too many reviews" in response.content.decode()
    assert Review.objects.count() == 2


def test_the_address_rate_limit_spans_accounts(client, settings):
    settings.RATINGS_SUBMISSIONS_PER_ADDRESS = 1
    from tests.factories import ServiceFactory

    service = ServiceFactory()
    url = reverse("ratings:review_create", args=[service.slug])
    as_(client, make_user()).post(url, form_data())
    client.logout()
    response = as_(client, make_user()).post(url, form_data(text=GOOD_TEXT + " More."))
    assert response.status_code == 429
    assert Review.objects.count() == 1


def test_failed_submissions_do_not_use_the_allowance(client, author, service, settings):
    settings.RATINGS_SUBMISSIONS_PER_ACCOUNT = 1
    url = reverse("ratings:review_create", args=[service.slug])
    as_(client, author).post(url, form_data(overall="9"))
    assert client.post(url, form_data()).status_code == 302


# --- reporting --------------------------------------------------------------------------------


def test_anyone_reports_a_review(client, published):
    url = reverse("ratings:review_report", args=[published.pk])
    assert "Report a review" in client.get(url).content.decode()
    response = client.post(url, {"reason": "fake", "message": "Looks made up."}, follow=True)
    assert "A moderator will look at the review you reported" in response.content.decode()
    assert ReviewReport.objects.get().message == "Looks made up."


def test_a_report_without_a_reason_gets_a_clear_message(client, published):
    response = client.post(reverse("ratings:review_report", args=[published.pk]), {})
    assert "Select what is wrong with the review." in response.content.decode()
    assert not ReviewReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, published, settings):
    settings.RATINGS_REPORTS_PER_ADDRESS = 1
    url = reverse("ratings:review_report", args=[published.pk])
    client.post(url, {"reason": "fake"})
    response = client.post(url, {"reason": "abusive"})
    assert response.status_code == 429
    assert ReviewReport.objects.count() == 1


# --- replying ---------------------------------------------------------------------------------


def test_the_provider_replies_and_changes_the_reply(client, staff, published, moderator):
    url = reverse("ratings:review_reply", args=[published.pk])
    as_(client, staff)
    assert "Reply to a review" in client.get(url).content.decode()
    assert client.post(url, {"text": ""}).status_code == 200  # error shown
    client.post(url, {"text": "Thank you <b>so</b> much."})
    reply = ReviewReply.objects.get()
    # Staff see their pending reply under the review; the public does not.
    assert (
        "Thank you &lt;b&gt;so&lt;/b&gt; much."
        in client.get(published.get_absolute_url()).content.decode()
    )
    client.logout()
    assert "Thank you" not in client.get(published.service.get_absolute_url()).content.decode()
    services.reply_approve(moderator=moderator, reply=reply)
    page = client.get(published.service.get_absolute_url()).content.decode()
    assert "Reply from Holly Homecare" in page and "Thank you &lt;b&gt;so&lt;/b&gt; much." in page
    # Changing it sends it back.
    as_(client, staff)
    assert "Change your reply" in client.get(url).content.decode()
    client.post(url, {"text": "Thank you, we have spoken to the team."})
    reply.refresh_from_db()
    assert reply.status == ReviewReply.Status.PENDING
    assert ReviewReply.objects.count() == 1


def test_every_problem_is_shown_at_once(client, author, service):
    response = as_(client, author).post(
        reverse("ratings:review_create", args=[service.slug]),
        form_data(overall="", care_date_1="", text="Too short", title=""),
    )
    page = response.content.decode()
    for message in (
        "must include a month",
        "Select a rating for the service overall",
        "at least 30 characters",
        "Enter a title for your review.",
    ):
        assert message in page


def test_your_reviews_lists_only_your_own(client, author, other_user, published, service):
    url = reverse("ratings:my_reviews")
    assert client.get(url).status_code == 302  # sign in first
    assert published.title in as_(client, author).get(url).content.decode()
    client.force_login(other_user)
    page = client.get(url).content.decode()
    assert published.title not in page and "not written any reviews" in page


def test_the_review_page_shows_its_title_once(client, published):
    # Issue 20: the title was the page's heading and then the review's heading again.
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(published.get_absolute_url()).content, "html.parser")
    main = page.select_one("main")

    assert main.h1.get_text(strip=True) == published.title
    headings = [h.get_text(strip=True) for h in main.select("h1, h2, h3, h4")]
    assert headings.count(published.title) == 1
    article = main.select_one("article.app-review")
    assert page.find(id=article["aria-labelledby"]) is main.h1
