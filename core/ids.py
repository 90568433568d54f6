"""Ids typed into addresses and forms (?service=12): only what fits a database id is an id.

`str.isdigit()` was not enough: it accepts a 25-digit number, which overflows a 64-bit id column
(a server error on PostgreSQL and SQLite), and digits such as "²" that int() refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField
_DIGITS = re.compile(r"[0-9]{1,19}")


def as_id(value: object) -> int | None:
    """`value` as a database id (1 to MAX_ID), or None."""
    text = str(value).strip() if value is not None else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def as_ids(values: Iterable[object]) -> list[int]:
    """The ids among `values`, in order, each once; anything else is left out."""
    ids = (as_id(value) for value in values)
    return list(dict.fromkeys(i for i in ids if i is not None))
