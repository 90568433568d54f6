"""Provider bulk upload of services as CSV: reading, checking every row, all-or-nothing import,
and the upload, preview and done pages."""

import csv
import io
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from bs4 import BeautifulSoup
from PIL import Image as PILImage

from catalogue import bulk_upload
from catalogue.bulk_upload import (
    COLUMN_NAMES,
    UploadRejected,
    UploadRow,
    read_csv,
    services_bulk_import,
    validate_rows,
)
from catalogue.models import (
    Category,
    Membership,
    PriceOption,
    PriceRecord,
    Service,
    ServiceChange,
)
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    ServiceFactory,
    make_provider,
    make_user,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
GOOD = (DATA / "upload_good.csv").read_bytes()
ONE_BAD_ROW = (DATA / "upload_one_bad_row.csv").read_bytes()
HEADER = ",".join(COLUMN_NAMES)


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def catalogue_data(db):
    """The categories and postcodes the test files use."""
    care_at_home = CategoryFactory(name="Care at home", slug="care-at-home")
    CategoryFactory(name="Home care", slug="home-care", parent=care_at_home)
    CategoryFactory(name="Day opportunities", slug="day-opportunities", reference_unit="session")
    CategoryFactory(name="Befriending", slug="befriending", reference_unit="session")
    town = LocalityFactory(name="Shrewsbury", slug="shrewsbury")
    PostcodeFactory(postcode="SY1 1AA", district="SY1", locality=town)
    PostcodeFactory(postcode="SY1 1AB", district="SY1", locality=town)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Meadow Care Ltd", slug="meadow-care")


@pytest.fixture
def owner(organisation):
    return make_provider(organisation, email="owner@meadow.example")


@pytest.fixture
def editor(organisation):
    return make_provider(organisation, Membership.Role.EDITOR, email="editor@meadow.example")


def csv_bytes(*rows: dict, header=COLUMN_NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def good_row(**changes) -> dict:
    row = {
        "name": "Meadow home care",
        "summary": "Help at home.",
        "categories": "home-care",
        "postcode": "SY1 1AA",
        "price_label": "Weekday",
        "price_amount": "27.50",
        "price_unit": "hour",
    }
    return {**row, **changes}


def rows_of(data: bytes) -> list[UploadRow]:
    return read_csv(data)


def file_error(data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as error:
        read_csv(data)
    return error.value.message_dict["file"]


def counts():
    return (
        Service.objects.count(),
        PriceOption.objects.count(),
        PriceRecord.objects.count(),
        ServiceChange.objects.count(),
    )


def errors_of(organisation, data: bytes) -> set[tuple[int, str, str]]:
    report = validate_rows(organisation=organisation, rows=rows_of(data))
    return {(e.row, e.column, e.message) for e in report.errors}


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20), "red").save(buffer, "PNG")
    return buffer.getvalue()


def page_text(response) -> str:
    return " ".join(soup(response).get_text().split())


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


# --- reading the file ----------------------------------------------------------------------------


def test_reading_gives_rows_numbered_as_in_the_spreadsheet():
    rows = rows_of(GOOD)

    assert [row.number for row in rows] == [2, 3, 4, 5, 6]
    assert rows[0].get("summary") == "Help at home with washing, dressing and meals."
    assert rows[1].get("price_amount") == "£31.00"
    assert set(rows[0].values) == set(COLUMN_NAMES)


def test_a_byte_order_mark_and_friendly_column_names_are_fine():
    data = "\ufeffName,Summary,Categories,Client groups,Price-amount\r\nA,B,home-care,,5\r\n"

    (row,) = rows_of(data.encode())

    assert row.get("name") == "A"
    assert row.get("client_groups") == ""
    assert row.get("price_amount") == "5"


def test_blank_rows_are_skipped_but_still_counted():
    data = f"{HEADER}\r\n,,,,\r\n\r\n" + "A,B,,home-care" + "\r\n"

    (row,) = rows_of(data.encode())

    assert row.number == 4


