"""Everything the site holds about a person, for "download my data" and "delete my account".

Each app that stores personal data registers, in its AppConfig.ready(), how to export it and how
to erase it:

    from core import personal_data
    personal_data.register("reviews", export=export_reviews, erase=erase_reviews)

`export(user)` returns JSON-serialisable data (dates and Decimals are turned into text by
`export_user_data`); `erase(user)` deletes or anonymises it. Erasers run first, in the order they
were registered, then the account itself is deleted, all in one transaction: if any step fails,
nothing is deleted.

What is kept only for a while registers a pruner (`register_retention`), run daily by
`manage.py prune_personal_data`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class Source:
    name: str
    export: Exporter
    erase: Eraser


_sources: dict[str, Source] = {}
# Retention: what is kept only for a while. Each pruner empties or deletes what has passed its
# period and returns how many it did; `manage.py prune_personal_data` (run daily) runs them all.
Pruner = Callable[[], int]
_pruners: dict[str, Pruner] = {}


def register(name: str, *, export: Exporter, erase: Eraser) -> None:
    """Register (or replace, for the same name) how one app exports and erases a person's data."""
    _sources[name] = Source(name=name, export=export, erase=erase)


def registered() -> list[str]:
    return list(_sources)


def register_retention(name: str, *, prune: Pruner) -> None:
    """Register (or replace) how one kind of personal data leaves when its period has passed."""
    _pruners[name] = prune


def prune_all() -> dict[str, int]:
    """Run every registered pruner; how many each emptied or deleted."""
    return {name: prune() for name, prune in _pruners.items()}


def export_user_data(user) -> dict[str, Any]:
    """All of a person's data, one key per registered source, ready for json.dumps."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "about": "Everything Care Market holds about your account.",
    }
    for source in _sources.values():
        data[source.name] = source.export(user)
    # Round-trip through the encoder so dates, UUIDs and Decimals become plain text.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def erase_user(user) -> None:
    """Delete a person's account: every registered eraser runs, then the account is deleted.
    Atomic: a failing eraser leaves everything as it was."""
    for source in _sources.values():
        source.erase(user)
    user.delete()
