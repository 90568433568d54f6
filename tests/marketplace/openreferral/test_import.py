"""Partner listings: the round trip (export ours, import as a partner, same data back), the
refresh rules, and that partner listings stay read-only and out of our own API."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

import pytest

from catalogue import events
from catalogue import services as catalogue
from catalogue.models import Category, Membership, Organisation, PartnerSource, Service
from core.roles import Role
from marketplace.openreferral import exports, mapping
from marketplace.openreferral import services as partner_services
from marketplace.openreferral.client import PartnerFetchError, read_api, read_data_package
from marketplace.openreferral.selectors import api_services
from marketplace.openreferral.services import partner_source_refresh, partner_source_save
from tests.factories import lose_slug_races, make_user

from .oruk import ORUK_DIR, errors, object_validator

PARTNER = "https://directory.partner.example/api/v3/"


class ClientTransport:
    """The network boundary, stubbed: the partner's API is our own, served by the test client."""

    def __init__(self, client, prefix: str = PARTNER):
        self.client, self.prefix, self.urls = client, prefix, []

    def get(self, url: str) -> bytes:
        assert url.startswith(self.prefix), url
        self.urls.append(url)
        response = self.client.get("/api/openreferral/v3/" + url[len(self.prefix) :])
        if response.status_code != 200:
            raise PartnerFetchError(f"{url} answered {response.status_code}")
        return response.content


def snapshot(service: Service) -> dict:
    """What a person sees of a listing, independent of ids."""
    organisation = service.organisation
    return {
        "name": service.name,
        "summary": service.summary,
        "description": service.description,
        "organisation": (
            organisation.name,
            organisation.description,
            organisation.email,
            organisation.website,
            organisation.companies_house_number,
            organisation.charity_number,
        ),
        "prices": [
            (p.label, p.amount, p.unit, p.conditions, p.valid_from, p.valid_to)
            for p in service.price_options.all()
        ],
        "categories": sorted(c.slug for c in service.categories.all()),
        "client_groups": sorted(g.slug for g in service.client_groups.all()),
        "funding": sorted(f.slug for f in service.funding_accepted.all()),
        "localities": sorted(loc.slug for loc in service.localities_served.all()),
        "radius_km": service.radius_km,
        "where": (
            service.address_line_1,
            service.town,
            service.postcode,
            service.easting,
            service.northing,
        ),
        "contact": (service.contact_name, service.phone, service.email, service.website),
        "opening_times": service.opening_times,
        "languages": service.languages,
        "accessibility": service.accessibility_features,
        "cqc_location_id": service.cqc_location_id,
    }


def _prepare_for_round_trip():
    """Give some listings the optional details the demo leaves empty, and simulate a fresh
    database: our category ids change, so the import must match terms by slug and name."""
    services = list(api_services().order_by("pk"))
    first, second = services[0], services[1]
    first.opening_times = [
        {"day": "Monday", "opens": "09:00", "closes": "17:00"},
        {"day": "Friday", "opens": "09:00", "closes": "12:30"},
    ]
    first.languages = ["English", "Welsh"]
    first.accessibility_features = ["Step-free access"]
    first.contact_name, first.phone = "Sam Jones", "01743 123456"
    first.description = "A longer description.\n\nWith two paragraphs."
    first.save()
    second.hide_exact_address = False
    second.save()
    for category in Category.objects.all():
        category.uuid = uuid.uuid4()
        category.save()
    return services


def _originals(services) -> dict[str, dict]:
    return {str(service.uuid): snapshot(service) for service in services}


def _partner_copies(source) -> dict[str, dict]:
    return {service.external_id: snapshot(service) for service in source.services.all()}


def differences(copies: dict[str, dict], originals: dict[str, dict]) -> list:
    assert set(copies) == set(originals)
    return [
        (service_id, key, copy[key], originals[service_id][key])
        for service_id, copy in copies.items()
        for key in copy
        if copy[key] != originals[service_id][key]
    ]


def test_round_trip_through_the_data_package(api, tmp_path):
    services = _prepare_for_round_trip()
    path = tmp_path / "package.json"
    with path.open("w", encoding="utf-8") as handle:
        count = exports.write_data_package(handle, mapping.Links("http://testserver/"))
    assert count == len(services)
    package = json.loads(path.read_text(encoding="utf-8"))
    problems = errors(object_validator("compiled/service_package.json"), package)
    assert not problems, problems[:5]
    originals = _originals(services)
    api_total = api("/services").json()["total_items"]

    source = partner_source_save(slug="ourselves", name="Ourselves")
    summary = partner_source_refresh(
        source=source, records=read_data_package(path), origin=str(path)
    )

    assert summary.created == len(services) and not summary.errors
    assert not summary.unmatched_terms
    assert differences(_partner_copies(source), originals) == []
    # Partner listings are not republished by our API.
    assert api("/services").json()["total_items"] == api_total
    # A second refresh of the same data changes nothing.
    again = partner_source_refresh(source=source, records=read_data_package(path), origin="x")
    assert again.unchanged == len(services)
    assert again.created == again.updated == again.withdrawn == 0