def test_columns_with_no_name_are_ignored_unless_they_hold_a_value(organisation):
    data = b"name,summary,categories,,\r\nA,B,home-care,,\r\nC,D,home-care,,oops\r\n"

    first, second = rows_of(data)

    assert (first.extra_cells, second.extra_cells) == (0, 1)
    assert [
        (e.row, e.column)
        for e in validate_rows(organisation=organisation, rows=[first, second]).errors
    ] == [(3, "")]


def test_missing_columns_cells_are_blank():
    (row,) = rows_of(b"name,summary,categories\nA,B,home-care\n")

    assert row.get("price_unit") == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (b"  \r\n\r\n", "The selected file is empty"),
        (HEADER.encode() + b"\r\n", "The file has no services in it"),
        (b"title,summary\nA,B\n", "The file is missing the columns: name, categories"),
        (
            b"name,summary,categories,colour\nA,B,c,red\n",
            "The file has columns we do not recognise: 'colour'",
        ),
        (b"name,name,summary,categories\nA,A,B,c\n", "The file has these columns twice: name"),
        (b"name;summary;categories\nA;B;c\n", "Separate the columns with commas"),
        (b"name\tsummary\tcategories\nA\tB\tc\n", "Separate the columns with commas"),
        ("name,summary,categories\nCafé,Bon,c\n".encode("cp1252"), "saved as UTF-8 text"),
        ("name,summary,categories\n".encode("utf-16"), "saved as UTF-8 text"),
        (b'name,summary,categories\n"A,B,c\n', "We could not read the file as CSV"),
        (b"PK\x03\x04\x14\x00\x06\x00", "The file is a spreadsheet workbook, not a CSV file"),
        (b"%PDF-1.7\n", "The file must be a CSV file"),
        (b"name,summary\x00,categories\n", "The file must be a CSV file"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(data, message):
    messages = file_error(data)

    assert any(message in text for text in messages), messages


def test_a_picture_renamed_csv_is_refused():
    assert file_error(png()) == [bulk_upload.NOT_CSV]


def test_the_line_with_a_character_that_is_not_utf8_is_named():
    data = "name,summary,categories\nA,B,c\nTea,£5 a cup,c\n".encode("cp1252")

    (message,) = file_error(data)

    assert message.endswith("Line 3 has a character we cannot read")


def test_too_many_rows_are_refused(settings):
    settings.CATALOGUE_UPLOAD_MAX_ROWS = 3
    three = f"{HEADER}\r\n" + "A,B,,home-care\r\n" * 3

    assert len(rows_of(three.encode())) == 3
    (message,) = file_error((three + "A,B,,home-care\r\n").encode())
    assert message == "The file has more than 3 rows. Split it into files of 3 rows or fewer"


def test_the_default_limits_are_1_mb_and_1000_rows():
    assert bulk_upload.max_bytes() == 1024 * 1024
    assert bulk_upload.max_rows() == 1000
    assert file_error(b"x" * (1024 * 1024 + 1)) == ["The file must be smaller than 1 MB"]


# --- checking every row --------------------------------------------------------------------------


def test_a_good_file_plans_services_with_their_prices(organisation):
    report = validate_rows(organisation=organisation, rows=rows_of(GOOD))

    assert report.ok, report.errors
    assert [s.name for s in report.services] == [
        "Meadow home care",
        "Meadow day centre",
        "Meadow befriending",
    ]
    home_care = report.services[0]
    assert home_care.rows == [2, 3, 4]
    assert home_care.postcode == "SY1 1AA"
    assert home_care.website == "https://www.meadow.example"
    assert [c.slug for c in home_care.categories] == ["home-care"]
    assert [g.slug for g in home_care.client_groups] == ["older-people", "dementia"]
    assert [f.slug for f in home_care.funding] == ["self-funded", "direct-payment"]
    assert [(p.label, p.amount, p.unit) for p in home_care.prices] == [
        ("Weekday daytime", Decimal("27.50"), "hour"),
        ("Weekend", Decimal("31.00"), "hour"),
        ("Night sit", Decimal("1150.00"), "night"),
    ]
    assert report.services[2].prices[0].amount == Decimal("0.00")
    assert report.price_count == 5


def test_the_bad_row_of_a_file_is_reported_by_column(organisation):
    assert errors_of(organisation, ONE_BAD_ROW) == {
        (
            3,
            "categories",
            "We do not know the category 'day-centres'. "
            "Use a code from the list on the upload page",
        ),
        (3, "postcode", "We cannot find SY9 9ZZ. Check it, or leave it blank"),
        (3, "email", "Enter an email address, like name@example.org"),
        (3, "price_amount", "A price cannot be less than zero"),
        (
            3,
            "price_unit",
            "Enter a unit from this list: "
            + ", ".join(
                [
                    "hour",
                    "visit",
                    "session",
                    "day",
                    "night",
                    "week",
                    "month",
                    "year",
                    "one-off",
                    "free",
                ]
            ),
        ),
    }


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"name": ""}, "name", "Enter the name of the service"),
        ({"name": "x" * 201}, "name", "The name must be 200 characters or fewer (it has 201)"),
        ({"summary": ""}, "summary", "Enter a summary of the service"),
        ({"summary": "x" * 301}, "summary", "The summary must be 300 characters or fewer"),
        ({"categories": ""}, "categories", "Enter at least one category code, like home-care"),
        ({"categories": "home-care;nope"}, "categories", "We do not know the category 'nope'"),
        ({"client_groups": "aliens"}, "client_groups", "We do not know the client group"),
        ({"funding": "lottery"}, "funding", "We do not know the funding type 'lottery'"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a real postcode, like SY1 1AA"),
        ({"postcode": "SY9 9ZZ"}, "postcode", "We cannot find SY9 9ZZ"),
        ({"email": "someone at example"}, "email", "Enter an email address"),
        ({"website": "not a web address"}, "website", "Enter a web address"),
        ({"website": "javascript:alert(1)"}, "website", "Enter a web address"),
        ({"phone": "call us"}, "phone", "Enter a phone number"),
        ({"price_amount": "-5"}, "price_amount", "A price cannot be less than zero"),
        ({"price_amount": "250000"}, "price_amount", "Enter a price under £100,000"),
        ({"price_amount": "27.505"}, "price_amount", "Enter the price in pounds and pence"),
        ({"price_amount": "about 20"}, "price_amount", "Enter the price as a number"),
        ({"price_amount": "NaN"}, "price_amount", "Enter the price as a number"),
        ({"price_amount": "Infinity"}, "price_amount", "Enter the price as a number"),
        ({"price_amount": ""}, "price_amount", "Enter the price, like 27.50"),
        ({"price_unit": ""}, "price_unit", "Enter what the price is for"),
        ({"price_unit": "fortnight"}, "price_unit", "Enter a unit from this list"),
        ({"price_unit": "free", "price_amount": "5"}, "price_amount", "A free option has a price"),
        ({"price_label": ""}, "price_label", "Enter a name for the price"),
        ({"price_label": "x" * 101}, "price_label", "The price name must be 100 characters"),
        ({"price_conditions": "x" * 301}, "price_conditions", "The conditions must be 300"),
        ({"started_trading_on": "last spring"}, "started_trading_on", "as a real date"),
        ({"started_trading_on": "31/02/2019"}, "started_trading_on", "as a real date"),
        ({"started_trading_on": "01/01/2999"}, "started_trading_on", "today or in the past"),
    ],
)
def test_each_kind_of_bad_value_is_reported(organisation, changes, column, message):
    report = validate_rows(organisation=organisation, rows=rows_of(csv_bytes(good_row(**changes))))

    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert message in report.errors[0].message


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"price_unit": "Per Hour"}, ("hour", Decimal("27.50"))),
        ({"price_unit": "one off", "price_amount": "£1,200"}, ("one-off", Decimal("1200"))),
        ({"price_unit": "FREE", "price_amount": ""}, ("free", Decimal("0"))),
        ({"price_amount": " 27.5 "}, ("hour", Decimal("27.5"))),
    ],
)
def test_units_and_amounts_are_read_the_way_people_write_them(organisation, changes, expected):
    report = validate_rows(organisation=organisation, rows=rows_of(csv_bytes(good_row(**changes))))

    assert report.ok, report.errors
    price = report.services[0].prices[0]
    assert (price.unit, price.amount) == expected


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("", "standard"),
        ("Weekday daytime", "standard"),
        ("evenings-weekends", "evenings-weekends"),
        ("Weekends", "evenings-weekends"),
        ("Nights", "nights"),
        ("Bank Holiday", "bank-holidays"),
        ("other", "other"),
    ],
)
def test_price_kinds_are_read_the_way_people_write_them(organisation, written, kind):
    report = validate_rows(
        organisation=organisation, rows=rows_of(csv_bytes(good_row(price_kind=written)))
    )

    assert report.ok, report.errors
    assert report.services[0].prices[0].kind == kind


