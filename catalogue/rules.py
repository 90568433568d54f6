"""Catalogue rules that are plain arithmetic: no Django, table-tested in tests/catalogue.

- Staleness: a published listing unconfirmed for REMIND_AFTER_MONTHS gets a reminder; after
  STALE_AFTER_MONTHS it is hidden from search and listed for moderators.
- Postcodes are normalised to the ONS form ("SY1 1AA") before any look-up.
- Distance is measured on the British National Grid (metres), which is accurate to well under
  1% across Great Britain for the distances people travel for care.
"""

import calendar
import math
import re
from datetime import datetime

REMIND_AFTER_MONTHS = 6
STALE_AFTER_MONTHS = 12

# The UK postcode shapes (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA).
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def months_before(moment: datetime, months: int) -> datetime:
    """The same time `months` calendar months earlier (31 March - 1 month = 28/29 February)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def reminder_cutoff(now: datetime) -> datetime:
    return months_before(now, REMIND_AFTER_MONTHS)


def stale_cutoff(now: datetime) -> datetime:
    return months_before(now, STALE_AFTER_MONTHS)


def normalise_postcode(text: str) -> str | None:
    """'sy11aa', ' SY1  1AA ' -> 'SY1 1AA'; None when it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = POSTCODE.match(compact)
    if not match:
        return None
    return f"{match[1]} {match[2]}"


def postcode_district(postcode: str) -> str:
    """The outward code of a normalised postcode: 'SY1 1AA' -> 'SY1'."""
    return postcode.split(" ", 1)[0]


def grid_distance_km(easting_a: int, northing_a: int, easting_b: int, northing_b: int) -> float:
    """Straight-line distance between two grid references, in kilometres."""
    return math.hypot(easting_a - easting_b, northing_a - northing_b) / 1000