def test_round_trip_through_the_paged_api(api, client):
    services = _prepare_for_round_trip()
    originals = _originals(services)
    transport = ClientTransport(client)
    source = partner_source_save(slug="neighbour", name="Neighbour Council", base_url=PARTNER)

    records = read_api(PARTNER, transport=transport, per_page=7)
    summary = partner_source_refresh(source=source, records=records, origin=PARTNER)

    assert summary.created == len(services) and not summary.errors
    assert differences(_partner_copies(source), originals) == []
    pages = [url for url in transport.urls if "services?" in url]
    assert len(pages) == -(-len(services) // 7)  # every page once, and no further
    assert pages[1] == PARTNER + "services?page=2&per_page=7"
    source.refresh_from_db()
    assert source.origin == PARTNER and source.last_refreshed_at is not None
    listed = source.services.first()
    assert listed.status == Service.Status.PUBLISHED
    assert listed.organisation.source == Organisation.Source.PARTNER
    assert listed.organisation.partner_source == source


# --- the refresh rules -------------------------------------------------------------------------


def record(number: int, **changes) -> dict:
    data = {
        "id": str(uuid.UUID(int=number)),
        "name": f"Partner service {number}",
        "description": f"Help at home number {number}.",
        "status": "active",
        "organization": {
            "id": str(uuid.UUID(int=1000 + number)),
            "name": f"Partner organisation {number}",
            "description": "A partner provider.",
        },
        "cost_options": [
            {
                "id": str(uuid.UUID(int=2000 + number)),
                "amount": Decimal("25.5"),
                "amount_description": "per hour",
                "option": "Daytime",
            }
        ],
        "attributes": [
            {
                "id": str(uuid.uuid4()),
                "taxonomy_term": {
                    "id": str(uuid.uuid4()),
                    "name": "Home care (personal care)",
                    "description": "x",
                },
            }
        ],
    }
    data.update(changes)
    return data


@pytest.fixture
def partner(db):
    call_command("load_categories", verbosity=0)
    return partner_source_save(slug="telford", name="Telford Council", website="https://t.example")


def test_a_refresh_updates_withdraws_and_restores(partner):
    first = partner_source_refresh(source=partner, records=[record(1), record(2)], origin="a")
    assert (first.created, first.organisations_created) == (2, 2)
    one = Service.objects.get(partner_source=partner, external_id=str(uuid.UUID(int=1)))
    assert [c.slug for c in one.categories.all()] == ["home-care"]
    assert [(p.label, p.amount, p.unit) for p in one.price_options.all()] == [
        ("Daytime", Decimal("25.50"), "hour")
    ]

    changed = record(1, name="Renamed service")
    changed["cost_options"][0]["amount"] = Decimal("27.00")
    second = partner_source_refresh(source=partner, records=[changed, record(3)], origin="b")
    assert (second.created, second.updated, second.withdrawn) == (1, 1, 1)
    one.refresh_from_db()
    assert one.name == "Renamed service"
    assert one.price_options.get().amount == Decimal("27.00")
    assert one.changes.filter(action="imported").count() == 2
    two = Service.objects.get(partner_source=partner, external_id=str(uuid.UUID(int=2)))
    assert two.status == Service.Status.ARCHIVED
    assert "No longer in Telford Council's directory" in two.status_reason
    assert two not in Service.objects.visible()

    third = partner_source_refresh(
        source=partner, records=[changed, record(2), record(3)], origin="c"
    )
    assert third.restored == 1
    two.refresh_from_db()
    assert two.status == Service.Status.PUBLISHED
    assert two in Service.objects.visible()


def test_a_slug_taken_between_the_check_and_the_insert_does_not_stop_the_refresh(
    partner, monkeypatch
):
    """Issue 18 (Low, slug races): another writer takes the organisation's and the listing's
    slug after the refresh chose them; the insert is retried under the next free slug."""
    taken = lose_slug_races(monkeypatch, partner_services)

    summary = partner_source_refresh(source=partner, records=[record(1)], origin="a")

    assert summary.errors == []
    assert (summary.created, summary.organisations_created) == (1, 1)
    one = Service.objects.get(partner_source=partner, external_id=str(uuid.UUID(int=1)))
    assert taken == [one.organisation.slug[: -len("-2")], one.slug[: -len("-2")]]
    assert one.organisation.slug.endswith("-2") and one.slug.endswith("-2")
    assert one.status == Service.Status.PUBLISHED


def test_a_refresh_never_republishes_a_listing_a_moderator_suspended(partner):
    """Security review (issue 18, item 1): the nightly import re-published a partner listing a
    moderator had suspended. It still refreshes the details but keeps the hold."""
    partner_source_refresh(source=partner, records=[record(1), record(2)], origin="a")
    one = Service.objects.get(partner_source=partner, external_id=str(uuid.UUID(int=1)))
    moderator = make_user("mod@council.example", Role.MODERATOR)
    catalogue.service_suspend(moderator=moderator, service=one, reason="Closed by CQC")

    partner_source_refresh(
        source=partner, records=[record(1, name="Renamed"), record(2)], origin="b"
    )
    one.refresh_from_db()
    assert (one.status, one.status_reason) == (Service.Status.SUSPENDED, "Closed by CQC")
    assert one.name == "Renamed"
    # Dropped by the partner, then listed again: back to the moderator's hold, not published.
    partner_source_refresh(source=partner, records=[record(2)], origin="c")
    partner_source_refresh(source=partner, records=[record(1), record(2)], origin="d")
    one.refresh_from_db()
    assert one.status == Service.Status.SUSPENDED
    assert one not in Service.objects.visible()


def test_inactive_records_are_withdrawn_and_unusable_ones_left_alone(partner):
    partner_source_refresh(source=partner, records=[record(1), record(2)], origin="a")
    summary = partner_source_refresh(
        source=partner,
        records=[record(1, status="inactive"), record(2, organization=None)],
        origin="b",
    )
    assert summary.withdrawn == 1
    assert len(summary.errors) == 1 and "no organization" in summary.errors[0]
    statuses = dict(partner.services.values_list("external_id", "status"))
    assert statuses == {str(uuid.UUID(int=1)): "archived", str(uuid.UUID(int=2)): "published"}


def test_what_cannot_be_used_is_reported_not_invented(partner):
    odd = record(
        1,
        cost_options=[
            {"id": str(uuid.uuid4()), "amount": Decimal("3.333"), "amount_description": "a visit"},
            {
                "id": str(uuid.uuid4()),
                "amount": Decimal("9"),
                "amount_description": "per fortnight",
            },
            {"id": str(uuid.uuid4()), "amount_description": "Free of charge"},
        ],
        attributes=[{"id": str(uuid.uuid4()), "taxonomy_term": {"id": "t", "name": "Yoga"}}],
        service_at_locations=[
            {
                "id": "l",
                "location": {
                    "id": "x",
                    "location_type": "physical",
                    "addresses": [
                        {
                            "id": "a",
                            "address_1": "1 High St",
                            "city": "Telford",
                            "state_province": "Shropshire",
                            "postal_code": "NOT A CODE",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    )
    summary = partner_source_refresh(source=partner, records=[odd, record(1)], origin="a")
    service = partner.services.get()
    assert [(p.amount, p.unit) for p in service.price_options.all()] == [
        (Decimal("3.33"), "visit"),
        (Decimal("0.00"), "free"),
    ]
    assert any("no unit we know" in note for note in summary.notes)
    assert any("not a UK postcode" in note for note in summary.notes)
    assert service.postcode == "" and service.town == "Telford"
    assert summary.unmatched_terms == {"Yoga": 1}
    assert "listed twice" in summary.errors[0]


def test_a_partners_framework_term_is_not_our_councils_framework(partner):
    """Another council's framework flag (our own API's term) is neither ours nor unknown."""
    data = record(1)
    data["attributes"].append({"id": str(uuid.uuid4()), "taxonomy_term": mapping.framework_term()})
    summary = partner_source_refresh(source=partner, records=[data], origin="a")
    service = partner.services.get()
    assert service.on_council_framework is False
    assert not summary.unmatched_terms
    assert [c.slug for c in service.categories.all()] == ["home-care"]


def test_a_dry_run_and_a_broken_source_change_nothing(partner):
    dry = partner_source_refresh(source=partner, records=[record(1)], origin="a", dry_run=True)
    assert dry.created == 1
    assert not Service.objects.filter(partner_source=partner).exists()

    partner_source_refresh(source=partner, records=[record(1), record(2)], origin="a")

    def broken():
        yield record(1, name="Half-read")
        raise PartnerFetchError("the partner went away")

    with pytest.raises(PartnerFetchError):
        partner_source_refresh(source=partner, records=broken(), origin="b")
    assert sorted(partner.services.values_list("name", "status")) == [
        ("Partner service 1", "published"),
        ("Partner service 2", "published"),
    ]


def test_a_refresh_tells_search_which_services_changed(partner, django_capture_on_commit_callbacks):
    heard: list[list[int]] = []

    def receiver(ids):
        heard.append(ids)

    events.on_services_changed(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            partner_source_refresh(source=partner, records=[record(1), record(2)], origin="a")
    finally:
        events._receivers.remove(receiver)
    assert heard == [sorted(partner.services.values_list("pk", flat=True))]


def test_the_official_example_service_imports(partner):
    example = json.loads((ORUK_DIR / "examples" / "service_full.json").read_text())
    example = json.loads(json.dumps(example), parse_float=Decimal)
    summary = partner_source_refresh(source=partner, records=[example], origin="example")
    assert summary.created == 1 and not summary.errors
    service = partner.services.get()
    assert service.name == "Community Counselling"
    assert [(p.amount, p.unit, p.label) for p in service.price_options.all()] == [
        (Decimal("35.00"), "hour", "Under 18s and Over 60s")
    ]
    assert service.website == "http://example.com/counselling"
    assert service.organisation.companies_house_number == "1234567"
    assert service.opening_times == [
        {"day": "Thursday", "opens": "10:00", "closes": "18:00"},
        {"day": "Friday", "opens": "10:00", "closes": "18:00"},
    ]


# --- read-only, marked, and not ours -----------------------------------------------------------


def test_partner_listings_cannot_be_edited_or_claimed(partner, client):
    partner_source_refresh(source=partner, records=[record(1)], origin="a")
    service = partner.services.get()
    user = make_user()
    # Even someone who somehow has a membership cannot change it.
    Membership.objects.create(user=user, organisation=service.organisation, role="owner")
    with pytest.raises(PermissionDenied):
        catalogue.service_update(user=user, service=service, name="Mine now")
    with pytest.raises(PermissionDenied):
        catalogue.organisation_update(user=user, organisation=service.organisation, name="Mine")
    client.force_login(user)
    assert client.get(f"/provider/services/{service.slug}/edit/").status_code == 403
    Membership.objects.all().delete()
    with pytest.raises(ValidationError, match="partner directory"):
        catalogue.claim_create(
            user=user, organisation=service.organisation, job_title="Boss", evidence="Trust me"
        )
    assert service.organisation not in Organisation.objects.unclaimed()


def test_the_public_page_says_who_listed_it(partner, client, home_page):
    partner_source_refresh(source=partner, records=[record(1)], origin="partner-data/telford.json")
    service = partner.services.get()
    page = client.get(service.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Listed by Telford Council" in text
    assert 'href="https://t.example"' in text
    assert "partner-data/telford.json" not in text  # a file path is no business of the public


def test_our_own_pages_have_no_partner_notice(api, client):
    service = api_services().first()
    assert "partner-source" not in client.get(service.get_absolute_url()).content.decode()


# --- the command -------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_remembers_the_source(partner, tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([record(1), record(2)], default=str))
    call_command(
        "import_openreferral", "--source", "wrekin", "--name", "Wrekin", "--file", str(path)
    )
    out = capsys.readouterr().out
    assert "Wrekin: 2 read, 2 new" in out
    source = PartnerSource.objects.get(slug="wrekin")
    assert source.services.count() == 2

    with pytest.raises(CommandError, match="Give --url"):
        call_command("import_openreferral", "--source", "wrekin")
    with pytest.raises(CommandError, match="partner's name"):
        call_command("import_openreferral", "--source", "new-one", "--file", str(path))
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("import_openreferral", "--source", "wrekin", "--file", str(tmp_path / "no"))
    path.write_text('{"not": "a package"}')
    with pytest.raises(CommandError, match="not an ORUK data package"):
        call_command("import_openreferral", "--source", "wrekin", "--file", str(path))
    assert source.services.filter(status="published").count() == 2


def test_the_command_reads_an_api_through_the_real_client(api, client, monkeypatch, capsys):
    transport = ClientTransport(client)
    monkeypatch.setattr(
        "marketplace.openreferral.client.UrllibTransport.get", lambda self, url: transport.get(url)
    )
    call_command(
        "import_openreferral", "--source", "neighbour", "--name", "Neighbour", "--url", PARTNER
    )
    assert "new" in capsys.readouterr().out
    source = PartnerSource.objects.get(slug="neighbour")
    assert source.base_url == PARTNER
    assert source.services.count() == api_services().count()
    # Later runs need only --source.
    call_command("import_openreferral", "--source", "neighbour", verbosity=0)
    assert source.services.filter(status="published").count() == api_services().count()


def test_partner_providers_get_no_stale_reminders(partner):
    partner_source_refresh(
        source=partner,
        records=[record(1, organization={**record(1)["organization"], "email": "p@x.example"})],
        origin="a",
    )
    service = partner.services.get()
    assert service.organisation.email == "p@x.example"
    Service.objects.filter(pk=service.pk).update(
        last_confirmed_at=service.last_confirmed_at - timedelta(days=200)
    )
    catalogue.services_send_stale_reminders()
    service.refresh_from_db()
    assert service.stale_reminder_sent_at is None
    assert not service.changes.filter(action="reminded").exists()