def test_an_unknown_price_kind_is_reported(organisation):
    report = validate_rows(
        organisation=organisation, rows=rows_of(csv_bytes(good_row(price_kind="Sundays")))
    )

    assert [(e.row, e.column) for e in report.errors] == [(2, "price_kind")]
    assert "Enter when the price applies" in report.errors[0].message


def test_an_uploaded_price_keeps_its_kind(organisation, editor):
    rows = rows_of(
        csv_bytes(
            good_row(),
            good_row(price_label="Weekend", price_amount="32.00", price_kind="weekends"),
        )
    )
    services_bulk_import(user=editor, organisation=organisation, rows=rows)

    assert sorted(PriceOption.objects.values_list("label", "kind")) == [
        ("Weekday", "standard"),
        ("Weekend", "evenings-weekends"),
    ]
    assert PriceRecord.objects.get(label="Weekend").kind == "evenings-weekends"


@pytest.mark.parametrize("written", ["07/01/2019", "2019-01-07", "7 January 2019", "07.01.2019"])
def test_an_uploaded_service_keeps_the_date_it_started_trading(organisation, editor, written):
    rows = rows_of(csv_bytes(good_row(started_trading_on=written), good_row(price_label="Weekend")))
    services_bulk_import(user=editor, organisation=organisation, rows=rows)

    assert Service.objects.get().started_trading_on == date(2019, 1, 7)


