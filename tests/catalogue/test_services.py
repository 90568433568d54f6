from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from catalogue import services
from catalogue.models import (
    Claim,
    Invitation,
    Membership,
    Organisation,
    PriceRecord,
    Service,
    ServiceChange,
)
from core.roles import Role
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    PriceOptionFactory,
    ServiceFactory,
    make_provider,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return make_user("mod@council.example", Role.MODERATOR)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Sunrise Care Ltd", email="office@sunrise.example")


@pytest.fixture
def owner(organisation):
    return make_provider(organisation, email="owner@sunrise.example")


@pytest.fixture
def editor(organisation):
    return make_provider(organisation, Membership.Role.EDITOR, email="editor@sunrise.example")


@pytest.fixture
def outsider():
    return make_provider(OrganisationFactory(), email="other@elsewhere.example")


# --- organisations ----------------------------------------------------------------------------


def test_registering_an_organisation_makes_the_person_its_owner_and_waits_for_approval():
    person = make_user("founder@new.example")

    organisation = services.organisation_register(
        user=person, name="Meadow Home Care", kind="company", phone="01743 000000"
    )

    assert organisation.status == Organisation.Status.PENDING
    assert organisation.slug == "meadow-home-care"
    assert organisation.memberships.get().user == person
    assert organisation.memberships.get().role == Membership.Role.OWNER
    assert person.has_role(Role.PROVIDER_STAFF)
    second = services.organisation_register(user=person, name="Meadow Home Care", kind="charity")
    assert second.slug == "meadow-home-care-2"


def test_two_registrations_of_one_name_at_once_both_get_a_slug(monkeypatch):
    """The race: both requests found the slug free before either saved. Played here by a
    slug check that answers from before the other's save."""
    OrganisationFactory(name="Meadow Home Care", slug="meadow-home-care")
    stale = iter(["meadow-home-care"])
    real = services.unique_slug
    monkeypatch.setattr(
        services.slugs,
        "unique_slug",
        lambda model, text, **kw: next(stale, None) or real(model, text),
    )
    person = make_user("founder@new.example")

    organisation = services.organisation_register(
        user=person, name="Meadow Home Care", kind="company"
    )

    assert organisation.slug == "meadow-home-care-2"
    assert organisation.memberships.get().user == person


def test_two_listings_of_one_name_at_once_both_get_a_slug(monkeypatch, organisation, editor):
    ServiceFactory(organisation=organisation, slug="day-centre-sunrise-care-ltd")
    stale = iter(["day-centre-sunrise-care-ltd"])
    real = services.unique_slug
    monkeypatch.setattr(
        services.slugs,
        "unique_slug",
        lambda model, text, **kw: next(stale, None) or real(model, text),
    )

    service = services.service_create(
        user=editor,
        organisation=organisation,
        name="Day centre",
        summary="Days out.",
        categories=[CategoryFactory()],
    )

    assert service.slug == "day-centre-sunrise-care-ltd-2"
    assert service.changes.exists()  # the rest of the creation went on in the same transaction


def test_registration_validates_the_details():
    with pytest.raises(ValidationError) as error:
        services.organisation_register(
            user=make_user(), name="X", kind="not-a-kind", website="not a url"
        )
    assert {"kind", "website"} <= set(error.value.message_dict)
    assert not Organisation.objects.exists()


def test_only_its_staff_update_an_organisation(organisation, editor, outsider):
    services.organisation_update(user=editor, organisation=organisation, phone="01743 111111")
    assert Organisation.objects.get(pk=organisation.pk).phone == "01743 111111"

    with pytest.raises(PermissionDenied):
        services.organisation_update(user=outsider, organisation=organisation, phone="0")
    with pytest.raises(ValueError, match="status cannot be changed"):
        services.organisation_update(user=editor, organisation=organisation, status="active")


