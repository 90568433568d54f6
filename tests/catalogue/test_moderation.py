"""Moderation in the Wagtail admin: queues, decisions through the admin URLs, who may make
them, the change log of a listing, and bounded queries on the admin listings."""

import json
from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from catalogue import services
from catalogue.models import (
    Category,
    Claim,
    ListingReport,
    Membership,
    Organisation,
    PriceRecord,
    Service,
    ServiceChange,
)
from catalogue.moderation import listing_report_close
from core.roles import Role
from tests.factories import (
    CategoryFactory,
    OrganisationFactory,
    PostcodeFactory,
    PriceOptionFactory,
    ServiceFactory,
    make_provider,
    make_user,
)

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def moderator():
    return make_user("mod@council.example", Role.MODERATOR)


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def pending_organisation():
    organisation = OrganisationFactory(
        name="Meadow Home Care", status=Organisation.Status.PENDING, email="office@meadow.example"
    )
    make_provider(organisation, email="owner@meadow.example")
    return organisation


@pytest.fixture
def active_organisation():
    organisation = OrganisationFactory(name="Sunrise Care Ltd", email="office@sunrise.example")
    make_provider(organisation, email="owner@sunrise.example")
    return organisation


@pytest.fixture
def pending_service(active_organisation):
    return ServiceFactory(
        organisation=active_organisation,
        name="Sunrise Home Care",
        status=Service.Status.PENDING,
        published_at=None,
    )


@pytest.fixture
def cqc_organisation():
    return OrganisationFactory(
        name="Hillside Nursing Home",
        status=Organisation.Status.ACTIVE,
        source=Organisation.Source.CQC,
        email="",
    )


@pytest.fixture
def claim(cqc_organisation):
    claimant = make_user("manager@hillside.example")
    return Claim.objects.create(
        organisation=cqc_organisation,
        user=claimant,
        job_title="Registered manager",
        evidence="I am the registered manager named on the CQC report.",
    )


@pytest.fixture
def report(active_organisation):
    service = ServiceFactory(organisation=active_organisation, name="Sunrise Day Centre")
    return ListingReport.objects.create(
        service=service,
        reason=ListingReport.Reason.PRICES,
        message="The prices on the page are from last year.",
        email="reporter@example.org",
    )


def post(client, url, data=None, **kwargs):
    return client.post(url, data or {}, **kwargs)


# --- queues -----------------------------------------------------------------------------------


def test_the_moderator_sees_every_queue_with_its_count(
    moderator_client, pending_organisation, pending_service, claim, report
):
    stale = ServiceFactory(
        name="Forgotten Befriending", last_confirmed_at=timezone.now() - timedelta(days=400)
    )

    page = soup(moderator_client.get("/admin/catalogue/moderation/"))

    rows = {
        row.select_one("a").get_text(strip=True): row.select("td")[1].get_text(strip=True)
        for row in page.select("[data-testid=queues] tbody tr")
    }
    assert rows == {
        "Pending organisations": "1",
        "Pending claims": "1",
        "Pending services": "1",
        "Stale services": "1",
        "Open listing reports": "1",
    }
    stale_link = page.find("a", string="Stale services")["href"]
    listing = soup(moderator_client.get(stale_link))
    assert stale.name in listing.get_text()
    assert pending_service.name not in listing.get_text()
    assert report.service.name not in listing.get_text()


def test_the_overview_lists_recent_edits_to_review(moderator_client, active_organisation):
    editor = make_provider(active_organisation, Membership.Role.EDITOR, email="ed@sunrise.example")
    service = ServiceFactory(organisation=active_organisation, name="Sunrise Home Care")
    services.service_update(user=editor, service=service, phone="01743 111111")

    page = soup(moderator_client.get("/admin/catalogue/moderation/"))

    (row,) = page.select("[data-testid=recent-edits] tbody tr")
    assert "Sunrise Home Care" in row.get_text() and "ed@sunrise.example" in row.get_text()
    assert (
        row.select_one("a")["href"] == f"/admin/catalogue/services/inspect/{service.pk}/#change-log"
    )