def test_a_service_without_a_trading_start_date_is_allowed(organisation, editor):
    services_bulk_import(
        user=editor, organisation=organisation, rows=rows_of(csv_bytes(good_row()))
    )

    assert Service.objects.get().started_trading_on is None


def test_a_service_without_prices_is_allowed(organisation):
    row = good_row(price_label="", price_amount="", price_unit="")

    report = validate_rows(organisation=organisation, rows=rows_of(csv_bytes(row)))

    assert report.ok
    assert report.services[0].prices == []


def test_later_rows_of_a_service_must_not_contradict_the_first(organisation):
    data = csv_bytes(
        good_row(),
        good_row(summary="Something else", price_label="Weekend"),
        good_row(summary="Help at home.", categories="home-care", price_label="Night"),
    )

    assert errors_of(organisation, data) == {
        (
            3,
            "summary",
            "This is a different summary from row 2 for the same service. "
            "Leave it blank or make it the same",
        )
    }


def test_rows_without_a_name_are_each_reported(organisation):
    data = csv_bytes(good_row(name=""), good_row(name="", summary="Other", price_label="B"))

    assert errors_of(organisation, data) == {
        (2, "name", "Enter the name of the service"),
        (3, "name", "Enter the name of the service"),
    }


def test_a_price_name_is_used_once_per_service(organisation):
    data = csv_bytes(good_row(), good_row(price_label="weekday"))

    assert errors_of(organisation, data) == {
        (
            3,
            "price_label",
            "Row 2 already gives the price 'Weekday' for this service. "
            "Give each price a different name",
        )
    }