def test_moderators_approve_and_reject_with_an_emailed_reason(moderator):
    person = make_user("founder@new.example")
    first = services.organisation_register(
        user=person, name="A", kind="company", email="a@new.example"
    )
    second = services.organisation_register(user=person, name="B", kind="company")

    with pytest.raises(PermissionDenied):
        services.organisation_approve(moderator=person, organisation=first)
    with pytest.raises(ValidationError, match="reason"):
        services.organisation_reject(moderator=moderator, organisation=second, reason=" ")

    with pytest.raises(ValidationError):  # only a pending organisation can be approved
        services.organisation_approve(moderator=moderator, organisation=OrganisationFactory())
    services.organisation_approve(moderator=moderator, organisation=first)
    services.organisation_reject(moderator=moderator, organisation=second, reason="No CQC number")

    first.refresh_from_db()
    assert first.status == Organisation.Status.ACTIVE and first.verified_at
    assert Organisation.objects.get(pk=second.pk).status == Organisation.Status.REJECTED


def test_decision_emails_go_after_commit(django_capture_on_commit_callbacks, moderator):
    person = make_user("founder@new.example")
    organisation = services.organisation_register(
        user=person, name="A", kind="company", email="a@new.example"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(
            moderator=moderator, organisation=organisation, reason="We could not verify you."
        )

    (message,) = mail.outbox
    assert sorted(message.to) == ["a@new.example", "founder@new.example"]
    assert message.subject == "A was not approved on Care Market"
    assert "We could not verify you." in message.body


def test_suspending_an_organisation_hides_its_services_until_restored(moderator, organisation):
    service = ServiceFactory(organisation=organisation)
    assert list(Service.objects.visible()) == [service]

    services.organisation_suspend(moderator=moderator, organisation=organisation, reason="Closed")
    assert not Service.objects.visible().exists()

    services.organisation_restore(moderator=moderator, organisation=organisation)
    assert list(Service.objects.visible()) == [service]


# --- claims -----------------------------------------------------------------------------------


@pytest.fixture
def cqc_organisation():
    return OrganisationFactory(
        name="Riverside Care Home Ltd",
        source=Organisation.Source.CQC,
        status=Organisation.Status.ACTIVE,
    )


def test_a_claim_approved_makes_an_owner_and_closes_the_others(
    moderator, cqc_organisation, django_capture_on_commit_callbacks
):
    first, second = make_user("manager@riverside.example"), make_user("deputy@riverside.example")
    claim = services.claim_create(
        user=first, organisation=cqc_organisation, job_title="Manager", evidence="Call the home"
    )
    other = services.claim_create(
        user=second, organisation=cqc_organisation, job_title="Deputy", evidence="Ask Jo"
    )
    with pytest.raises(ValidationError, match="already asked"):
        services.claim_create(
            user=first, organisation=cqc_organisation, job_title="Manager", evidence="x"
        )

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.claim_approve(moderator=moderator, claim=claim)

    assert membership.role == Membership.Role.OWNER and membership.user == first
    assert first.has_role(Role.PROVIDER_STAFF)
    other.refresh_from_db()
    assert other.status == Claim.Status.REJECTED and "invite you" in other.reason
    assert {tuple(m.to) for m in mail.outbox} == {
        ("manager@riverside.example",),
        ("deputy@riverside.example",),
    }
    with pytest.raises(ValidationError, match="already managed"):
        services.claim_create(
            user=make_user(), organisation=cqc_organisation, job_title="X", evidence="Y"
        )


def test_claims_are_decided_once_and_only_by_moderators(moderator, cqc_organisation):
    person = make_user()
    claim = services.claim_create(
        user=person, organisation=cqc_organisation, job_title="Manager", evidence="Call me"
    )

    with pytest.raises(PermissionDenied):
        services.claim_approve(moderator=person, claim=claim)
    with pytest.raises(ValidationError, match="reason"):
        services.claim_reject(moderator=moderator, claim=claim, reason="")
    services.claim_reject(moderator=moderator, claim=claim, reason="We could not check this.")
    with pytest.raises(ValidationError, match="already been decided"):
        services.claim_approve(moderator=moderator, claim=claim)
    assert not cqc_organisation.memberships.exists()


# --- people -----------------------------------------------------------------------------------


def test_an_owner_invites_a_colleague_who_joins_by_the_link(
    organisation, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            user=owner, organisation=organisation, email=" Sam@Sunrise.example "
        )

    (message,) = mail.outbox
    assert message.to == ["sam@sunrise.example"]
    assert f"/provider/invitations/{invitation.token}/" in message.body
    colleague = make_user("sam@sunrise.example")
    membership = services.invitation_accept(user=colleague, token=invitation.token)
    assert membership.role == Membership.Role.EDITOR
    assert colleague.has_role(Role.PROVIDER_STAFF)
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(user=colleague, token=invitation.token)


def test_invitations_are_for_owners_and_for_the_invited_address_only(organisation, owner, editor):
    with pytest.raises(PermissionDenied):
        services.invitation_create(user=editor, organisation=organisation, email="x@example.org")
    with pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(user=owner, organisation=organisation, email=editor.email)

    invitation = services.invitation_create(
        user=owner, organisation=organisation, email="sam@sunrise.example"
    )
    with pytest.raises(ValidationError, match="Sign in with that address"):
        services.invitation_accept(user=make_user("someone@else.example"), token=invitation.token)

    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(user=make_user("sam@sunrise.example"), token=invitation.token)


def test_invitations_only_from_an_approved_organisation(owner, organisation):
    """Security review (issue 18, item 5): registering an organisation makes you its owner at
    once, so invitations (e-mails with the organisation's name) needed no approval."""
    organisation.status = Organisation.Status.PENDING
    organisation.save()
    with pytest.raises(ValidationError, match="approved"):
        services.invitation_create(user=owner, organisation=organisation, email="x@example.org")


def test_invitations_are_limited_per_day_and_per_address(owner, organisation, settings):
    settings.CATALOGUE_INVITATIONS_PER_DAY = 2
    first = services.invitation_create(user=owner, organisation=organisation, email="a@example.org")
    services.invitation_cancel(user=owner, invitation=first)
    with pytest.raises(ValidationError, match="already invited"):
        services.invitation_create(user=owner, organisation=organisation, email="A@example.org")
    services.invitation_create(user=owner, organisation=organisation, email="b@example.org")
    with pytest.raises(ValidationError, match="2 invitations a day"):
        services.invitation_create(user=owner, organisation=organisation, email="c@example.org")
    assert organisation.invitations.count() == 2


def test_an_invitation_to_an_unknown_address_does_not_carry_the_inviters_name(
    owner, organisation, django_capture_on_commit_callbacks
):
    owner.first_name, owner.last_name = "Visit", "spam.example"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(user=owner, organisation=organisation, email="x@example.org")
    (message,) = mail.outbox
    assert "spam.example" not in message.subject + message.body
    assert "invitations/" in message.body  # the link is all it carries


def test_an_invitation_to_an_unknown_address_does_not_carry_the_organisations_name(
    owner, organisation, django_capture_on_commit_callbacks
):
    """An owner renames the approved organisation (no moderator sees a rename), so its name is
    free text too: e-mails to strangers leave it out; a verified account's holder sees it."""
    services.organisation_update(
        user=owner, organisation=organisation, name="Claim your prize at spam.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(user=owner, organisation=organisation, email="x@example.org")
        known = make_user("known@example.org")
        services.invitation_create(user=owner, organisation=organisation, email=known.email)
    stranger, colleague = mail.outbox
    assert "spam.example" not in stranger.subject + stranger.body
    assert "a care provider's listings" in stranger.body
    assert "Claim your prize at spam.example" in colleague.subject + colleague.body


def test_owners_remove_colleagues_but_never_the_last_owner(organisation, owner, editor):
    editor_membership = editor.memberships.get()
    owner_membership = owner.memberships.get()

    with pytest.raises(PermissionDenied):
        services.membership_remove(user=editor, membership=owner_membership)
    with pytest.raises(ValidationError, match="Hand over ownership"):
        services.membership_remove(user=owner, membership=owner_membership)
    services.membership_remove(user=owner, membership=editor_membership)
    assert list(organisation.memberships.values_list("user__email", flat=True)) == [owner.email]


def test_handing_over_ownership(organisation, owner, editor, outsider):
    new_owner = services.ownership_transfer(
        user=owner, organisation=organisation, to=editor.memberships.get()
    )

    assert new_owner.role == Membership.Role.OWNER
    assert owner.memberships.get().role == Membership.Role.EDITOR
    with pytest.raises(PermissionDenied):
        services.ownership_transfer(
            user=owner, organisation=organisation, to=editor.memberships.get()
        )
    with pytest.raises(ValidationError, match="not a member"):
        services.ownership_transfer(
            user=editor, organisation=organisation, to=outsider.memberships.get()
        )


# --- services ---------------------------------------------------------------------------------


@pytest.fixture
def home_care():
    return CategoryFactory(name="Home care", slug="home-care", reference_unit="hour")


def test_creating_a_service_locates_its_postcode(organisation, editor, home_care):
    locality = LocalityFactory(name="Shrewsbury", slug="shrewsbury")
    PostcodeFactory(postcode="SY1 1AA", easting=349100, northing=312600, locality=locality)

    service = services.service_create(
        user=editor,
        organisation=organisation,
        name="Home care in Shrewsbury",
        summary="Personal care at home.",
        postcode="sy11aa",
        town="Shrewsbury",
        categories=[home_care],
    )

    assert service.status == Service.Status.DRAFT
    assert service.slug == "home-care-in-shrewsbury"  # the town is not repeated
    assert (service.postcode, service.easting, service.northing) == ("SY1 1AA", 349100, 312600)
    assert service.locality == locality
    assert service.changes.get().action == ServiceChange.Action.CREATED


@pytest.mark.parametrize(
    ("postcode", "message"),
    [("SY99 9ZZ", "We cannot find SY99 9ZZ"), ("banana", "Enter a real postcode")],
)
def test_an_unknown_postcode_is_a_clear_error_and_saves_nothing(
    organisation, editor, home_care, postcode, message
):
    with pytest.raises(ValidationError) as error:
        services.service_create(
            user=editor,
            organisation=organisation,
            name="Home care",
            summary="Care.",
            postcode=postcode,
            categories=[home_care],
        )

    assert message in error.value.message_dict["postcode"][0]
    assert not Service.objects.exists()


def test_a_service_needs_a_category(organisation, editor):
    with pytest.raises(ValidationError) as error:
        services.service_create(user=editor, organisation=organisation, name="X", summary="Y")
    assert "categories" in error.value.message_dict
    assert not Service.objects.exists()


def test_only_staff_of_the_organisation_create_or_edit(organisation, outsider, home_care):
    service = ServiceFactory(organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.service_create(
            user=outsider, organisation=organisation, name="X", summary="Y", categories=[home_care]
        )
    with pytest.raises(PermissionDenied):
        services.service_update(user=outsider, service=service, summary="Hacked")
    with pytest.raises(PermissionDenied):
        services.service_update(user=make_user(), service=service, summary="Hacked")
    assert Service.objects.get(pk=service.pk).summary == "Help at home."


def test_edits_to_a_published_listing_publish_at_once_and_are_logged(organisation, editor):
    service = ServiceFactory(organisation=organisation, summary="Old words.")

    services.service_update(user=editor, service=service, summary="New words.", beds=30)

    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED and service.summary == "New words."
    change = service.changes.get(action=ServiceChange.Action.EDITED)
    assert change.user == editor
    assert change.changes == {"summary": ["Old words.", "New words."], "beds": [None, 30]}


def test_first_services_wait_for_a_moderator_later_ones_publish_at_once(
    moderator, home_care, django_capture_on_commit_callbacks
):
    person = make_user("founder@new.example")
    organisation = services.organisation_register(user=person, name="New Co", kind="company")
    first = services.service_create(
        user=person, organisation=organisation, name="First", summary="S", categories=[home_care]
    )
    with pytest.raises(ValidationError, match="at least one price"):
        services.service_submit(user=person, service=first)
    services.price_option_save(
        user=person, service=first, label="Hourly", amount=Decimal("27.00"), unit="hour"
    )

    services.service_submit(user=person, service=first)
    assert first.status == Service.Status.PENDING
    with pytest.raises(ValidationError, match="Approve the organisation"):
        services.service_approve(moderator=moderator, service=first)
    services.organisation_approve(moderator=moderator, organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.service_approve(moderator=moderator, service=first)
    assert first.status == Service.Status.PUBLISHED and first.published_at
    assert "First is now published" in mail.outbox[-1].subject

    second = services.service_create(
        user=person, organisation=organisation, name="Second", summary="S", categories=[home_care]
    )
    services.price_option_save(
        user=person, service=second, label="Hourly", amount=Decimal("27.00"), unit="hour"
    )
    services.service_submit(user=person, service=second)
    assert second.status == Service.Status.PUBLISHED


def test_moderators_reject_suspend_and_restore_listings(moderator, organisation, owner):
    pending = ServiceFactory(organisation=organisation, status=Service.Status.PENDING)
    published = ServiceFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        services.service_suspend(moderator=owner, service=published, reason="x")
    services.service_reject(moderator=moderator, service=pending, reason="Too vague")
    services.service_suspend(moderator=moderator, service=published, reason="Complaint")
    assert not Service.objects.visible().exists()
    with pytest.raises(ValidationError):
        services.service_reject(moderator=moderator, service=published, reason="x")
    services.service_restore(moderator=moderator, service=published)

    assert list(Service.objects.visible()) == [published]
    actions = list(published.changes.values_list("action", flat=True))
    assert actions == [ServiceChange.Action.RESTORED, ServiceChange.Action.SUSPENDED]
    assert pending.changes.get().note == "Too vague"


def _trusted_listing(organisation):
    """A listing of an organisation that has had one approved before, so resubmissions publish
    at once (no moderator in between)."""
    ServiceFactory(organisation=organisation)  # published before: the organisation is trusted
    listing = ServiceFactory(organisation=organisation)
    PriceOptionFactory(service=listing)
    return listing


def test_a_provider_cannot_lift_a_suspension_by_archiving_and_resubmitting(
    moderator, organisation, owner
):
    """Security review (issue 18, item 1): archive + submit published a suspended listing of a
    trusted organisation at once and cleared the reason. The hold stays until a moderator acts."""
    listing = _trusted_listing(organisation)
    services.service_suspend(moderator=moderator, service=listing, reason="Safeguarding concern")

    services.service_archive(user=owner, service=listing)
    services.service_submit(user=owner, service=listing)

    listing.refresh_from_db()
    assert listing.status == Service.Status.PENDING
    assert listing.moderator_hold == Service.Hold.SUSPENDED
    assert listing.status_reason == "Safeguarding concern"
    assert listing not in Service.objects.visible()
    services.service_update(user=owner, service=listing, summary="All fixed now.")
    listing.refresh_from_db()
    assert listing.moderator_hold == Service.Hold.SUSPENDED

    services.service_approve(moderator=moderator, service=listing)
    listing.refresh_from_db()
    assert listing.status == Service.Status.PUBLISHED
    assert listing.moderator_hold == Service.Hold.NONE
    assert list(Service.objects.visible().filter(pk=listing.pk)) == [listing]


def test_a_rejection_is_a_hold_too(moderator, organisation, owner):
    listing = _trusted_listing(organisation)
    listing.status = Service.Status.PENDING
    listing.save()
    services.service_reject(moderator=moderator, service=listing, reason="Prices wrong")

    services.service_submit(user=owner, service=listing)
    listing.refresh_from_db()
    assert listing.status == Service.Status.PENDING  # not published at once, though trusted
    assert listing.moderator_hold == Service.Hold.REJECTED


def test_restoring_a_suspended_listing_lifts_the_hold(moderator, organisation):
    listing = _trusted_listing(organisation)
    services.service_suspend(moderator=moderator, service=listing, reason="Complaint")
    services.service_restore(moderator=moderator, service=listing)
    listing.refresh_from_db()
    assert (listing.status, listing.moderator_hold) == (Service.Status.PUBLISHED, "")


# --- prices -----------------------------------------------------------------------------------


def test_every_price_change_appends_to_the_history(organisation, editor):
    service = ServiceFactory(organisation=organisation)

    option = services.price_option_save(
        user=editor, service=service, label="Weekday", amount=Decimal("26.00"), unit="hour"
    )
    services.price_option_save(
        user=editor,
        service=service,
        option=option,
        label="Weekday",
        amount=Decimal("27.50"),
        unit="hour",
    )
    services.price_option_save(  # only the conditions change: not a new price
        user=editor,
        service=service,
        option=option,
        label="Weekday",
        amount=Decimal("27.50"),
        unit="hour",
        conditions="Minimum one hour",
    )
    services.price_option_delete(user=editor, option=option)

    history = list(PriceRecord.objects.filter(option_uuid=option.uuid))
    assert [r.amount for r in history] == [Decimal("26.00"), Decimal("27.50"), None]
    assert all(r.recorded_by == editor and r.unit == "hour" for r in history)
    assert not service.price_options.exists()


def test_price_history_cannot_be_edited_or_deleted(organisation, editor):
    option = services.price_option_save(
        user=editor,
        service=ServiceFactory(organisation=organisation),
        label="Weekday",
        amount=Decimal("26.00"),
        unit="hour",
    )
    record = PriceRecord.objects.get(option_uuid=option.uuid)

    record.amount = Decimal("1.00")
    with pytest.raises(TypeError, match="append-only"):
        record.save()
    with pytest.raises(TypeError, match="append-only"):
        record.delete()
    with pytest.raises(TypeError, match="append-only"):
        PriceRecord.objects.filter(pk=record.pk).update(amount=Decimal("1.00"))
    with pytest.raises(TypeError, match="append-only"):
        PriceRecord.objects.all().delete()
    assert PriceRecord.objects.get(pk=record.pk).amount == Decimal("26.00")


@pytest.mark.parametrize(
    ("amount", "unit", "field", "message"),
    [
        (Decimal("-5"), "hour", "amount", "less than zero"),
        (Decimal("250000"), "week", "amount", "under £100,000"),
        (None, "hour", "amount", "Enter the price"),
        (Decimal("12.345"), "hour", "amount", "pounds and pence"),
        (Decimal("10"), "free", "amount", "free option"),
        (Decimal("10"), "", "unit", "cannot be blank"),
        (Decimal("10"), "fortnight", "unit", "not a valid choice"),
    ],
)
def test_bad_prices_are_refused_and_nothing_is_recorded(
    organisation, editor, amount, unit, field, message
):
    service = ServiceFactory(organisation=organisation)

    with pytest.raises(ValidationError) as error:
        services.price_option_save(
            user=editor, service=service, label="Price", amount=amount, unit=unit
        )

    assert message in " ".join(error.value.message_dict[field])
    assert not service.price_options.exists() and not PriceRecord.objects.exists()


def test_validity_dates_must_be_in_order(organisation, editor):
    service = ServiceFactory(organisation=organisation)
    today = timezone.localdate()

    with pytest.raises(ValidationError) as error:
        services.price_option_save(
            user=editor,
            service=service,
            label="Summer",
            amount=Decimal("30"),
            unit="hour",
            valid_from=today,
            valid_to=today - timedelta(days=1),
        )
    assert "valid_to" in error.value.message_dict


def test_current_prices_respect_their_validity_dates(organisation):
    service = ServiceFactory(organisation=organisation)
    today = timezone.localdate()
    current = PriceOptionFactory(service=service, label="Now")
    PriceOptionFactory(service=service, label="Old", valid_to=today - timedelta(days=1))
    PriceOptionFactory(service=service, label="Next year", valid_from=today + timedelta(days=365))

    assert list(service.price_options.current()) == [current]


def test_staff_cannot_touch_another_organisations_prices(organisation, outsider):
    option = PriceOptionFactory(service=ServiceFactory(organisation=organisation))

    with pytest.raises(PermissionDenied):
        services.price_option_save(
            user=outsider,
            service=option.service,
            option=option,
            label="X",
            amount=Decimal("1"),
            unit="hour",
        )
    with pytest.raises(PermissionDenied):
        services.price_option_delete(user=outsider, option=option)


# --- availability and staleness ---------------------------------------------------------------


def test_setting_availability_also_confirms_the_listing(organisation, editor):
    long_ago = timezone.now() - timedelta(days=200)
    service = ServiceFactory(organisation=organisation, beds=40, last_confirmed_at=long_ago)

    services.service_set_availability(
        user=editor, service=service, accepting_new_clients=True, vacancies=3
    )

    service.refresh_from_db()
    assert (service.accepting_new_clients, service.vacancies) == (True, 3)
    assert service.last_confirmed_at > long_ago and service.availability_updated_at
    assert service.changes.get().changes == {
        "accepting_new_clients": [None, True],
        "vacancies": [None, 3],
    }
    with pytest.raises(ValidationError, match="more than the 40 beds"):
        services.service_set_availability(
            user=editor, service=service, accepting_new_clients=True, vacancies=41
        )
    with pytest.raises(ValidationError, match="less than zero"):
        services.service_set_availability(
            user=editor, service=service, accepting_new_clients=True, vacancies=-1
        )


def test_reminders_at_six_months_once_and_hidden_at_twelve(
    organisation, owner, django_capture_on_commit_callbacks
):
    now = timezone.now()
    fresh = ServiceFactory(organisation=organisation, last_confirmed_at=now - timedelta(days=30))
    due = ServiceFactory(organisation=organisation, last_confirmed_at=now - timedelta(days=200))
    stale = ServiceFactory(organisation=organisation, last_confirmed_at=now - timedelta(days=400))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.services_send_stale_reminders(now=now) == 2
    assert services.services_send_stale_reminders(now=now) == 0  # once only

    (message,) = mail.outbox
    assert sorted(message.to) == ["office@sunrise.example", "owner@sunrise.example"]
    assert due.name in message.body and stale.name in message.body
    assert fresh.name not in message.body
    assert list(Service.objects.visible(now=now)) == [fresh, due]
    assert list(Service.objects.stale(now=now)) == [stale]

    services.service_confirm(user=owner, service=stale)
    stale.refresh_from_db()
    assert stale.stale_reminder_sent_at is None
    assert stale in Service.objects.visible()


def test_suspended_organisations_cannot_be_claimed(cqc_organisation):
    cqc_organisation.status = Organisation.Status.SUSPENDED
    cqc_organisation.save()

    with pytest.raises(ValidationError, match="cannot be claimed"):
        services.claim_create(
            user=make_user(), organisation=cqc_organisation, job_title="X", evidence="Y"
        )
    assert not Claim.objects.exists()


def test_a_price_counts_towards_the_category_with_its_unit(organisation, editor):
    home_care = CategoryFactory(slug="home-care", reference_unit="hour")
    respite = CategoryFactory(slug="respite", reference_unit="night")
    service = ServiceFactory(organisation=organisation, categories=[home_care, respite])

    services.price_option_save(
        user=editor, service=service, label="Night", amount=Decimal("150"), unit="night"
    )
    services.price_option_save(
        user=editor, service=service, label="Hour", amount=Decimal("28"), unit="hour"
    )

    records = {r.label: r.category for r in PriceRecord.objects.all()}
    assert records == {"Night": respite, "Hour": home_care}


def test_a_refused_edit_leaves_the_callers_object_as_stored(organisation, editor):
    service = ServiceFactory(organisation=organisation, summary="Stored summary.")

    with pytest.raises(ValidationError):
        services.service_update(user=editor, service=service, summary="x" * 400)

    assert service.summary == "Stored summary."


def test_only_published_listings_are_confirmed(organisation, editor):
    draft = ServiceFactory(organisation=organisation, status=Service.Status.DRAFT)

    with pytest.raises(ValidationError, match="Only a published listing"):
        services.service_confirm(user=editor, service=draft)


def test_a_rejected_organisation_cannot_be_suspended_and_restored_into_approval(moderator):
    person = make_user()
    organisation = services.organisation_register(user=person, name="Shady Ltd", kind="company")
    services.organisation_reject(moderator=moderator, organisation=organisation, reason="No")

    with pytest.raises(ValidationError, match="active or pending"):
        services.organisation_suspend(moderator=moderator, organisation=organisation, reason="x")
    with pytest.raises(ValidationError):
        services.organisation_restore(moderator=moderator, organisation=organisation)
    assert Organisation.objects.get(pk=organisation.pk).status == Organisation.Status.REJECTED


def test_non_moderators_are_refused_before_anything_else(organisation, owner):
    with pytest.raises(PermissionDenied):
        services.organisation_approve(moderator=owner, organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.organisation_reject(moderator=owner, organisation=organisation, reason="x")
    with pytest.raises(PermissionDenied):  # not suspended, but who asks is checked first
        services.organisation_restore(moderator=owner, organisation=organisation)
