"""The consultation: who may comment, moderate and reply, and what the statement shows."""

from datetime import timedelta

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from core.roles import Role
from market_statement import services
from market_statement.models import Comment, Subscription
from tests.factories import make_provider, make_user
from tests.market_statement.conftest import publish_statement, statement_body

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def statement(home_page):
    return publish_statement(
        home_page,
        statement_body(),
        consultation_opens=TODAY - timedelta(days=7),
        consultation_closes=TODAY + timedelta(days=21),
    )


def section_id(page, title="Providers and supply") -> str:
    return next(s.id for s in page.sections() if s.title == title)


def comment_on(page, user=None, text="We find rural calls hard to staff.", **extra):
    return services.comment_create(
        user=user or make_provider(),
        page=page,
        section_id=section_id(page),
        text=text,
        **extra,
    )


# --- services -------------------------------------------------------------------------------------


def test_a_signed_in_provider_comments_on_a_section_and_it_waits(statement):
    comment = comment_on(statement, on_behalf_of="  Holly Homecare ")
    assert comment.status == Comment.Status.PENDING
    assert comment.section_title == "Providers and supply"
    assert comment.on_behalf_of == "Holly Homecare"
    assert comment.version == statement.current_version()


def test_commissioners_hear_of_a_new_comment(statement, django_capture_on_commit_callbacks):
    make_user("commissioner@council.example", Role.COMMISSIONER)
    with django_capture_on_commit_callbacks(execute=True):
        comment_on(statement)
    assert [m.to for m in mail.outbox] == [["commissioner@council.example"]]


class Anonymous:
    is_authenticated = False


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(-30, -1), (1, 30), (None, None)],
    ids=["closed", "not yet open", "no consultation"],
)
def test_no_comments_outside_the_consultation(statement, opens, closes):
    statement.consultation_opens = TODAY + timedelta(days=opens) if opens is not None else None
    statement.consultation_closes = TODAY + timedelta(days=closes) if closes is not None else None
    with pytest.raises(PermissionDenied):
        comment_on(statement)


def test_the_consultation_includes_its_first_and_last_days(statement):
    statement.consultation_opens = statement.consultation_closes = TODAY
    assert comment_on(statement).pk


def test_anonymous_people_cannot_comment(statement):
    with pytest.raises(PermissionDenied):
        comment_on(statement, user=Anonymous())


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Enter your comment."), ("x" * 3001, "3,000 characters or fewer")],
)
def test_a_comment_needs_text_within_the_limit(statement, text, message):
    with pytest.raises(ValidationError, match=message):
        comment_on(statement, text=text)