def test_the_same_name_at_another_postcode_is_another_service(organisation):
    data = csv_bytes(good_row(), good_row(postcode="SY1 1AB", price_label="Weekday"))

    report = validate_rows(organisation=organisation, rows=rows_of(data))

    assert report.ok
    assert [s.postcode for s in report.services] == ["SY1 1AA", "SY1 1AB"]


def test_a_service_the_organisation_already_lists_is_refused(organisation):
    ServiceFactory(organisation=organisation, name="Meadow Home Care", postcode="SY1 1AA")
    ServiceFactory(name="Meadow home care", postcode="SY1 1AB")  # another organisation's

    errors = errors_of(organisation, csv_bytes(good_row(), good_row(postcode="SY1 1AB")))

    assert errors == {
        (
            2,
            "name",
            "You already have a service called 'Meadow home care' at SY1 1AA. "
            "Change it on its own page instead of uploading it again",
        )
    }


def test_a_row_with_more_cells_than_columns_is_reported(organisation):
    cells = ["A", "B", "", "home-care"] + [""] * (len(COLUMN_NAMES) - 4) + ["surprise"]
    data = HEADER.encode() + b"\r\n" + ",".join(cells).encode() + b"\r\n"

    assert errors_of(organisation, data) == {
        (
            2,
            "",
            "This row has more cells than there are columns. "
            "Put any text with commas in quotation marks",
        )
    }


def test_checking_a_thousand_rows_takes_a_handful_of_queries(
    organisation, django_assert_max_num_queries
):
    rows = [good_row(name=f"Service {n}", postcode="SY1 1AA") for n in range(1000)]
    parsed = rows_of(csv_bytes(*rows))

    with django_assert_max_num_queries(6):
        report = validate_rows(organisation=organisation, rows=parsed)

    assert report.ok and len(report.services) == 1000


# --- importing -----------------------------------------------------------------------------------


def test_a_good_file_creates_draft_services_with_prices_in_one_go(organisation, editor):
    result = services_bulk_import(user=editor, organisation=organisation, rows=rows_of(GOOD))

    assert [s.name for s in result.services] == [
        "Meadow home care",
        "Meadow day centre",
        "Meadow befriending",
    ]
    assert result.price_count == 5
    home_care = Service.objects.get(name="Meadow home care")
    assert home_care.organisation == organisation
    assert home_care.status == Service.Status.DRAFT
    assert home_care.postcode == "SY1 1AA"
    assert home_care.locality.name == "Shrewsbury"
    assert home_care.easting is not None
    assert home_care.website == "https://www.meadow.example"
    assert home_care.phone == "01743 123456"
    assert list(home_care.categories.values_list("slug", flat=True)) == ["home-care"]
    assert set(home_care.funding_accepted.values_list("slug", flat=True)) == {
        "self-funded",
        "direct-payment",
    }
    assert [(p.label, p.amount, p.unit) for p in home_care.price_options.all()] == [
        ("Weekday daytime", Decimal("27.50"), "hour"),
        ("Weekend", Decimal("31.00"), "hour"),
        ("Night sit", Decimal("1150.00"), "night"),
    ]
    records = PriceRecord.objects.filter(service=home_care)
    assert records.count() == 3
    assert {r.recorded_by for r in records} == {editor}
    assert records.first().category.slug == "home-care"
    imported = home_care.changes.get(action=ServiceChange.Action.IMPORTED)
    assert imported.note == "Uploaded in a spreadsheet (rows 2, 3, 4)."
    assert imported.user == editor
    assert Service.objects.get(name="Meadow befriending").price_options.get().amount == 0
    assert PriceRecord.objects.count() == 5


def test_a_file_with_one_bad_row_creates_nothing(organisation, owner):
    before = counts()

    with pytest.raises(UploadRejected) as rejected:
        services_bulk_import(user=owner, organisation=organisation, rows=rows_of(ONE_BAD_ROW))

    assert {e.row for e in rejected.value.report.errors} == {3}
    assert "Nothing was saved" in rejected.value.messages[0]
    assert counts() == before