def test_the_moderation_menu_and_dashboard_show_the_counts(
    moderator_client, pending_organisation, claim
):
    response = moderator_client.get("/admin/")

    page = soup(response)
    sidebar = json.dumps(json.loads(page.select_one("#wagtail-sidebar-props").string))
    assert "Moderation" in sidebar
    assert "Pending organisations (1)" in sidebar
    assert "Pending claims (1)" in sidebar
    panel = page.select_one("#catalogue-moderation-section")
    counts = {
        row.select("td")[0].get_text(strip=True): row.select("td")[1].get_text(strip=True)
        for row in panel.select("tbody tr")
    }
    assert counts["Pending organisations"] == "1"
    assert counts["Pending claims"] == "1"
    assert counts["Pending services"] == "0"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.COMMISSIONER])
def test_editors_and_commissioners_see_no_moderation_or_catalogue_menu(
    client, role, pending_organisation
):
    client.force_login(make_user("", role))

    response = client.get("/admin/")

    assert response.status_code == 200
    sidebar = soup(response).select_one("#wagtail-sidebar-props").string
    assert "Pending organisations" not in sidebar
    assert '"Moderation"' not in sidebar
    assert '"Catalogue"' not in sidebar
    assert soup(response).select_one("#catalogue-moderation-section") is None


def test_queue_listings_filter_by_status(moderator_client, pending_organisation):
    OrganisationFactory(name="Already Active Ltd")

    pending = soup(moderator_client.get("/admin/catalogue/organisations/?status=pending"))
    everyone = soup(moderator_client.get("/admin/catalogue/organisations/"))

    assert "Meadow Home Care" in pending.get_text()
    assert "Already Active Ltd" not in pending.get_text()
    assert "Already Active Ltd" in everyone.get_text()


def test_listing_filters_and_search(moderator_client, active_organisation):
    home_care = CategoryFactory(name="Care at home")
    personal_care = CategoryFactory(name="Personal care", parent=home_care)
    meals = CategoryFactory(name="Meals")
    ServiceFactory(
        name="Morning calls", organisation=active_organisation, categories=[personal_care]
    )
    ServiceFactory(name="Hot dinners", categories=[meals], status=Service.Status.SUSPENDED)

    def names(query):
        page = soup(moderator_client.get(f"/admin/catalogue/services/?{query}"))
        return {a.get_text(strip=True) for a in page.select("tbody td.title .title-wrapper a")}

    assert names(f"category={home_care.pk}") == {"Morning calls"}
    assert names(f"organisation={active_organisation.pk}") == {"Morning calls"}
    assert names("status=suspended") == {"Hot dinners"}
    assert names("q=dinners") == {"Hot dinners"}


# --- organisations ----------------------------------------------------------------------------


def test_approving_an_organisation(
    moderator_client, pending_organisation, django_capture_on_commit_callbacks
):
    url = f"/admin/catalogue/organisations/approve/{pending_organisation.pk}/"
    page = soup(moderator_client.get(url))
    assert "Meadow Home Care" in page.get_text()
    assert page.find("button", string="Approve")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(moderator_client, url)

    assert response.status_code == 302
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.ACTIVE
    assert pending_organisation.verified_at is not None
    (message,) = mail.outbox
    assert sorted(message.to) == ["office@meadow.example", "owner@meadow.example"]
    followed = moderator_client.get(response["Location"])
    assert "has been approved" in messages_text(followed)


def test_rejecting_an_organisation_emails_the_reason(
    moderator_client, pending_organisation, django_capture_on_commit_callbacks
):
    url = f"/admin/catalogue/organisations/reject/{pending_organisation.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            moderator_client, url, {"reason": "We could not find you at Companies House."}
        )

    assert response.status_code == 302
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.REJECTED
    assert pending_organisation.status_reason == "We could not find you at Companies House."
    (message,) = mail.outbox
    assert "We could not find you at Companies House." in message.body


def test_a_reject_without_a_reason_shows_the_form_again_with_an_error(
    moderator_client, pending_organisation, django_capture_on_commit_callbacks
):
    url = f"/admin/catalogue/organisations/reject/{pending_organisation.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = post(moderator_client, url, {"reason": "   "})

    assert response.status_code == 200
    page = soup(response)
    assert "Give the reason" in page.get_text()
    assert page.select_one("textarea[name=reason]") is not None
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.PENDING
    assert mail.outbox == []


