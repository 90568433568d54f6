"""Provider bulk upload: many services (and their prices) from one CSV file.

For large providers who keep their services in a spreadsheet. The rules:
- The file is a CSV in UTF-8 (a byte order mark, as Excel writes, is fine) with the column names
  in its first row. Only the columns in COLUMNS are allowed; name, summary and categories are
  required. Files over MAX_BYTES (1 MB) or MAX_ROWS (1,000) rows are refused, and so is anything
  that is not text (a picture, a PDF or an Excel workbook renamed .csv).
- One row per price. Rows with the same service name and postcode are one service with several
  prices; the later rows may leave the service columns blank, or repeat them exactly.
- EVERY row is checked before anything is saved (validate_rows): unknown category, client group
  or funding slugs, unknown postcodes, bad e-mail addresses or websites, negative, absurd or
  malformed prices, unknown units, missing name or summary, and services the organisation
  already lists. The report gives each problem with its row number (as the spreadsheet numbers
  it: the column names are row 1) and its column.
- services_bulk_import() checks the rows again (the catalogue may have changed since the
  preview) and only if there are no problems creates the services and prices through
  catalogue.services (service_create, price_option_save), in ONE transaction: all or nothing.
  The services are drafts; the provider reviews and submits each one as usual.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from . import services as catalogue_services
from .models import (
    Category,
    ClientGroup,
    FundingType,
    Organisation,
    Postcode,
    PriceKind,
    PriceOption,
    Service,
    ServiceChange,
    Unit,
)
from .permissions import require_editor
from .photos import describe_size
from .rules import normalise_postcode

# How long a confirmed upload's token stays claimed: longer than a preview waits in the session.
UPLOAD_CLAIM_SECONDS = 24 * 60 * 60


def max_bytes() -> int:
    return int(settings.CATALOGUE_UPLOAD_MAX_BYTES)


def max_rows() -> int:
    return int(settings.CATALOGUE_UPLOAD_MAX_ROWS)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str = ""
    per_price: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", True, "The name of the service, as people will see it.", "Home care"),
    Column(
        "summary",
        True,
        "One or two sentences for search results (300 characters or fewer).",
        "Help at home with washing, dressing, meals and medicines.",
    ),
    Column("description", False, "More about the service. It can be long.", ""),
    Column(
        "categories",
        True,
        "One or more category codes from the list below, separated by semicolons (;).",
        "home-care",
    ),
    Column(
        "client_groups",
        False,
        "Who the service is for: codes from the list below, separated by semicolons (;).",
        "older-people;dementia",
    ),
    Column(
        "funding",
        False,
        "How it can be paid for: codes from the list below, separated by semicolons (;).",
        "self-funded;direct-payment",
    ),
    Column("postcode", False, "The postcode of the premises or office.", ""),
    Column("town", False, "The town the service is based in.", ""),
    Column("address_line_1", False, "The first line of the address.", "1 High Street"),
    Column("phone", False, "A phone number for enquiries.", "01234 567890"),
    Column("email", False, "An email address for enquiries.", "care@example.org"),
    Column("website", False, "A web address, starting https://", "https://www.example.org"),
    Column(
        "started_trading_on",
        False,
        "The date the service started trading (not today's upload), like 07/01/2019 or "
        "2019-01-07. Leave blank if you do not know it.",
        "07/01/2019",
    ),
    Column(
        "price_label",
        False,
        "The name of this price, like 'Weekday daytime' or 'Weekend'.",
        "Weekday daytime",
        per_price=True,
    ),
    Column(
        "price_amount",
        False,
        "The price in pounds and pence, without the £ sign, like 27.50.",
        "27.50",
        per_price=True,
    ),
    Column(
        "price_unit",
        False,
        "What the price is for: " + ", ".join(Unit.values) + ".",
        "hour",
        per_price=True,
    ),
    Column(
        "price_kind",
        False,
        "When the price applies: "
        + ", ".join(PriceKind.values)
        + ". Leave blank for standard (weekday daytime).",
        "standard",
        per_price=True,
    ),
    Column(
        "price_conditions",
        False,
        "Anything that changes the price, like 'Minimum visit 30 minutes'.",
        "Minimum visit 30 minutes",
        per_price=True,
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)
PRICE_COLUMNS = tuple(column.name for column in COLUMNS if column.per_price)
SERVICE_COLUMNS = tuple(column.name for column in COLUMNS if not column.per_price)
LIST_COLUMNS = ("categories", "client_groups", "funding")

# Units as people write them: 'hour', 'per hour', 'Per Hour', 'one off'.
UNIT_WORDS = {
    **{value: value for value in Unit.values},
    **{str(label).lower(): value for value, label in Unit.choices},
    "one off": Unit.ONE_OFF.value,
    "oneoff": Unit.ONE_OFF.value,
}

# Price kinds as people write them: 'standard', 'Weekday daytime', 'weekends', 'Bank holiday'.
KIND_WORDS = {
    **{value: value for value in PriceKind.values},
    **{str(label).lower(): value for value, label in PriceKind.choices},
    "standard": PriceKind.STANDARD.value,
    "weekday": PriceKind.STANDARD.value,
    "weekday daytime": PriceKind.STANDARD.value,
    "weekdays": PriceKind.STANDARD.value,
    "evenings": PriceKind.EVENINGS_WEEKENDS.value,
    "evening": PriceKind.EVENINGS_WEEKENDS.value,
    "weekend": PriceKind.EVENINGS_WEEKENDS.value,
    "weekends": PriceKind.EVENINGS_WEEKENDS.value,
    "evenings-weekends": PriceKind.EVENINGS_WEEKENDS.value,
    "night": PriceKind.NIGHTS.value,
    "bank holiday": PriceKind.BANK_HOLIDAYS.value,
    "bank holidays": PriceKind.BANK_HOLIDAYS.value,
}

# Dates as spreadsheets write them (day first, as in the UK), or ISO.
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")

PHONE = re.compile(r"^[0-9+()\-. ]+$")

NOT_CSV = (
    "The file must be a CSV file (comma-separated values). "
    "This file looks like a picture or a document"
)
SPREADSHEET = (
    "The file is a spreadsheet workbook, not a CSV file. In your spreadsheet, choose "
    "'Save as' and then 'CSV UTF-8 (comma delimited)'"
)
NOT_UTF8 = (
    "The file must be saved as UTF-8 text. In Excel, choose 'Save as' and then "
    "'CSV UTF-8 (comma delimited)'"
)
SIGNATURES = {
    b"\x89PNG": NOT_CSV,
    b"\xff\xd8\xff": NOT_CSV,
    b"GIF8": NOT_CSV,
    b"RIFF": NOT_CSV,
    b"%PDF": NOT_CSV,
    b"PK\x03\x04": SPREADSHEET,
    b"\xd0\xcf\x11\xe0": SPREADSHEET,
    b"\xff\xfe": NOT_UTF8,
    b"\xfe\xff": NOT_UTF8,
}


# --- what a file holds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadRow:
    """One data row of the file: its number as a spreadsheet shows it, and its cells by column.

    `extra_cells` counts non-blank cells beyond the last column (usually a comma that should have
    been inside quotes)."""

    number: int
    values: Mapping[str, str]
    extra_cells: int = 0

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "values": dict(self.values), "extra": self.extra_cells}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UploadRow:
        values = {str(k): str(v) for k, v in dict(data["values"]).items() if k in COLUMN_NAMES}
        return cls(number=int(data["number"]), values=values, extra_cells=int(data["extra"]))


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PlannedPrice:
    row: int
    label: str
    amount: Decimal
    unit: str
    conditions: str
    kind: str = PriceKind.STANDARD

    @property
    def unit_label(self) -> str:
        return str(Unit(self.unit).label)

    @property
    def kind_label(self) -> str:
        return str(PriceKind(self.kind).label)


@dataclass
class PlannedService:
    """A service the upload will create, with the prices it will have."""

    row: int
    name: str
    summary: str
    description: str = ""
    categories: list[Category] = field(default_factory=list)
    client_groups: list[ClientGroup] = field(default_factory=list)
    funding: list[FundingType] = field(default_factory=list)
    postcode: str = ""
    town: str = ""
    address_line_1: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    started_trading_on: date | None = None
    prices: list[PlannedPrice] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments for catalogue.services.service_create."""
        return {
            "summary": self.summary,
            "description": self.description,
            "categories": self.categories,
            "client_groups": self.client_groups,
            "funding_accepted": self.funding,
            "postcode": self.postcode,
            "town": self.town,
            "address_line_1": self.address_line_1,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
            "started_trading_on": self.started_trading_on,
        }