def test_a_refusal_the_checks_did_not_foresee_still_creates_nothing(
    organisation, owner, monkeypatch
):
    from catalogue import services as catalogue_services

    real = catalogue_services.price_option_save

    def refuse_night_sits(**kwargs):
        if kwargs["label"] == "Night sit":
            raise ValidationError({"amount": "Night sits are not allowed today."})
        return real(**kwargs)

    monkeypatch.setattr(catalogue_services, "price_option_save", refuse_night_sits)
    before = counts()

    with pytest.raises(UploadRejected) as rejected:
        services_bulk_import(user=owner, organisation=organisation, rows=rows_of(GOOD))

    assert [(e.row, e.column, e.message) for e in rejected.value.report.errors] == [
        (4, "price_amount", "Night sits are not allowed today.")
    ]
    assert counts() == before


def test_only_staff_of_the_organisation_may_import(organisation):
    before = counts()

    for user in (make_provider(OrganisationFactory()), make_user("someone@example.org")):
        with pytest.raises(PermissionDenied):
            services_bulk_import(user=user, organisation=organisation, rows=rows_of(GOOD))

    assert counts() == before


def test_rows_survive_the_session_round_trip():
    rows = rows_of(GOOD)

    again = [UploadRow.from_json(row.to_json()) for row in rows]

    assert again == rows


def test_the_template_file_has_the_columns_and_an_example_that_passes(organisation):
    data = bulk_upload.template_csv().encode()

    rows = rows_of(data)
    assert data.decode().splitlines()[0] == HEADER
    assert len(rows) == 1
    report = validate_rows(organisation=organisation, rows=rows)
    assert report.ok, report.errors
    assert rows[0].get("categories") in set(Category.objects.values_list("slug", flat=True))


# --- pages ---------------------------------------------------------------------------------------

UPLOAD = "/provider/organisations/meadow-care/services/upload/"
PREVIEW = UPLOAD + "preview/"
DONE = UPLOAD + "done/"
TEMPLATE = UPLOAD + "template.csv"


