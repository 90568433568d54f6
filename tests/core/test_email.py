"""core.email.send_email: the site's one way to send e-mail (it replaced the catalogue's,
ratings', plans' and market statement's own copies and the catalogue's mail task)."""

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

import pytest
from allauth.account.models import EmailAddress

from core.email import address_hint, addresses_of, require_sent_to, send_email
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TEMPLATE = "catalogue/email/claim_approved"


class Organisation:
    name = "Sunrise Care"


def test_one_email_to_every_address_once_after_commit(django_capture_on_commit_callbacks, settings):
    settings.WAGTAIL_SITE_NAME = "Westshire Care Market"
    with django_capture_on_commit_callbacks(execute=True):
        send_email(
            template=TEMPLATE,
            to=["b@example.com", "", "a@example.com", "b@example.com", None],
            context={"organisation": Organisation()},
        )
        assert mail.outbox == []  # nothing before the transaction commits
    (message,) = mail.outbox
    assert message.to == ["a@example.com", "b@example.com"]
    assert message.subject == "You now manage Sunrise Care on Westshire Care Market"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_separately_sends_one_email_per_recipient(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_email(
            template=TEMPLATE,
            to=["a@example.com", "b@example.com"],
            context={"organisation": Organisation()},
            separately=True,
        )
    assert [m.to for m in mail.outbox] == [["a@example.com"], ["b@example.com"]]


def test_nothing_is_sent_when_the_transaction_rolls_back():
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        send_email(
            template=TEMPLATE, to=["a@example.com"], context={"organisation": Organisation()}
        )
        raise Undo
    assert mail.outbox == []


def test_no_addresses_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_email(template=TEMPLATE, to=["", None], context={})
    assert callbacks == [] and mail.outbox == []


@pytest.mark.parametrize(
    ("email", "hint"),
    [
        ("jo@example.org", "j•••@e•••.org"),
        ("pat.smith@council.gov.uk", "p•••@c•••.uk"),
        ("Sam@SMITH-FAMILY.ME.UK", "S•••@S•••.UK"),
        ("root@localhost", "r•••@l•••"),
        ("not an address", "•••"),
        ("", "•••"),
    ],
)
def test_an_address_hint_shows_first_letters_never_the_address(email, hint):
    assert address_hint(email) == hint


def test_an_invitation_opens_for_any_verified_address_of_its_recipient_only():
    """One rule for plan shares, plan link requests and assessment invitations: the account's
    own address or a verified second one; an unverified one or someone else's is refused with
    a hint of the address it was sent to, never the address."""
    user = make_user("Pat@Example.org")
    EmailAddress.objects.create(user=user, email="pat.work@council.gov.uk", verified=True)
    EmailAddress.objects.create(user=user, email="pat.old@mail.example", verified=False)
    assert {"pat@example.org", "pat.work@council.gov.uk"} <= addresses_of(user)
    assert "pat.old@mail.example" not in addresses_of(user)

    require_sent_to(user, "pat@example.org")
    require_sent_to(user, "PAT.WORK@council.gov.uk")
    for other in ("pat.old@mail.example", "jo@example.org"):
        with pytest.raises(ValidationError) as refused:
            require_sent_to(user, other, what="request")
        message = refused.value.messages[0]
        assert message.startswith("This request was sent to another email address (")
        assert address_hint(other) in message and other not in message
