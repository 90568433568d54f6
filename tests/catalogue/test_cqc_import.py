"""The CQC locations reader and importer (catalogue/cqc_reading.py, catalogue/cqc.py) and
`manage.py import_cqc`.

The fixtures in tests/catalogue/data/cqc_* are shaped like the CQC API's location JSON (and the
CSV of the same); the names, ids, people and phone numbers in them are fictional.
"""

import io
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from catalogue import cqc
from catalogue import services as catalogue_services
from catalogue.cqc import cqc_import
from catalogue.cqc_reading import (
    CQCFileError,
    LocationRecord,
    parse_location,
    provider_name_from_location,
    read_cqc_csv,
    read_cqc_json,
)
from catalogue.models import (
    Membership,
    Organisation,
    PriceOption,
    Service,
    ServiceChange,
)
from catalogue.taxonomy import categories_load
from tests.factories import (
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    ServiceFactory,
    lose_slug_races,
    make_provider,
)

DATA = Path(__file__).parent / "data"
LOCATIONS = DATA / "cqc_locations.json"
LOCATIONS_CSV = DATA / "cqc_locations.csv"
REFRESH = DATA / "cqc_locations_refresh.json"
SINGLE = DATA / "cqc_location_single.json"
BAD = DATA / "cqc_locations_bad.json"
MALFORMED = DATA / "cqc_locations_malformed.json"
BAD_COLUMNS = DATA / "cqc_locations_bad_columns.csv"
BAD_ROWS = DATA / "cqc_locations_bad_rows.csv"