def test_suspending_and_restoring_an_organisation(
    moderator_client, active_organisation, django_capture_on_commit_callbacks
):
    service = ServiceFactory(organisation=active_organisation)
    base = "/admin/catalogue/organisations"

    with django_capture_on_commit_callbacks(execute=True):
        post(moderator_client, f"{base}/suspend/{active_organisation.pk}/", {"reason": "Closed"})
    assert not Service.objects.visible().filter(pk=service.pk).exists()
    assert "Closed" in mail.outbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        post(moderator_client, f"{base}/restore/{active_organisation.pk}/")
    active_organisation.refresh_from_db()
    assert active_organisation.status == Organisation.Status.ACTIVE
    assert Service.objects.visible().filter(pk=service.pk).exists()
    assert len(mail.outbox) == 2


def test_an_invalid_transition_is_a_message_not_an_error(moderator_client, active_organisation):
    url = f"/admin/catalogue/organisations/approve/{active_organisation.pk}/"

    response = post(moderator_client, url, follow=True)

    assert response.status_code == 200
    assert "Only an organisation waiting for approval can be approved." in messages_text(response)
    active_organisation.refresh_from_db()
    assert active_organisation.status == Organisation.Status.ACTIVE
    assert active_organisation.verified_at is None


def test_a_decision_made_from_a_queue_returns_to_the_queue(moderator_client, pending_organisation):
    queue = "/admin/catalogue/organisations/?status=pending"
    page = soup(moderator_client.get(queue))
    approve = page.find("a", string=lambda s: s and s.strip() == "Approve")["href"]

    response = moderator_client.post(approve)

    assert response.status_code == 302
    assert response["Location"] == queue
    assert _state(pending_organisation) == Organisation.Status.ACTIVE
    emptied = soup(moderator_client.get(queue)).select_one("#listing-results").get_text()
    assert "Meadow Home Care" not in emptied
    assert "No organisations match your query." in emptied


def test_buttons_only_for_the_decisions_that_fit(
    moderator_client, pending_organisation, active_organisation
):
    suspended = OrganisationFactory(name="Gone Quiet Ltd", status=Organisation.Status.SUSPENDED)

    page = soup(moderator_client.get("/admin/catalogue/organisations/"))

    def buttons(organisation):
        row = page.find("a", string=lambda s, o=organisation: s and o.name in s).find_parent("tr")
        return {a.get_text(strip=True) for a in row.select("a.button")}

    assert {"Approve", "Reject"} <= buttons(pending_organisation)
    assert "Suspend" not in buttons(pending_organisation)
    assert "Suspend" in buttons(active_organisation)
    assert not {"Approve", "Reject", "Restore"} & buttons(active_organisation)
    assert "Restore" in buttons(suspended)

    inspect = soup(
        moderator_client.get(f"/admin/catalogue/organisations/inspect/{pending_organisation.pk}/")
    )
    header = inspect.select_one("header") or inspect
    labels = {a.get_text(strip=True) for a in header.select("a")}
    assert {"Approve", "Reject"} <= labels
    assert "owner@meadow.example" in inspect.get_text()


# --- services ---------------------------------------------------------------------------------


def test_approving_a_service(moderator_client, pending_service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            moderator_client, f"/admin/catalogue/services/approve/{pending_service.pk}/"
        )

    assert response.status_code == 302
    pending_service.refresh_from_db()
    assert pending_service.status == Service.Status.PUBLISHED
    assert pending_service in Service.objects.visible()
    (message,) = mail.outbox
    assert sorted(message.to) == ["office@sunrise.example", "owner@sunrise.example"]
    assert pending_service.changes.filter(action=ServiceChange.Action.APPROVED).exists()