def post_file(client, data: bytes, name="services.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "text/csv")})


def test_the_upload_page_explains_the_columns_and_codes(client, home_page, organisation, owner):
    client.force_login(owner)

    page = soup(client.get(UPLOAD))

    assert page.h1.get_text(strip=True) == "Upload services from a spreadsheet"
    columns = [th.get_text(strip=True) for th in page.select("table tbody th[scope=row]")]
    assert columns[: len(COLUMN_NAMES)] == list(COLUMN_NAMES)
    codes = page.get_text()
    for code in ("home-care", "older-people", "direct-payment", "one-off"):
        assert code in codes
    assert page.select_one(f"a[href='{TEMPLATE}']")
    form = page.select_one("form[enctype='multipart/form-data']")
    assert form.select_one("input[type=file][name=file]")


def test_the_template_downloads_as_csv(client, home_page, organisation, owner):
    client.force_login(owner)

    response = client.get(TEMPLATE)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    assert rows_of(response.content)[0].get("categories")


def test_upload_preview_confirm_and_done(client, home_page, organisation, owner):
    client.force_login(owner)

    response = post_file(client, GOOD)
    assert response.status_code == 302
    assert response["Location"] == PREVIEW
    assert Service.objects.count() == 0

    page = soup(client.get(PREVIEW))
    assert page.h1.get_text(strip=True) == "Check the services before you create them"
    assert "3 services with 5 prices" in page.get_text()
    names = [th.contents[0].strip() for th in page.select("table tbody th[scope=row]")]
    assert names == ["Meadow home care", "Meadow day centre", "Meadow befriending"]
    assert "Night sit: £1,150 per night" in page.get_text()
    assert "Full day: £45 per session" in page.get_text()
    assert Service.objects.count() == 0
    token = page.select_one("input[name=token]")["value"]

    response = client.post(PREVIEW, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == DONE
    assert Service.objects.filter(status=Service.Status.DRAFT).count() == 3
    assert PriceRecord.objects.count() == 5

    page = soup(client.get(DONE))
    assert page.h1.get_text(strip=True) == "3 services created"
    assert "with 5 prices" in page.get_text()
    service = Service.objects.get(name="Meadow day centre")
    assert page.select_one(f"a[href='/provider/services/{service.slug}/edit/']")
    assert page.select_one(f"a[href='/provider/services/{service.slug}/photos/']")

    # A second click (or the back button) cannot create them twice, and says so.
    response = client.post(PREVIEW, {"token": token}, follow=True)
    assert response.redirect_chain == [(DONE, 302)]
    assert "you clicked Create twice. Nothing was created twice." in page_text(response)
    assert Service.objects.count() == 3


def test_a_second_click_while_the_first_is_saving_creates_nothing_twice(
    client, home_page, organisation, owner
):
    """The second request of a double click carries the session as it was before the first
    finished: the upload still waiting to be confirmed."""
    client.force_login(owner)
    post_file(client, GOOD)
    token = soup(client.get(PREVIEW)).select_one("input[name=token]")["value"]
    waiting = client.session[f"catalogue-upload-{organisation.pk}"]
    assert client.post(PREVIEW, {"token": token})["Location"] == DONE

    session = client.session  # put the older session back, as the second request holds it
    session[f"catalogue-upload-{organisation.pk}"] = waiting
    session.save()
    response = client.post(PREVIEW, {"token": token}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0] == ("/provider/", 302)
    assert "you clicked Create twice. Nothing was created twice." in page_text(response)
    assert Service.objects.count() == 3
    assert PriceRecord.objects.count() == 5


def test_a_bad_row_shows_its_errors_and_creates_nothing(client, home_page, organisation, owner):
    client.force_login(owner)
    before = counts()

    response = post_file(client, ONE_BAD_ROW, name="my services.csv")

    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    assert page.h1.get_text(strip=True) == "There are problems with your file"
    summary = page.select_one(".govuk-error-summary")
    assert "5 problems in 1 row of my services.csv" in summary.get_text()
    first = summary.select_one("li a")
    assert first.get_text(strip=True).startswith("Row 3, categories: We do not know")
    assert page.select_one(first["href"])
    table = page.select_one("table")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Row",
        "Column",
        "Problem",
    ]
    rows = [
        [c.get_text(strip=True) for c in tr.select("th, td")] for tr in table.select("tbody tr")
    ]
    assert ["3", "postcode", "We cannot find SY9 9ZZ. Check it, or leave it blank"] in rows
    assert len(rows) == 5
    assert page.select_one("input[type=file][name=file]")  # upload a corrected file
    assert counts() == before
    assert client.get(PREVIEW)["Location"] == UPLOAD  # nothing waiting to be confirmed


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"title,summary\nA,B\n", "services.csv", "The file is missing the columns"),
        (b"", "services.csv", "The selected file is empty"),
        ("name,summary,categories\nCafé,B,c\n".encode("cp1252"), "s.csv", "UTF-8"),
        (None, "photo.csv", "The file must be a CSV file"),
    ],
)
def test_a_file_that_cannot_be_read_is_explained(
    client, home_page, organisation, owner, data, name, message
):
    client.force_login(owner)
    before = counts()

    response = post_file(client, png() if data is None else data, name=name)

    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    assert message in summary.get_text()
    assert summary.select_one("a")["href"] == "#id_file"
    assert page.select_one("#id_file_error")
    assert counts() == before


def test_too_many_rows_on_the_page(client, home_page, organisation, owner, settings):
    settings.CATALOGUE_UPLOAD_MAX_ROWS = 2
    client.force_login(owner)

    page = soup(post_file(client, GOOD))

    assert "The file has more than 2 rows" in page.select_one(".govuk-error-summary").get_text()
    assert Service.objects.count() == 0


def test_a_file_over_the_size_limit_on_the_page(client, home_page, organisation, owner, settings):
    settings.CATALOGUE_UPLOAD_MAX_BYTES = 100
    client.force_login(owner)

    page = soup(post_file(client, GOOD))

    assert "The file must be smaller than" in page.select_one(".govuk-error-summary").get_text()


