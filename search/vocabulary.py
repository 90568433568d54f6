"""The care vocabulary as the search backends use it: the SynonymGroup rules council editors
keep in the admin (seeded from search/data/synonyms.yaml), read once and kept for a minute, and
dropped at once in this process when an editor saves or deletes a rule."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import yaml

from search.models import SynonymGroup
from search.understanding import Vocabulary

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yaml"
KEEP_SECONDS = 60.0

_held: tuple[float, Vocabulary] | None = None
_lock = threading.Lock()


def file_rules(path: Path = SYNONYMS_FILE) -> list[str]:
    """The rules of the packaged vocabulary file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(rule).strip() for rule in data.get("rules", []) if str(rule).strip()]


def file_vocabulary() -> Vocabulary:
    return Vocabulary.from_rules(file_rules())


def current() -> Vocabulary:
    """The vocabulary in the database (the admin's rules), kept for KEEP_SECONDS."""
    global _held
    held = _held
    now = time.monotonic()
    if held is not None and now - held[0] < KEEP_SECONDS:
        return held[1]
    with _lock:
        vocabulary = Vocabulary.from_rules(SynonymGroup.objects.values_list("rule", flat=True))
        _held = (now, vocabulary)
    return vocabulary


def rules() -> list[str]:
    """The admin's rules, as Elasticsearch's synonym filter takes them."""
    return list(SynonymGroup.objects.order_by("pk").values_list("rule", flat=True))


def forget() -> None:
    global _held
    _held = None


@receiver(post_save, sender=SynonymGroup)
@receiver(post_delete, sender=SynonymGroup)
def _rule_changed(**kwargs) -> None:
    forget()


def load_rules(path: Path = SYNONYMS_FILE) -> int:
    """Add the file's rules that are not in the admin yet (editors' changes are kept); returns
    how many were added."""
    existing = set(SynonymGroup.objects.values_list("rule", flat=True))
    new = [SynonymGroup(rule=rule) for rule in file_rules(path) if rule not in existing]
    SynonymGroup.objects.bulk_create(new)
    forget()
    return len(new)