HOUSE, LODGE, KESTREL, HAREBELL, DENTIST, WREKIN = (
    "1-9000000101",
    "1-9000000102",
    "1-9000000201",
    "1-9000000301",
    "1-9000000401",
    "1-9000000501",
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    """Our taxonomy, and the two postcodes of the fixtures that are in our Postcode table
    (SY9 9ZZ and SY8 1AA are not)."""
    categories_load()
    shrewsbury = LocalityFactory(name="Shrewsbury", slug="shrewsbury")
    PostcodeFactory(
        postcode="SY1 1AA", district="SY1", easting=349490, northing=313095, locality=shrewsbury
    )
    PostcodeFactory(
        postcode="SY2 6BB", district="SY2", easting=350120, northing=313540, locality=shrewsbury
    )
    return shrewsbury


def import_file(path: Path, **options):
    reader = read_cqc_csv if path.suffix == ".csv" else read_cqc_json
    return cqc_import(records=reader(path), **options)


def service(location_id: str) -> Service:
    return Service.objects.get(cqc_location_id=location_id)


def slugs(manager) -> set[str]:
    return set(manager.values_list("slug", flat=True))


def notes(items) -> list[tuple[int, str]]:
    return [(item.number, item.location_id) for item in items]


def nothing_written() -> bool:
    return not (
        Organisation.objects.exists() or Service.objects.exists() or ServiceChange.objects.exists()
    )


# --- creating listings ----------------------------------------------------------------------------


def test_json_import_lists_registered_locations_as_published_services_of_unclaimed_organisations(
    town,
):
    before = timezone.now()

    summary = import_file(LOCATIONS)

    assert str(summary) == "created 4, updated 0, skipped 2"
    assert summary.errors == []
    assert summary.organisations_created == 3
    assert summary.records_read == 6
    assert set(Service.objects.values_list("cqc_location_id", flat=True)) == {
        HOUSE,
        LODGE,
        KESTREL,
        WREKIN,
    }

    # Both Alderbrook locations belong to one organisation, found by its CQC provider id.
    alderbrook = Organisation.objects.get(cqc_provider_id="1-8000000001")
    assert alderbrook.name == "Alderbrook House"  # the API gives no provider name
    assert slugs(alderbrook.services) == {service(HOUSE).slug, service(LODGE).slug}
    assert Organisation.objects.get(cqc_provider_id="1-8000000002").name == "Kestrel Homecare"
    assert Organisation.objects.get(cqc_provider_id="1-8000000005").name == "Wrekin Support Ltd"
    for organisation in Organisation.objects.all():
        assert organisation.status == Organisation.Status.ACTIVE
        assert organisation.source == Organisation.Source.CQC
        assert not organisation.memberships.exists()
    assert Organisation.objects.unclaimed().count() == 3

    house = service(HOUSE)
    assert house.name == "Alderbrook House"
    assert house.status == Service.Status.PUBLISHED
    assert before <= house.published_at <= timezone.now()
    assert before <= house.last_confirmed_at <= timezone.now()
    assert house.summary == (
        "Nursing home in Shrewsbury, registered with the Care Quality Commission (CQC)."
    )
    assert slugs(house.categories) == {"nursing-home"}
    # "Caring for adults under 65 yrs" has no client group of ours.
    assert slugs(house.client_groups) == {"older-people", "dementia", "physical-disability"}
    assert (
        house.cqc_overall,
        house.cqc_safe,
        house.cqc_effective,
        house.cqc_caring,
        house.cqc_responsive,
        house.cqc_well_led,
        house.cqc_report_date,
    ) == ("Good", "Requires improvement", "Good", "Outstanding", "Good", "Good", date(2024, 3, 12))
    assert house.beds == 42
    assert (house.address_line_1, house.town, house.postcode) == (
        "12 Mill Lane",
        "Shrewsbury",
        "SY1 1AA",
    )
    assert (house.easting, house.northing, house.locality) == (349490, 313095, town)
    assert house.website == "https://www.alderbrook-care.example"
    assert house.phone == "01632960101"
    assert house.cqc_report_url == f"https://www.cqc.org.uk/location/{HOUSE}"
    # It started trading when the CQC registered it, not when it joined the site.
    assert house.started_trading_on == date(2012, 5, 14)
    assert house in Service.objects.visible()

    lodge = service(LODGE)
    assert lodge.postcode == "SY2 6BB"  # normalised from "sy2 6bb"
    assert slugs(lodge.categories) == {"residential-care-home"}
    assert slugs(lodge.client_groups) == {
        "learning-disability",
        "mental-health",
        "sensory-impairment",
    }
    assert (lodge.cqc_overall, lodge.cqc_well_led, lodge.cqc_report_date) == (
        "Requires improvement",
        "Inadequate",
        date(2023, 11, 2),
    )

    kestrel = service(KESTREL)
    assert slugs(kestrel.categories) == {"home-care"}
    assert kestrel.beds is None  # the CQC's 0 for a service without beds
    assert kestrel.cqc_overall == "" and kestrel.cqc_report_date is None  # not yet rated
    assert kestrel.started_trading_on == date(2024, 11, 18)

    wrekin = service(WREKIN)
    # Supported living and Extra Care housing both map to supported living; Shared Lives to
    # nothing, which does not stop the listing.
    assert slugs(wrekin.categories) == {"supported-living"}
    assert wrekin.organisation.name == "Wrekin Support Ltd"

    for listed in Service.objects.all():
        log = list(listed.changes.all())
        assert [(c.action, c.user) for c in log] == [(ServiceChange.Action.IMPORTED, None)]
    assert "record 1" in house.changes.get().note


def test_unregistered_and_unmapped_locations_are_skipped_with_their_reasons(town):
    summary = import_file(LOCATIONS)

    assert notes(summary.skipped) == [(4, HAREBELL), (5, DENTIST)]
    assert [str(item) for item in summary.skipped] == [
        "record 4 (1-9000000301): not registered with the CQC (Deregistered)",
        "record 5 (1-9000000401): no service type we list (Dental service)",
    ]
    assert summary.skipped_by_reason == {
        "not registered with the CQC": 1,
        "no service type we list": 1,
    }
    assert not Service.objects.filter(cqc_location_id__in=[HAREBELL, DENTIST]).exists()
    assert not Organisation.objects.filter(
        cqc_provider_id__in=["1-8000000003", "1-8000000004"]
    ).exists()


def test_an_unknown_postcode_keeps_the_listing_without_coordinates_and_warns(town):
    summary = import_file(LOCATIONS)

    kestrel = service(KESTREL)
    assert kestrel.postcode == "SY9 9ZZ"
    assert (kestrel.easting, kestrel.northing, kestrel.locality) == (None, None, None)
    assert [str(w) for w in summary.warnings] == [
        "record 3 (1-9000000201): postcode SY9 9ZZ is not in our postcode table: listed "
        "without a map position (distance searches will not find it)"
    ]


def test_a_single_location_object_and_the_locations_envelope_are_both_read(town):
    assert [r.data["locationId"] for r in read_cqc_json(SINGLE)] == [WREKIN]
    assert [r.data["locationId"] for r in read_cqc_json(REFRESH)] == [HOUSE, LODGE]

    summary = import_file(SINGLE)

    assert (summary.created, summary.organisations_created) == (1, 1)
    assert service(WREKIN).organisation.name == "Wrekin Support Ltd"


def test_a_slug_taken_between_the_check_and_the_insert_does_not_stop_the_import(town, monkeypatch):
    """Issue 18 (Low, slug races): another writer takes the organisation's and the listing's
    slug after the import chose them; the insert is retried under the next free slug."""
    taken = lose_slug_races(monkeypatch, cqc)

    summary = import_file(SINGLE)

    assert summary.errors == []
    assert (summary.created, summary.organisations_created) == (1, 1)
    wrekin = service(WREKIN)
    assert taken == [wrekin.organisation.slug[: -len("-2")], wrekin.slug[: -len("-2")]]
    assert wrekin.organisation.slug.endswith("-2") and wrekin.slug.endswith("-2")
    assert wrekin.changes.get().action == ServiceChange.Action.IMPORTED


def test_a_new_location_of_a_known_provider_joins_its_organisation_even_when_claimed(town):
    owned = OrganisationFactory(name="Alderbrook Care Ltd", cqc_provider_id="1-8000000001")
    owner = make_provider(owned)

    import_file(LOCATIONS)

    assert service(HOUSE).organisation == owned
    assert service(LODGE).organisation == owned
    assert Organisation.objects.filter(cqc_provider_id="1-8000000001").count() == 1
    assert owned.memberships.get().user == owner
    assert owned.name == Organisation.objects.get(pk=owned.pk).name == "Alderbrook Care Ltd"


# --- refreshing listings --------------------------------------------------------------------------


def claim_and_edit(house: Service):
    """The provider claims Alderbrook and writes its own listing, prices and availability."""
    owner = make_provider(house.organisation)
    catalogue_services.service_update(
        user=owner,
        service=house,
        name="Alderbrook House care home",
        summary="A family-run nursing home by the river.",
        description="Our own description.",
        phone="01632 960 777",
    )
    catalogue_services.price_option_save(
        user=owner, service=house, label="Standard room", amount=Decimal("1250.00"), unit="week"
    )
    catalogue_services.service_set_availability(
        user=owner, service=house, accepting_new_clients=True, vacancies=3
    )
    house.refresh_from_db()
    return owner


def test_reimport_refreshes_only_the_cqc_fields_and_logs_the_change(town):
    import_file(LOCATIONS)
    house = service(HOUSE)
    claim_and_edit(house)
    confirmed = house.last_confirmed_at
    lodge_log = service(LODGE).changes.count()

    summary = import_file(REFRESH)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert str(summary) == "created 0, updated 1, skipped 0 (1 already up to date)"
    house.refresh_from_db()
    assert (
        house.cqc_overall,
        house.cqc_safe,
        house.cqc_effective,
        house.cqc_caring,
        house.cqc_responsive,
        house.cqc_well_led,
        house.cqc_report_date,
        house.beds,
    ) == ("Outstanding", "Good", "Good", "Outstanding", "Outstanding", "Outstanding",
          date(2025, 1, 20), 44)  # fmt: skip
    # The register renamed the home and changed its address and phone: the provider's own
    # listing keeps what the provider wrote.
    assert house.name == "Alderbrook House care home"
    assert house.summary == "A family-run nursing home by the river."
    assert house.description == "Our own description."
    assert (house.address_line_1, house.phone) == ("12 Mill Lane", "01632 960 777")
    assert [(p.label, p.amount, p.unit) for p in PriceOption.objects.filter(service=house)] == [
        ("Standard room", Decimal("1250.00"), "week")
    ]
    assert (house.accepting_new_clients, house.vacancies) == (True, 3)
    assert house.last_confirmed_at == confirmed
    assert house.status == Service.Status.PUBLISHED

    change = house.changes.filter(action=ServiceChange.Action.IMPORTED).first()
    assert change.user is None
    assert change.changes == {
        "cqc_overall": ["Good", "Outstanding"],
        "cqc_safe": ["Requires improvement", "Good"],
        "cqc_responsive": ["Good", "Outstanding"],
        "cqc_well_led": ["Good", "Outstanding"],
        "cqc_report_date": ["2024-03-12", "2025-01-20"],
        "beds": [42, 44],
    }
    assert "record 1" in change.note
    assert service(LODGE).changes.count() == lodge_log  # nothing changed, nothing logged

    again = import_file(REFRESH)

    assert (again.updated, again.unchanged) == (0, 2)
    assert house.changes.filter(action=ServiceChange.Action.IMPORTED).count() == 2


def test_refresh_keeps_the_providers_beds_when_the_cqc_gives_none_and_clears_a_dropped_rating(
    town,
):
    listed = ServiceFactory(
        cqc_location_id=KESTREL,
        beds=6,
        cqc_overall="Good",
        cqc_report_date=date(2020, 1, 1),
        started_trading_on=date(2016, 4, 1),  # the provider's own date, kept
    )

    import_file(LOCATIONS)

    listed.refresh_from_db()
    assert listed.beds == 6
    assert listed.started_trading_on == date(2016, 4, 1)
    assert (listed.cqc_overall, listed.cqc_report_date) == ("", None)
    assert listed.changes.get().changes == {
        "cqc_overall": ["Good", ""],
        "cqc_report_date": ["2020-01-01", None],
    }


def test_refresh_gives_a_listing_without_a_trading_start_the_registration_date(town):
    listed = ServiceFactory(cqc_location_id=KESTREL, started_trading_on=None)

    import_file(LOCATIONS)

    listed.refresh_from_db()
    assert listed.started_trading_on == date(2024, 11, 18)
    assert listed.changes.get().changes["started_trading_on"] == [None, "2024-11-18"]


def test_a_listing_the_provider_made_itself_is_refreshed_and_its_organisation_gets_the_cqc_id(
    town,
):
    own = OrganisationFactory(name="Alderbrook Care Ltd", source=Organisation.Source.REGISTERED)
    make_provider(own)
    listed = ServiceFactory(organisation=own, name="Our nursing home", cqc_location_id=HOUSE)

    summary = import_file(LOCATIONS)

    assert (summary.created, summary.updated) == (3, 1)
    assert Service.objects.filter(cqc_location_id=HOUSE).get() == listed
    listed.refresh_from_db()
    assert (listed.name, listed.cqc_overall, listed.beds) == ("Our nursing home", "Good", 42)
    own.refresh_from_db()
    assert own.cqc_provider_id == "1-8000000001"
    # So the provider's other location joins its organisation instead of a new unclaimed one.
    assert service(LODGE).organisation == own
    assert not Organisation.objects.filter(source=Organisation.Source.CQC, name__contains="Alder")


def test_a_self_made_listing_whose_provider_id_another_organisation_holds_is_flagged(town):
    loaded = OrganisationFactory(
        name="Alderbrook House", cqc_provider_id="1-8000000001", source=Organisation.Source.CQC
    )
    own = OrganisationFactory(name="Alderbrook Care Ltd")
    ServiceFactory(organisation=own, name="Our nursing home", cqc_location_id=HOUSE)

    summary = import_file(LOCATIONS)

    own.refresh_from_db()
    assert own.cqc_provider_id == ""  # an id belongs to one organisation
    assert service(HOUSE).cqc_overall == "Good"
    assert service(LODGE).organisation == loaded
    assert [str(w) for w in summary.warnings if w.number == 1] == [
        "record 1 (1-9000000101): the listing 'Our nursing home' belongs to Alderbrook Care Ltd, "
        "but the CQC provider 1-8000000001 is Alderbrook House: if they are the same "
        "organisation, ask a moderator to merge them"
    ]


def test_a_location_now_registered_to_another_provider_is_refreshed_but_flagged(town):
    other = OrganisationFactory(cqc_provider_id="1-8000000999")
    ServiceFactory(organisation=other, cqc_location_id=WREKIN)

    summary = import_file(LOCATIONS)

    assert service(WREKIN).organisation == other
    assert service(WREKIN).cqc_overall == "Outstanding"
    assert any(
        w.number == 6 and "registers this location to provider 1-8000000005" in w.message
        for w in summary.warnings
    )


def test_a_deregistered_location_with_a_listing_is_skipped_and_flagged_for_a_check(town):
    listed = ServiceFactory(name="Harebell Court", cqc_location_id=HAREBELL, cqc_overall="Good")

    summary = import_file(LOCATIONS)

    listed.refresh_from_db()
    assert listed.cqc_overall == "Good"
    assert listed.status == Service.Status.PUBLISHED
    assert not listed.changes.exists()
    assert (4, HAREBELL) in notes(summary.skipped)
    assert any(
        w.number == 4 and "deregistered: check whether it has closed" in w.message
        for w in summary.warnings
    )


# --- bad records ----------------------------------------------------------------------------------


def test_bad_records_are_reported_with_their_numbers_and_not_written(town):
    summary = import_file(BAD)

    assert (summary.created, summary.updated, len(summary.skipped)) == (2, 0, 0)
    assert set(Service.objects.values_list("name", flat=True)) == {
        "Oakhill Grange",
        "Elm Tree Homecare",
    }
    assert set(Organisation.objects.values_list("cqc_provider_id", flat=True)) == {
        "1-8000000006",
        "1-8000000007",
    }
    errors = {item.number: item for item in summary.errors}
    assert sorted(errors) == [2, 3, 4, 5]
    assert errors[2].location_id == "1-9000000602"
    assert "providerId is missing" in errors[2].message
    assert "overall rating 'Excellent' is not a CQC rating" in errors[2].message
    assert "numberOfBeds 'lots' is not a number of beds" in errors[3].message
    assert "reportDate 'last March' is not a date" in errors[3].message
    assert errors[4].message == "not a location object (a str)"
    assert errors[5].message == "this location is already in record 1: only the first is used"
    assert str(errors[2]).startswith("record 2 (1-9000000602): ")


def test_a_record_the_models_refuse_is_undone_whole(town):
    record = {
        "locationId": "1-9000000701",
        "providerId": "1-8000000701",
        "name": "Long Address House",
        "registrationStatus": "Registered",
        "postalAddressLine1": "x" * 201,
        "postalCode": "SY1 1AA",
        "gacServiceTypes": [{"name": "Nursing homes"}],
    }
    good = {**record, "locationId": "1-9000000702", "postalAddressLine1": "1 Short Street"}

    summary = cqc_import(records=[LocationRecord(1, record), LocationRecord(2, good)])

    assert summary.created == 1
    assert notes(summary.errors) == [(1, "1-9000000701")]
    assert "address_line_1" in summary.errors[0].message
    # The organisation created for the refused record went with it; the good one shares the
    # provider id and got a fresh organisation.
    assert summary.organisations_created == 1
    assert Organisation.objects.get().services.get().cqc_location_id == "1-9000000702"


def test_without_our_categories_loaded_each_new_location_says_what_to_run(db):
    summary = import_file(LOCATIONS)

    assert summary.created == 0
    assert summary.errors[0].message == (
        "our category nursing-home is not loaded: run manage.py load_categories"
    )
    assert nothing_written()


def test_dry_run_reports_everything_and_writes_nothing(town):
    summary = import_file(LOCATIONS, dry_run=True)

    assert str(summary) == "created 4, updated 0, skipped 2"
    assert summary.organisations_created == 3
    assert len(summary.warnings) == 1
    assert nothing_written()


def test_dry_run_of_a_refresh_changes_nothing(town):
    import_file(LOCATIONS)
    logged = ServiceChange.objects.count()

    summary = import_file(REFRESH, dry_run=True)

    assert summary.updated == 1
    assert service(HOUSE).cqc_overall == "Good"
    assert ServiceChange.objects.count() == logged


# --- CSV ------------------------------------------------------------------------------------------


def snapshot() -> list[tuple]:
    return [
        (
            s.organisation.name,
            s.organisation.cqc_provider_id,
            s.organisation.source,
            s.name,
            s.slug,
            s.summary,
            s.status,
            s.address_line_1,
            s.town,
            s.postcode,
            s.easting,
            s.northing,
            s.locality_id,
            s.phone,
            s.website,
            s.beds,
            s.cqc_location_id,
            s.cqc_overall,
            s.cqc_safe,
            s.cqc_effective,
            s.cqc_caring,
            s.cqc_responsive,
            s.cqc_well_led,
            s.cqc_report_date,
            s.started_trading_on,
            sorted(slugs(s.categories)),
            sorted(slugs(s.client_groups)),
        )
        for s in Service.objects.select_related("organisation").order_by("cqc_location_id")
    ]


def test_the_csv_gives_the_same_catalogue_as_the_json(town):
    from_json = import_file(LOCATIONS)
    json_snapshot = snapshot()
    ServiceChange.objects.all().delete()
    Service.objects.all().delete()
    Organisation.objects.all().delete()

    from_csv = import_file(LOCATIONS_CSV)

    assert snapshot() == json_snapshot
    assert str(from_csv) == str(from_json)
    # CSV rows count the header as row 1.
    assert [(n.number - 1, n.location_id, n.message) for n in from_csv.skipped] == [
        (n.number, n.location_id, n.message) for n in from_json.skipped
    ]
    assert [str(w) for w in from_csv.warnings] == [
        str(w).replace("record 3", "row 4") for w in from_json.warnings
    ]


def test_csv_rows_with_errors_are_reported_by_row_number(town):
    summary = import_file(BAD_ROWS)

    assert summary.created == 1
    assert Service.objects.get().name == "Oakhill Grange"
    assert [str(e) for e in summary.errors] == [
        "row 3 (1-9000000604): numberOfBeds '-3' is not a number of beds (0 to 32767); "
        "Safe rating 'Brilliant' is not a CQC rating "
        "(Outstanding, Good, Requires improvement, Inadequate)",
        "row 4 (no locationId): this row has 12 fields where the header has 20",
    ]


def test_a_csv_without_the_expected_columns_is_refused_before_anything_is_read(town):
    with pytest.raises(CQCFileError, match="has no wellLed, reportDate columns"):
        list(read_cqc_csv(BAD_COLUMNS))


def test_a_csv_that_breaks_part_way_leaves_nothing_behind(town, tmp_path):
    broken = tmp_path / "cqc_broken.csv"
    broken.write_text(LOCATIONS_CSV.read_text() + '1-9,1-8,"Unfinished quote\n')

    with pytest.raises(CQCFileError, match=r"row \d+: not a valid CSV"):
        import_file(broken)

    assert nothing_written()


# --- parsing rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location_name", "organisation_name"),
    [
        ("Kestrel Homecare - Shrewsbury", "Kestrel Homecare"),
        ("Kestrel Homecare (Shrewsbury)", "Kestrel Homecare"),
        ("Kestrel Homecare – Ludlow Branch", "Kestrel Homecare"),
        ("Alderbrook House", "Alderbrook House"),
        ("- Odd name", "- Odd name"),
    ],
)
def test_an_organisation_is_named_from_the_provider_part_of_a_location_name(
    location_name, organisation_name
):
    assert provider_name_from_location(location_name) == organisation_name