def test_a_comment_must_be_on_a_section_of_the_statement(statement):
    with pytest.raises(ValidationError):
        services.comment_create(user=make_provider(), page=statement, section_id="nope", text="Hi")


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.MODERATOR])
def test_commissioners_and_moderators_approve(statement, role, django_capture_on_commit_callbacks):
    author = make_provider(email="author@provider.example")
    comment = comment_on(statement, user=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(moderator=make_user("", role), comment=comment, approve=True)
    assert comment.status == Comment.Status.APPROVED
    assert mail.outbox[-1].to == ["author@provider.example"]
    assert "is published" in mail.outbox[-1].subject


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.PROVIDER_STAFF, Role.EDITOR, Role.PRACTITIONER])
def test_others_cannot_moderate(statement, role):
    comment = comment_on(statement)
    with pytest.raises(PermissionDenied):
        services.comment_moderate(moderator=make_user("", role), comment=comment, approve=True)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_declining_needs_a_reason_which_the_author_is_told(
    statement, django_capture_on_commit_callbacks
):
    moderator = make_user("", Role.MODERATOR)
    comment = comment_on(statement, user=make_provider(email="author@provider.example"))
    with pytest.raises(ValidationError, match="Say why"):
        services.comment_moderate(moderator=moderator, comment=comment, approve=False, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(
            moderator=moderator, comment=comment, approve=False, note="It names a person."
        )
    assert comment.status == Comment.Status.REJECTED
    assert "It names a person." in mail.outbox[-1].body


def test_a_comment_is_moderated_once(statement):
    moderator = make_user("", Role.MODERATOR)
    comment = comment_on(statement)
    services.comment_moderate(moderator=moderator, comment=comment, approve=True)
    with pytest.raises(ValidationError):
        services.comment_moderate(moderator=moderator, comment=comment, approve=False, note="x")


def test_only_commissioners_reply_and_only_to_published_comments(
    statement, django_capture_on_commit_callbacks
):
    commissioner = make_user("", Role.COMMISSIONER)
    comment = comment_on(statement, user=make_provider(email="author@provider.example"))
    with pytest.raises(ValidationError):
        services.comment_reply(commissioner=commissioner, comment=comment, text="Thanks")
    services.comment_moderate(moderator=commissioner, comment=comment, approve=True)
    with pytest.raises(PermissionDenied):
        services.comment_reply(
            commissioner=make_user("", Role.MODERATOR), comment=comment, text="Thanks"
        )
    with pytest.raises(ValidationError):
        services.comment_reply(commissioner=commissioner, comment=comment, text="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply(commissioner=commissioner, comment=comment, text="We agree.")
    assert comment.reply == "We agree."
    assert "We agree." in mail.outbox[-1].body


# --- what the statement shows ---------------------------------------------------------------------


def test_the_statement_shows_the_period_and_only_approved_comments_with_replies(client, statement):
    commissioner = make_user("", Role.COMMISSIONER)
    waiting = comment_on(statement, text="Still waiting for a moderator.")
    shown = comment_on(statement, text="Rural rates are too low.", on_behalf_of="Holly Homecare")
    services.comment_moderate(moderator=commissioner, comment=shown, approve=True)
    services.comment_reply(commissioner=commissioner, comment=shown, text="We will review them.")
    html = client.get(statement.url).content.decode()
    assert f"open for comments from {statement.consultation_opens:%-d %B %Y}" in html
    assert "Rural rates are too low." in html and "Holly Homecare" in html
    assert "We will review them." in html
    assert waiting.text not in html
    assert shown.author.email not in html  # the author's identity is never shown


def test_the_comment_link_shows_only_to_signed_in_people_while_open(client, statement):
    link = f"/market-statement/{statement.pk}/sections/{section_id(statement)}/comment/"
    assert link not in client.get(statement.url).text
    client.force_login(make_provider())
    assert link in client.get(statement.url).text
    statement.consultation_closes = TODAY - timedelta(days=1)
    statement.save_revision().publish()
    assert link not in client.get(statement.url).text


# --- views ----------------------------------------------------------------------------------------


def comment_url(page):
    return f"/market-statement/{page.pk}/sections/{section_id(page)}/comment/"


def test_comment_form_sends_anonymous_people_to_sign_in(client, statement):
    response = client.get(comment_url(statement))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_comment_form_posts_a_comment(client, statement):
    client.force_login(make_provider())
    assert client.get(comment_url(statement)).status_code == 200
    response = client.post(comment_url(statement), {"text": "Too few carers.", "on_behalf_of": ""})
    assert response.status_code == 302
    assert Comment.objects.get().text == "Too few carers."
    followed = client.get(response.url)
    assert "your comment is sent" in followed.text


def test_comment_form_shows_errors_and_keeps_the_text(client, statement):
    client.force_login(make_provider())
    response = client.post(comment_url(statement), {"text": "", "on_behalf_of": "Holly"})
    assert response.status_code == 200
    assert "There is a problem" in response.text and "Enter your comment." in response.text
    assert 'value="Holly"' in response.text
    assert not Comment.objects.exists()


def test_comment_form_is_closed_outside_the_consultation(client, statement):
    statement.consultation_closes = TODAY - timedelta(days=1)
    statement.save_revision().publish()
    client.force_login(make_provider())
    assert client.get(comment_url(statement)).status_code == 403


def test_comment_form_404s_for_an_unknown_section(client, statement):
    client.force_login(make_provider())
    assert client.get(f"/market-statement/{statement.pk}/sections/nope/comment/").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        (Role.PUBLIC, 403),
        (Role.PROVIDER_STAFF, 403),
        (Role.EDITOR, 403),
        (Role.MODERATOR, 200),
        (Role.COMMISSIONER, 200),
    ],
)
def test_the_moderation_queue_is_for_commissioners_and_moderators(client, statement, role, status):
    comment = comment_on(statement, text="A pending comment.")
    if role:
        client.force_login(make_user("", role))
    response = client.get("/market-statement/consultation/")
    assert response.status_code == status
    if status == 200:
        assert "A pending comment." in response.text
        moderate = client.get(f"/market-statement/consultation/{comment.pk}/moderate/")
        assert moderate.status_code == 200


def test_moderating_through_the_queue(client, statement):
    comment = comment_on(statement)
    client.force_login(make_user("", Role.MODERATOR))
    url = f"/market-statement/consultation/{comment.pk}/moderate/"
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 200 and "Say why" in response.text
    response = client.post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_moderators_may_not_reply_but_commissioners_may(client, statement):
    comment = comment_on(statement)
    services.comment_moderate(
        moderator=make_user("", Role.MODERATOR), comment=comment, approve=True
    )
    url = f"/market-statement/consultation/{comment.pk}/reply/"
    client.force_login(make_user("", Role.MODERATOR))
    assert client.get(url).status_code == 403
    client.force_login(make_user("", Role.COMMISSIONER))
    assert client.post(url, {"text": ""}).status_code == 200
    assert client.post(url, {"text": "Thank you."}).status_code == 302
    comment.refresh_from_db()
    assert comment.reply == "Thank you."


def test_subscribing_and_unsubscribing(client, statement):
    url = f"/market-statement/{statement.pk}/subscription/"
    anonymous = client.post(url, {"subscribe": "yes"})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    provider = make_provider()
    client.force_login(provider)
    assert client.get(url).status_code == 405
    client.post(url, {"subscribe": "yes"})
    client.post(url, {"subscribe": "yes"})
    assert Subscription.objects.filter(user=provider).count() == 1
    assert "Stop e-mails about new versions" in client.get(statement.url).text
    client.post(url, {"subscribe": "no"})
    assert not Subscription.objects.filter(user=provider).exists()