def test_rejecting_suspending_and_restoring_a_service(
    moderator_client, pending_service, django_capture_on_commit_callbacks
):
    base = "/admin/catalogue/services"

    response = post(moderator_client, f"{base}/reject/{pending_service.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason" in soup(response).get_text()

    with django_capture_on_commit_callbacks(execute=True):
        post(moderator_client, f"{base}/reject/{pending_service.pk}/", {"reason": "No prices"})
    pending_service.refresh_from_db()
    assert pending_service.status == Service.Status.REJECTED
    assert "No prices" in mail.outbox[-1].body

    published = ServiceFactory(organisation=pending_service.organisation, name="Night sits")
    with django_capture_on_commit_callbacks(execute=True):
        post(moderator_client, f"{base}/suspend/{published.pk}/", {"reason": "Unsafe, per CQC"})
    published.refresh_from_db()
    assert published.status == Service.Status.SUSPENDED
    assert "Unsafe, per CQC" in mail.outbox[-1].body
    assert published not in Service.objects.visible()

    post(moderator_client, f"{base}/restore/{published.pk}/")
    published.refresh_from_db()
    assert published.status == Service.Status.PUBLISHED


def test_a_service_of_a_pending_organisation_cannot_be_approved_first(
    moderator_client, pending_organisation
):
    service = ServiceFactory(
        organisation=pending_organisation, status=Service.Status.PENDING, published_at=None
    )

    inspect = soup(moderator_client.get(f"/admin/catalogue/services/inspect/{service.pk}/"))
    assert "Decide on the organisation" in inspect.get_text()
    assert not inspect.find("a", string=lambda s: s and s.strip() == "Approve")

    response = post(
        moderator_client, f"/admin/catalogue/services/approve/{service.pk}/", follow=True
    )
    assert "Approve the organisation before its services." in messages_text(response)
    service.refresh_from_db()
    assert service.status == Service.Status.PENDING


def test_restoring_a_published_service_is_refused_with_a_message(moderator_client):
    service = ServiceFactory()

    response = post(
        moderator_client, f"/admin/catalogue/services/restore/{service.pk}/", follow=True
    )

    assert response.status_code == 200
    assert "Only a suspended listing can be restored." in messages_text(response)


# --- claims -----------------------------------------------------------------------------------


def test_the_claim_page_shows_who_asks_and_why(moderator_client, claim):
    page = soup(moderator_client.get(f"/admin/catalogue/claims/approve/{claim.pk}/")).get_text()

    assert "manager@hillside.example" in page
    assert "Registered manager" in page
    assert "I am the registered manager named on the CQC report." in page
    assert "Hillside Nursing Home" in page


def test_approving_a_claim_makes_the_claimant_an_owner(
    moderator_client, claim, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(moderator_client, f"/admin/catalogue/claims/approve/{claim.pk}/")

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    membership = Membership.objects.get(organisation=claim.organisation)
    assert membership.user == claim.user and membership.role == Membership.Role.OWNER
    (message,) = mail.outbox
    assert message.to == ["manager@hillside.example"]

    again = post(moderator_client, f"/admin/catalogue/claims/approve/{claim.pk}/", follow=True)
    assert "This claim has already been decided." in messages_text(again)


def test_rejecting_a_claim_emails_the_reason(
    moderator_client, claim, django_capture_on_commit_callbacks
):
    url = f"/admin/catalogue/claims/reject/{claim.pk}/"
    assert post(moderator_client, url, {"reason": ""}).status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        post(moderator_client, url, {"reason": "We could not check your evidence."})

    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    (message,) = mail.outbox
    assert message.to == ["manager@hillside.example"]
    assert "We could not check your evidence." in message.body


# --- listing reports --------------------------------------------------------------------------


def test_closing_a_listing_report_needs_an_outcome(moderator_client, moderator, report):
    url = f"/admin/catalogue/listing-reports/close/{report.pk}/"
    page = soup(moderator_client.get(url)).get_text()
    assert "The prices on the page are from last year." in page

    response = post(moderator_client, url, {"outcome": ""})
    assert response.status_code == 200
    assert "Say what was done about the report." in soup(response).get_text()
    assert ListingReport.objects.get(pk=report.pk).status == ListingReport.Status.OPEN

    post(moderator_client, url, {"outcome": "Asked the provider to update the prices."})
    report.refresh_from_db()
    assert report.status == ListingReport.Status.CLOSED
    assert report.outcome == "Asked the provider to update the prices."
    assert report.closed_by == moderator and report.closed_at

    again = post(moderator_client, url, {"outcome": "Twice"}, follow=True)
    assert "This report has already been closed." in messages_text(again)


def test_listing_report_close_is_for_moderators_only(report):
    provider = make_provider(report.service.organisation)

    with pytest.raises(PermissionDenied):
        listing_report_close(moderator=provider, report=report, outcome="Fine")
    with pytest.raises(ValidationError):
        listing_report_close(moderator=make_user("", Role.MODERATOR), report=report, outcome="  ")
    assert ListingReport.objects.get(pk=report.pk).status == ListingReport.Status.OPEN


# --- who may act ------------------------------------------------------------------------------


ACTIONS = [
    ("organisations", "approve", "pending_organisation", {}),
    ("organisations", "reject", "pending_organisation", {"reason": "No"}),
    ("organisations", "suspend", "active_organisation", {"reason": "No"}),
    ("services", "approve", "pending_service", {}),
    ("services", "reject", "pending_service", {"reason": "No"}),
    ("services", "suspend", "pending_service", {"reason": "No"}),
    ("claims", "approve", "claim", {}),
    ("claims", "reject", "claim", {"reason": "No"}),
    ("listing-reports", "close", "report", {"outcome": "Done"}),
]


def _state(obj):
    obj.refresh_from_db()
    return obj.status


def _outsider(who: str, obj):
    """Everyone but a moderator: council editors and commissioners (who reach /admin/), the
    provider's own owner (or, for a claim, the claimant), a member of the public, nobody."""
    if who == "provider":
        if isinstance(obj, Claim):
            return obj.user
        organisation = obj if isinstance(obj, Organisation) else None
        organisation = (
            organisation or getattr(obj, "organisation", None) or obj.service.organisation
        )
        return make_provider(organisation)
    return {
        "editor": lambda: make_user("", Role.EDITOR),
        "commissioner": lambda: make_user("", Role.COMMISSIONER),
        "public": lambda: make_user(""),
        "anonymous": lambda: None,
    }[who]()


@pytest.mark.parametrize("who", ["editor", "commissioner", "provider", "public", "anonymous"])
@pytest.mark.parametrize(("prefix", "action", "fixture", "data"), ACTIONS)
def test_only_moderators_make_decisions(
    client, request, who, prefix, action, fixture, data, django_capture_on_commit_callbacks
):
    obj = request.getfixturevalue(fixture)
    outsider = _outsider(who, obj)
    before = _state(obj)
    if outsider is not None:
        client.force_login(outsider)
    url = f"/admin/catalogue/{prefix}/{action}/{obj.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url)
        response = client.post(url, data)

    for answer in (page, response):
        assert answer.status_code in (302, 403)
    if outsider is None:
        assert response["Location"].startswith(f"/accounts/login/?next=/admin/catalogue/{prefix}")
    elif who in ("editor", "commissioner"):
        assert response["Location"] == "/admin/"  # Wagtail's "no permission" message there
    assert _state(obj) == before
    assert mail.outbox == []
    if isinstance(obj, Claim):
        assert not Membership.objects.filter(organisation=obj.organisation).exists()


def test_a_superuser_may_moderate(client, pending_organisation):
    from marketplace.accounts.models import User

    client.force_login(User.objects.create_superuser(email="root@council.example", password="x"))

    client.post(f"/admin/catalogue/organisations/approve/{pending_organisation.pk}/")

    assert _state(pending_organisation) == Organisation.Status.ACTIVE


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalogue/moderation/",
        "/admin/catalogue/organisations/",
        "/admin/catalogue/services/",
        "/admin/catalogue/claims/",
        "/admin/catalogue/listing-reports/",
        "/admin/catalogue/categories/",
        "/admin/catalogue/localities/",
        "/admin/catalogue/postcodes/",
    ],
)
@pytest.mark.parametrize("role", [Role.EDITOR, Role.COMMISSIONER])
def test_council_staff_who_are_not_moderators_cannot_open_the_catalogue_admin(client, url, role):
    client.force_login(make_user("", role))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_nobody_edits_or_deletes_listings_in_the_admin(moderator_client, active_organisation):
    service = ServiceFactory(organisation=active_organisation)

    for url in [
        f"/admin/catalogue/services/edit/{service.pk}/",
        f"/admin/catalogue/services/delete/{service.pk}/",
        "/admin/catalogue/services/new/",
        f"/admin/catalogue/organisations/edit/{active_organisation.pk}/",
        f"/admin/catalogue/categories/delete/{service.categories.get().pk}/",
    ]:
        assert moderator_client.get(url).status_code == 404, url