def location_data(**changes):
    data = {
        "locationId": "1-1",
        "providerId": "1-2",
        "name": "Test Home",
        "registrationStatus": "Registered",
        "gacServiceTypes": [{"name": "Care home service without nursing"}],
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("rating", "stored"),
    [
        ("Good", "Good"),
        ("Requires Improvement", "Requires improvement"),
        ("requires improvement", "Requires improvement"),
        ("Not rated", ""),
        ("Insufficient evidence to rate", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_ratings_are_read_in_the_cqc_wording(rating, stored):
    location, problems = parse_location(
        location_data(currentRatings={"overall": {"rating": rating, "reportDate": "2024-01-31"}})
    )
    assert problems == []
    assert location.ratings["cqc_overall"] == stored


@pytest.mark.parametrize(
    ("report_date", "expected"),
    [
        ("2024-01-31", date(2024, 1, 31)),
        ("2024-01-31T00:00:00Z", date(2024, 1, 31)),
        ("31/01/2024", date(2024, 1, 31)),
    ],
)
def test_report_dates_in_iso_or_british_form(report_date, expected):
    location, _ = parse_location(
        location_data(currentRatings={"overall": {"rating": "Good", "reportDate": report_date}})
    )
    assert location.report_date == expected


@pytest.mark.parametrize(
    ("registration_date", "expected", "notes"),
    [
        ("2019-01-07", date(2019, 1, 7), 0),
        ("07/01/2019", date(2019, 1, 7), 0),
        ("", None, 0),
        ("soon", None, 1),
        ("2999-01-01", None, 1),
    ],
)
def test_the_registration_date_is_the_trading_start_or_left_out_with_a_note(
    registration_date, expected, notes
):
    location, problems = parse_location(location_data(registrationDate=registration_date))
    assert problems == []
    assert location.registration_date == expected
    assert len(location.notes) == notes


def test_unusable_contact_details_are_dropped_with_a_note_not_a_failure():
    location, problems = parse_location(
        location_data(website="not a website", mainPhoneNumber="0" * 31, postalCode="NOWHERE")
    )
    assert problems == []
    assert (location.website, location.phone, location.postcode) == ("", "", "")
    assert len(location.notes) == 3


def test_a_record_lists_every_problem_it_has():
    _, problems = parse_location(
        {
            "locationId": "1 2",
            "registrationStatus": "Registered",
            "currentRatings": {
                "overall": {"rating": "Great", "keyQuestionRatings": [{"name": "Kind"}]}
            },
        }
    )
    assert problems == [
        "locationId '1 2' contains spaces",
        "providerId is missing",
        "name is missing",
        "overall rating 'Great' is not a CQC rating "
        "(Outstanding, Good, Requires improvement, Inadequate)",
        "unknown key question 'Kind'",
    ]


# --- the command ----------------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cqc", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_progress_the_summary_warnings_and_skips(town):
    out, err = run("--json", str(LOCATIONS), "--progress-every", "2", "--verbosity", "2")

    assert "Importing CQC locations from" in out
    assert "  2 records read...\n  4 records read...\n  6 records read..." in out
    assert (
        "CQC locations: created 4, updated 0, skipped 2 "
        "(1 no service type we list, 1 not registered with the CQC)." in out
    )
    assert "3 new unclaimed organisations." in out
    assert "record 4 (1-9000000301): not registered with the CQC (Deregistered)" in out
    assert "Warnings:\n  record 3 (1-9000000201): postcode SY9 9ZZ" in out
    assert err == ""
    assert Service.objects.count() == 4


def test_command_lists_the_records_with_errors(town):
    out, err = run("--json", str(BAD))

    assert "CQC locations: created 2, updated 0, skipped 0." in out
    assert err.startswith("4 records with errors not imported:\n")
    assert "  record 2 (1-9000000602): providerId is missing" in err
    assert "  record 4 (no locationId): not a location object (a str)" in err


def test_command_csv_and_dry_run(town):
    out, _ = run("--csv", str(LOCATIONS_CSV), "--dry-run")

    assert "(dry run: nothing will be saved)" in out
    assert "CQC locations: created 4, updated 0, skipped 2" in out
    assert "Dry run: nothing was saved." in out
    assert nothing_written()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "/no/such/cqc.json"], "No such file: /no/such/cqc.json"),
        (
            ["--json", str(MALFORMED)],
            r"is not valid JSON \(line \d+, column \d+: .*\)\. Nothing was imported\.",
        ),
        (
            ["--csv", str(BAD_COLUMNS)],
            r"does not look like a CQC locations CSV: it has no wellLed, reportDate columns.*"
            r"Nothing was imported\.",
        ),
        (["--json", str(LOCATIONS_CSV)], r"is not valid JSON"),
    ],
)
def test_command_refuses_an_unreadable_file_with_a_clear_message_and_writes_nothing(
    town, args, message
):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert nothing_written()


def test_command_needs_a_source():
    with pytest.raises(CommandError, match="one of the arguments --json --csv is required"):
        run()


def test_command_exits_non_zero_for_a_missing_file():
    finished = subprocess.run(
        [sys.executable, "manage.py", "import_cqc", "--json", "/no/such/cqc.json"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test"},
    )
    assert finished.returncode == 1
    assert "No such file: /no/such/cqc.json" in finished.stderr


def test_an_import_does_not_touch_staleness_of_existing_listings(town):
    long_ago = timezone.now() - timedelta(days=400)
    listed = ServiceFactory(cqc_location_id=HOUSE, last_confirmed_at=long_ago)

    import_file(LOCATIONS)

    listed.refresh_from_db()
    assert listed.last_confirmed_at == long_ago
    assert listed in Service.objects.stale()
    assert not Membership.objects.exists()