def test_no_file_selected(client, home_page, organisation, owner):
    client.force_login(owner)

    page = soup(client.post(UPLOAD, {}))

    assert "Select a CSV file" in page.select_one(".govuk-error-summary").get_text()


def test_if_the_catalogue_changes_before_confirming_nothing_is_created(
    client, home_page, organisation, owner
):
    client.force_login(owner)
    post_file(client, GOOD)
    token = soup(client.get(PREVIEW)).select_one("input[name=token]")["value"]
    Category.objects.filter(slug="befriending").update(slug="befriending-and-social")

    response = client.post(PREVIEW, {"token": token})

    assert response.status_code == 200
    page = soup(response)
    assert "We do not know the category 'befriending'" in page.get_text()
    assert Service.objects.count() == 0


def test_confirming_an_older_preview_after_a_newer_upload_is_refused(
    client, home_page, organisation, owner
):
    client.force_login(owner)
    post_file(client, GOOD)
    old_token = soup(client.get(PREVIEW)).select_one("input[name=token]")["value"]
    post_file(client, csv_bytes(good_row(name="Something else")))

    response = client.post(PREVIEW, {"token": old_token})

    assert response["Location"] == PREVIEW
    assert Service.objects.count() == 0


def test_a_bad_file_replaces_the_upload_waiting_to_be_confirmed(
    client, home_page, organisation, owner
):
    client.force_login(owner)
    post_file(client, GOOD)
    assert client.get(PREVIEW).status_code == 200

    post_file(client, ONE_BAD_ROW)

    assert client.get(PREVIEW)["Location"] == UPLOAD


def test_the_done_page_needs_an_upload(client, home_page, organisation, owner):
    client.force_login(owner)

    assert client.get(DONE)["Location"] == UPLOAD


# --- permissions ---------------------------------------------------------------------------------

WHO = ["owner", "editor", "other provider staff", "member of the public", "anonymous"]


def login_as(client, who, organisation):
    users = {
        "owner": lambda: make_provider(organisation),
        "editor": lambda: make_provider(organisation, Membership.Role.EDITOR),
        "other provider staff": lambda: make_provider(OrganisationFactory()),
        "member of the public": lambda: make_user(),
    }
    if who in users:
        client.force_login(users[who]())


def assert_refused(response, who):
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == 403
        assert "You cannot see this page" in response.content.decode()


@pytest.mark.parametrize("who", WHO)
def test_who_may_upload(client, home_page, organisation, who):
    login_as(client, who, organisation)

    response = post_file(client, GOOD)

    if who in ("owner", "editor"):
        assert response["Location"] == PREVIEW
    else:
        assert_refused(response, who)
        assert client.session.get(f"catalogue-upload-{organisation.pk}") is None


@pytest.mark.parametrize("who", WHO)
def test_who_may_confirm_an_upload(client, home_page, organisation, who):
    # Whoever the person is, give their session a checked upload for this organisation.
    login_as(client, who, organisation)
    session = client.session
    session[f"catalogue-upload-{organisation.pk}"] = {
        "token": "t",
        "filename": "services.csv",
        "saved_at": time.time(),
        "rows": [row.to_json() for row in rows_of(GOOD)],
    }
    session.save()
    before = counts()

    response = client.post(PREVIEW, {"token": "t"})

    if who in ("owner", "editor"):
        assert response["Location"] == DONE
        assert Service.objects.filter(organisation=organisation).count() == 3
    else:
        assert_refused(response, who)
        assert counts() == before


@pytest.mark.parametrize("who", WHO)
def test_who_may_see_the_upload_pages(client, home_page, organisation, who):
    login_as(client, who, organisation)

    for url in (UPLOAD, TEMPLATE, PREVIEW, DONE):
        response = client.get(url)
        if who in ("owner", "editor"):
            assert response.status_code in (200, 302)
            if url in (UPLOAD, TEMPLATE):
                assert response.status_code == 200
        else:
            assert_refused(response, who)