# --- reference data ---------------------------------------------------------------------------


def test_moderators_keep_the_categories(moderator_client):
    parent = CategoryFactory(name="Care at home")

    response = moderator_client.post(
        "/admin/catalogue/categories/new/",
        {
            "name": "Live-in care",
            "slug": "live-in-care",
            "parent": parent.pk,
            "description": "",
            "reference_unit": "week",
            "sort_order": 3,
        },
    )

    assert response.status_code == 302
    created = Category.objects.get(slug="live-in-care")
    assert created.parent == parent and created.reference_unit == "week"
    listing = soup(moderator_client.get("/admin/catalogue/categories/")).get_text()
    assert "Live-in care" in listing
    edit = moderator_client.get(f"/admin/catalogue/categories/edit/{created.pk}/")
    assert edit.status_code == 200
    assert not soup(edit).find("a", href=f"/admin/catalogue/categories/delete/{created.pk}/")


def test_a_third_level_category_is_refused_with_a_field_error(moderator_client):
    top = CategoryFactory(name="Care at home")
    child = CategoryFactory(name="Home care", parent=top)

    response = moderator_client.post(
        "/admin/catalogue/categories/new/",
        {"name": "Too deep", "slug": "too-deep", "parent": child.pk, "sort_order": 0},
    )

    assert response.status_code == 200
    assert "Categories have two levels only." in soup(response).get_text()
    assert not Category.objects.filter(slug="too-deep").exists()