@dataclass
class UploadReport:
    """The outcome of checking every row: what would be created, or what is wrong."""

    services: list[PlannedService]
    errors: list[RowError]
    row_count: int

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def price_count(self) -> int:
        return sum(len(service.prices) for service in self.services)

    @property
    def rows_with_errors(self) -> int:
        return len({error.row for error in self.errors})


@dataclass
class ImportResult:
    services: list[Service]
    price_count: int


class UploadRejected(ValidationError):
    """The rows have problems; `report` lists them by row and column. Nothing was saved."""

    def __init__(self, report: UploadReport):
        super().__init__(
            f"There are problems in {report.rows_with_errors} of the rows. Nothing was saved."
        )
        self.report = report


# --- reading the file ----------------------------------------------------------------------------


def _file_error(*messages: str) -> ValidationError:
    return ValidationError({"file": list(messages)})


def _header_name(text: str) -> str:
    """'Client groups', ' client-groups ' -> 'client_groups'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def read_csv(data: bytes) -> list[UploadRow]:
    """The data rows of an uploaded CSV file, or ValidationError({"file": ...}) saying why the
    file cannot be read (too big, empty, not text, not UTF-8, wrong columns, too many rows)."""
    limit = max_bytes()
    if len(data) > limit:
        raise _file_error(f"The file must be smaller than {describe_size(limit)}")
    if not data.strip():
        raise _file_error("The selected file is empty")
    for signature, message in SIGNATURES.items():
        if data.startswith(signature):
            raise _file_error(message)
    if b"\x00" in data:
        raise _file_error(NOT_CSV)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _file_error(f"{NOT_UTF8}. Line {line} has a character we cannot read") from None

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        columns = [_header_name(cell) for cell in header]
        _check_header(header, columns)
        rows: list[UploadRow] = []
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets save empty rows as ",,,,"
            if len(rows) >= max_rows():
                raise _file_error(
                    f"The file has more than {max_rows():,} rows. "
                    f"Split it into files of {max_rows():,} rows or fewer"
                )
            values = dict.fromkeys(COLUMN_NAMES, "")
            extra = sum(1 for cell in cells[len(columns) :] if cell.strip())
            for name, cell in zip(columns, cells, strict=False):
                if name:
                    values[name] = cell
                elif cell.strip():
                    extra += 1  # a value under a column with no name
            rows.append(UploadRow(number=index, values=values, extra_cells=extra))
    except csv.Error as error:
        raise _file_error(
            f"We could not read the file as CSV: line {reader.line_num} has a problem "
            f"({error}). Check for a quotation mark that is not closed"
        ) from None
    if not rows:
        raise _file_error(
            "The file has no services in it. Add a row for each price under the column names"
        )
    return rows


def _check_header(header: Sequence[str], columns: Sequence[str]) -> None:
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t")):
        raise _file_error(
            "Separate the columns with commas. In Excel, choose 'Save as' and then "
            "'CSV UTF-8 (comma delimited)'"
        )
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(
            "The first row must give the column names. "
            f"The file is missing the columns: {', '.join(missing)}"
        )
    # Spreadsheets often save empty columns after the last one: columns with no name are
    # ignored (a value under one is reported on its row).
    unknown = [
        original.strip()
        for original, name in zip(header, columns, strict=True)
        if name and name not in COLUMN_NAMES
    ]
    if unknown:
        shown = ", ".join(f"'{name}'" for name in unknown)
        problems.append(
            f"The file has columns we do not recognise: {shown}. "
            "Use the column names from the template"
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        problems.append(f"The file has these columns twice: {', '.join(repeated)}")
    if problems:
        raise _file_error(*problems)


# --- checking every row --------------------------------------------------------------------------


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _split_codes(text: str) -> list[str]:
    return [code.strip().lower() for code in text.split(";") if code.strip()]


class _Checker:
    """Checks rows against the catalogue, with every look-up done once per upload."""

    def __init__(self, organisation: Organisation, rows: Sequence[UploadRow]):
        self.organisation = organisation
        self.rows = rows
        self.errors: list[RowError] = []
        self.categories = {c.slug: c for c in Category.objects.select_related("parent")}
        self.client_groups = {g.slug: g for g in ClientGroup.objects.all()}
        self.funding = {f.slug: f for f in FundingType.objects.all()}
        wanted = {normalise_postcode(row.get("postcode")) for row in rows} - {None}
        self.postcodes = set(
            Postcode.objects.filter(postcode__in=wanted).values_list("postcode", flat=True)
        )
        self.existing = {
            (name.casefold(), postcode)
            for name, postcode in organisation.services.exclude(
                status=Service.Status.ARCHIVED
            ).values_list("name", "postcode")
        }

    def error(self, row: UploadRow, column: str, message: str) -> None:
        self.errors.append(RowError(row.number, column, message))

    def run(self) -> UploadReport:
        planned: dict[tuple[str, str], tuple[UploadRow, PlannedService]] = {}
        for row in self.rows:
            if row.extra_cells:
                self.error(
                    row,
                    "",
                    "This row has more cells than there are columns. "
                    "Put any text with commas in quotation marks",
                )
            name = " ".join(row.get("name").split()).casefold()
            # Rows without a name are not grouped: each is reported on its own.
            key = (name, self._postcode_key(row)) if name else ("", f"row {row.number}")
            if key in planned:
                first_row, service = planned[key]
                self._check_same(row, first_row)
            else:
                service = self._service(row)
                planned[key] = (row, service)
            service.rows.append(row.number)
            price = self._price(row, service)
            if price is not None:
                service.prices.append(price)
        self.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
        return UploadReport(
            services=[service for _, service in planned.values()],
            errors=self.errors,
            row_count=len(self.rows),
        )

    def _postcode_key(self, row: UploadRow) -> str:
        raw = row.get("postcode")
        return normalise_postcode(raw) or raw.upper()

    def _check_same(self, row: UploadRow, first: UploadRow) -> None:
        for column in SERVICE_COLUMNS:
            value = row.get(column)
            if not value or column in ("name", "postcode"):
                continue
            original = first.get(column)
            same = (
                set(_split_codes(value)) == set(_split_codes(original))
                if column in LIST_COLUMNS
                else value == original
            )
            if not same:
                self.error(
                    row,
                    column,
                    f"This is a different {column.replace('_', ' ')} from row {first.number} "
                    "for the same service. Leave it blank or make it the same",
                )

    def _text(self, row: UploadRow, column: str, model_field: str, required: str = "") -> str:
        value = row.get(column)
        if required and not value:
            self.error(row, column, required)
        limit = _max_length(Service, model_field)
        if limit and len(value) > limit:
            self.error(
                row,
                column,
                f"The {column.replace('_', ' ')} must be {limit:,} characters or fewer "
                f"(it has {len(value):,})",
            )
        return value

    def _codes(self, row: UploadRow, column: str, known: Mapping[str, Any], what: str) -> list:
        found = []
        for code in _split_codes(row.get(column)):
            if code in known:
                if known[code] not in found:
                    found.append(known[code])
            else:
                self.error(
                    row,
                    column,
                    f"We do not know the {what} '{code}'. Use a code from the list on the "
                    "upload page",
                )
        return found

    def _service(self, row: UploadRow) -> PlannedService:
        name = " ".join(row.get("name").split())
        service = PlannedService(
            row=row.number,
            name=self._text(row, "name", "name", "Enter the name of the service"),
            summary=self._text(row, "summary", "summary", "Enter a summary of the service"),
            description=self._text(row, "description", "description"),
            town=self._text(row, "town", "town"),
            address_line_1=self._text(row, "address_line_1", "address_line_1"),
        )
        service.name = name
        if not row.get("categories"):
            self.error(row, "categories", "Enter at least one category code, like home-care")
        service.categories = self._codes(row, "categories", self.categories, "category")
        service.client_groups = self._codes(
            row, "client_groups", self.client_groups, "client group"
        )
        service.funding = self._codes(row, "funding", self.funding, "funding type")
        service.postcode = self._postcode(row)
        service.phone = self._phone(row)
        service.email = self._email(row)
        service.website = self._website(row)
        service.started_trading_on = self._started_trading_on(row)
        if name and (name.casefold(), service.postcode) in self.existing:
            where = f" at {service.postcode}" if service.postcode else ""
            self.error(
                row,
                "name",
                f"You already have a service called '{name}'{where}. "
                "Change it on its own page instead of uploading it again",
            )
        return service

    def _postcode(self, row: UploadRow) -> str:
        raw = row.get("postcode")
        if not raw:
            return ""
        postcode = normalise_postcode(raw)
        if postcode is None:
            self.error(row, "postcode", "Enter a real postcode, like SY1 1AA")
            return ""
        if postcode not in self.postcodes:
            self.error(row, "postcode", f"We cannot find {postcode}. Check it, or leave it blank")
        return postcode

    def _phone(self, row: UploadRow) -> str:
        phone = self._text(row, "phone", "phone")
        digits = sum(ch.isdigit() for ch in phone)
        if phone and (not PHONE.match(phone) or digits < 6):
            self.error(row, "phone", "Enter a phone number, like 01743 123456")
        return phone

    def _email(self, row: UploadRow) -> str:
        email = self._text(row, "email", "email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(row, "email", "Enter an email address, like name@example.org")
        return email

    def _website(self, row: UploadRow) -> str:
        website = row.get("website")
        if not website:
            return ""
        if "://" not in website:
            website = f"https://{website}"
        limit = _max_length(Service, "website")
        try:
            URLValidator(schemes=["http", "https"])(website)
            if len(website) > limit:
                raise ValidationError("too long")
        except ValidationError:
            self.error(row, "website", "Enter a web address, like https://www.example.org")
        return website

    def _started_trading_on(self, row: UploadRow) -> date | None:
        raw = row.get("started_trading_on")
        if not raw:
            return None
        for pattern in DATE_FORMATS:
            try:
                started = datetime.strptime(raw, pattern).date()
            except ValueError:
                continue
            if started > timezone.localdate():
                self.error(
                    row,
                    "started_trading_on",
                    "The date the service started trading must be today or in the past",
                )
                return None
            return started
        self.error(
            row,
            "started_trading_on",
            "Enter the date the service started trading as a real date, like 07/01/2019",
        )
        return None

    def _price(self, row: UploadRow, service: PlannedService) -> PlannedPrice | None:
        label, raw_amount = row.get("price_label"), row.get("price_amount")
        raw_unit, conditions = row.get("price_unit"), row.get("price_conditions")
        raw_kind = row.get("price_kind")
        if not any((label, raw_amount, raw_unit, conditions, raw_kind)):
            return None
        before = len(self.errors)
        if not label:
            self.error(row, "price_label", "Enter a name for the price, like Weekday daytime")
        elif len(label) > _max_length(PriceOption, "label"):
            limit = _max_length(PriceOption, "label")
            self.error(row, "price_label", f"The price name must be {limit} characters or fewer")
        else:
            for other in service.prices:
                if other.label.casefold() == label.casefold():
                    self.error(
                        row,
                        "price_label",
                        f"Row {other.row} already gives the price '{other.label}' "
                        "for this service. Give each price a different name",
                    )
        limit = _max_length(PriceOption, "conditions")
        if len(conditions) > limit:
            self.error(
                row, "price_conditions", f"The conditions must be {limit} characters or fewer"
            )
        unit = UNIT_WORDS.get(" ".join(raw_unit.lower().split()), "")
        if not raw_unit:
            self.error(row, "price_unit", "Enter what the price is for, like hour or week")
        elif not unit:
            self.error(row, "price_unit", f"Enter a unit from this list: {', '.join(Unit.values)}")
        kind = (
            KIND_WORDS.get(" ".join(raw_kind.lower().split()), "")
            if raw_kind
            else PriceKind.STANDARD.value
        )
        if not kind:
            self.error(
                row,
                "price_kind",
                f"Enter when the price applies from this list: {', '.join(PriceKind.values)}",
            )
        amount = self._amount(row, raw_amount, unit)
        if amount is not None:
            try:
                # The price rules of a single edit, reused rather than repeated.
                catalogue_services.check_price(amount, unit)
            except ValidationError as error:
                for message in error.message_dict.get("amount", error.messages):
                    self.error(row, "price_amount", message.rstrip("."))
        if len(self.errors) > before or amount is None:
            return None
        return PlannedPrice(row.number, label, amount, unit, conditions, kind)

    def _amount(self, row: UploadRow, raw: str, unit: str) -> Decimal | None:
        if not raw:
            if unit == Unit.FREE:
                return Decimal("0.00")
            self.error(row, "price_amount", "Enter the price, like 27.50, or put free as the unit")
            return None
        cleaned = raw.replace("£", "").replace(",", "").strip()
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.error(row, "price_amount", "Enter the price as a number, like 27.50")
            return None
        return amount


def _column_order(column: str) -> int:
    return COLUMN_NAMES.index(column) if column in COLUMN_NAMES else -1


def validate_rows(*, organisation: Organisation, rows: Sequence[UploadRow]) -> UploadReport:
    """Check every row against the catalogue and say what would be created, or what is wrong
    (by row and column). Reads only; a handful of queries whatever the number of rows."""
    return _Checker(organisation, rows).run()


# --- saving --------------------------------------------------------------------------------------


class UploadAlreadyImported(Exception):
    """This upload (its confirmation token) has been imported, or is being imported now."""


def _claim_key(token: str) -> str:
    return f"catalogue:upload-claimed:{token}"


@transaction.atomic
def services_bulk_import(
    *, user, organisation: Organisation, rows: Sequence[UploadRow], token: str = ""
) -> ImportResult:
    """Create the services and prices of an upload, all or nothing, as drafts.

    Only staff of the organisation may. The rows are checked again here (whatever a preview
    said), and if any row has a problem nothing is saved: UploadRejected carries the report.
    Services and prices are made by catalogue.services, so every rule of a single edit holds
    (postcode look-up, price limits, the change log, a PriceRecord for every price).

    An upload is imported once: its `token` is claimed in the shared cache (an atomic add)
    before anything is saved, so a second click that arrives while the first is still saving,
    with its own copy of the session, raises UploadAlreadyImported. A rejected upload gives
    its claim back, so it can be confirmed again once the catalogue allows it."""
    require_editor(user, organisation)
    if token and not cache.add(_claim_key(token), True, timeout=UPLOAD_CLAIM_SECONDS):
        raise UploadAlreadyImported
    try:
        return _import(user=user, organisation=organisation, rows=rows)
    except BaseException:
        if token:
            cache.delete(_claim_key(token))
        raise


def _import(*, user, organisation: Organisation, rows: Sequence[UploadRow]) -> ImportResult:
    report = validate_rows(organisation=organisation, rows=rows)
    if not report.ok:
        raise UploadRejected(report)
    created: list[Service] = []
    errors: list[RowError] = []
    for planned in report.services:
        # Each service function is atomic on its own (a savepoint), so a refusal leaves the
        # connection usable; any refusal then rolls the whole upload back below.
        try:
            service = catalogue_services.service_create(
                user=user, organisation=organisation, name=planned.name, **planned.service_fields()
            )
        except ValidationError as error:
            errors += _row_errors(planned.row, error)
            continue
        ServiceChange.objects.create(
            service=service,
            user=user,
            action=ServiceChange.Action.IMPORTED,
            note=_rows_note(planned.rows),
        )
        for position, price in enumerate(planned.prices, start=1):
            try:
                catalogue_services.price_option_save(
                    user=user,
                    service=service,
                    label=price.label,
                    amount=price.amount,
                    unit=price.unit,
                    kind=price.kind,
                    conditions=price.conditions,
                    sort_order=position,
                )
            except ValidationError as error:
                errors += _row_errors(price.row, error, prefix="price_")
        created.append(service)
    if errors:
        # Whatever catalogue.services refused that the checks above did not foresee.
        raise UploadRejected(UploadReport(report.services, errors, report.row_count))
    return ImportResult(services=created, price_count=report.price_count)


def _rows_note(numbers: Iterable[int]) -> str:
    numbers = list(numbers)
    if len(numbers) == 1:
        return f"Uploaded in a spreadsheet (row {numbers[0]})."
    return f"Uploaded in a spreadsheet (rows {', '.join(str(n) for n in numbers)})."


MODEL_TO_COLUMN = {"funding_accepted": "funding", "__all__": ""}


def _row_errors(row: int, error: ValidationError, *, prefix: str = "") -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(row, "", message) for message in error.messages]
    found = []
    for name, messages in error.message_dict.items():
        column = MODEL_TO_COLUMN.get(name, f"{prefix}{name}" if prefix else name)
        if column and column not in COLUMN_NAMES:
            column = ""
        found += [RowError(row, column, message) for message in messages]
    return found


# --- the template file ---------------------------------------------------------------------------


def template_csv() -> str:
    """The column names and one example row, using codes that exist in this catalogue, so the
    template itself uploads cleanly."""
    example = {column.name: column.example for column in COLUMNS}
    category = (
        Category.objects.filter(parent__isnull=False).select_related("parent").first()
        or Category.objects.first()
    )
    if category is not None:
        example["categories"] = category.slug
        example["name"] = f"Example: {category.name.lower()}"
        example["price_unit"] = category.effective_unit or Unit.HOUR.value
        if example["price_unit"] == Unit.FREE:
            example["price_amount"] = "0"
    example["client_groups"] = ";".join(ClientGroup.objects.values_list("slug", flat=True)[:2])
    example["funding"] = ";".join(FundingType.objects.values_list("slug", flat=True)[:2])
    postcode = Postcode.objects.select_related("locality").first()
    if postcode is not None:
        example["postcode"] = postcode.postcode
        example["town"] = postcode.locality.name if postcode.locality else ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([example[name] for name in COLUMN_NAMES])
    return out.getvalue()