def test_postcode_search_normalises_what_is_typed(moderator_client):
    PostcodeFactory(postcode="SY1 1AA")
    PostcodeFactory(postcode="SY2 5ZZ", district="SY2")

    page = soup(moderator_client.get("/admin/catalogue/postcodes/?q=sy11aa")).get_text()
    district = soup(moderator_client.get("/admin/catalogue/postcodes/?q=sy2")).get_text()

    assert "SY1 1AA" in page and "SY2 5ZZ" not in page
    assert "SY2 5ZZ" in district and "SY1 1AA" not in district


@pytest.mark.parametrize(
    "fixture",
    ["pending_organisation", "pending_service", "claim", "report", "postcode", "locality"],
)
def test_every_catalogue_item_has_an_inspect_page(moderator_client, request, fixture):
    obj = request.getfixturevalue(fixture)
    prefix = {
        "pending_organisation": "organisations",
        "pending_service": "services",
        "claim": "claims",
        "report": "listing-reports",
        "postcode": "postcodes",
        "locality": "localities",
    }[fixture]

    response = moderator_client.get(f"/admin/catalogue/{prefix}/inspect/{obj.pk}/")

    assert response.status_code == 200
    assert str(obj) in soup(response).get_text()


@pytest.fixture
def postcode():
    return PostcodeFactory(postcode="SY3 8AB", district="SY3")


@pytest.fixture
def locality():
    from tests.factories import LocalityFactory

    return LocalityFactory(name="Ludlow")


# --- the change log ---------------------------------------------------------------------------


def test_the_service_page_shows_its_change_log_and_price_history_newest_first(
    moderator_client, moderator, active_organisation
):
    editor = make_provider(active_organisation, Membership.Role.EDITOR, email="ed@sunrise.example")
    service = ServiceFactory(organisation=active_organisation, name="Sunrise Home Care")
    option = PriceOptionFactory(service=service, label="Weekday daytime", amount=Decimal("26.00"))
    services.service_update(user=editor, service=service, summary="Personal care at home.")
    services.price_option_save(
        user=editor, service=service, option=option, label="Weekday daytime",
        amount=Decimal("28.50"), unit="hour",
    )  # fmt: skip
    services.service_suspend(moderator=moderator, service=service, reason="Checking prices")

    response = moderator_client.get(f"/admin/catalogue/services/inspect/{service.pk}/")

    page = soup(response)
    rows = page.select("[data-testid=change-log] tbody tr")
    actions = [row.select("td")[2].get_text(strip=True) for row in rows]
    assert actions == ["Suspended", "Prices changed", "Edited"]
    suspended, priced, edited = (row.get_text(" ", strip=True) for row in rows)
    assert "mod@council.example" in suspended and "Checking prices" in suspended
    assert "ed@sunrise.example" in edited
    changed = [[li.get_text(strip=True) for li in row.select("li")] for row in rows]
    assert changed[2] == ["Summary: Help at home. → Personal care at home."]
    assert "Amount: 26.00 → 28.50" in changed[1]
    prices = [
        row.select("td")[3].get_text(strip=True)
        for row in page.select("[data-testid=price-history] tbody tr")
    ]
    assert prices == ["£28.50 per hour"]
    assert PriceRecord.objects.filter(service=service).count() == 1


# --- bounded queries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalogue/services/",
        "/admin/catalogue/services/?stale=false",
        "/admin/catalogue/organisations/",
        "/admin/catalogue/claims/",
        "/admin/catalogue/listing-reports/",
        "/admin/catalogue/categories/",
        "/admin/catalogue/moderation/",
    ],
)
def test_admin_listings_do_a_bounded_number_of_queries(
    moderator_client, url, django_assert_max_num_queries
):
    parent = CategoryFactory(name="Care at home")
    categories = [CategoryFactory(parent=parent) for _ in range(3)]
    for index in range(45):
        organisation = OrganisationFactory(
            status=Organisation.Status.PENDING if index % 2 else Organisation.Status.ACTIVE
        )
        service = ServiceFactory(
            organisation=organisation,
            categories=categories[: 1 + index % 3],
            status=Service.Status.PENDING if index % 3 else Service.Status.PUBLISHED,
        )
        ListingReport.objects.create(service=service, reason="other", message="Wrong")
        Claim.objects.create(
            organisation=organisation, user=make_user(""), job_title="Manager", evidence="Me"
        )
        ServiceChange.objects.create(service=service, action="edited", changes={"name": ["a", "b"]})
    moderator_client.get(url)  # warm caches (content types, site) as a real server would be

    # Wagtail's own chrome (session, user, permissions, menu counts) is about 20 queries; the
    # rows add a fixed handful (select_related / prefetch), not one per row.
    with django_assert_max_num_queries(33):  # includes the review queue counts in the menu
        response = moderator_client.get(url)

    assert response.status_code == 200


def test_inspect_pages_speak_plain_english(moderator_client, pending_organisation):
    # Issue 20: "Cqc provider id", "Uuid", "Verified at None".
    page = soup(
        moderator_client.get(f"/admin/catalogue/organisations/inspect/{pending_organisation.pk}/")
    )
    labels = [dt.get_text(strip=True) for dt in page.select("dt")]
    values = [dd.get_text(strip=True) for dd in page.select("dd")]

    assert labels and not {"Uuid", "Cqc provider id"} & set(labels)
    assert not [label for label in labels if "Cqc" in label or label.endswith(" id")]
    assert "None" not in values
    # The internal identifier is for other systems, not moderators; unverified says so.
    assert "Reference" not in labels and str(pending_organisation.uuid) not in " ".join(values)
    assert dict(zip(labels, values, strict=True))["Verified at"] == "Not verified"


def test_plain_labels_and_empty_values():
    from core.inspect import empty_value, plain_label

    assert plain_label("Cqc provider id") == "CQC provider ID"
    assert plain_label("Uuid") == "Reference"
    assert empty_value("verified_at") == "Not verified"
    assert (empty_value("created_at"), empty_value("website")) == ("Not yet", "Not given")
