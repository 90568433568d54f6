"""Receivers that hand events to the services; no rules live here.

- Wagtail's page_published: record the version and freeze its figures.
- Any change to a service or a price (the catalogue's change events, and saves of the models
  the metrics read): make cached figures stale, now and again after commit (so a reader who
  computed figures between the write and the commit cannot leave old ones cached).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published


def _published(sender, instance, revision=None, **kwargs) -> None:
    from .services import statement_version_record

    statement_version_record(page=instance, revision=revision)


def _catalogue_changed(*args, **kwargs) -> None:
    from .metrics import invalidate_cache

    invalidate_cache()
    transaction.on_commit(invalidate_cache)


def connect() -> None:
    from catalogue import events
    from catalogue.models import PriceOption, PriceRecord, Service

    from .models import MarketPositionStatementPage

    page_published.connect(
        _published, sender=MarketPositionStatementPage, dispatch_uid="mps-version-record"
    )
    events.on_services_changed(_catalogue_changed)
    for model in (Service, PriceOption, PriceRecord):
        post_save.connect(
            _catalogue_changed, sender=model, dispatch_uid=f"mps-cache-{model.__name__}"
        )
    post_delete.connect(_catalogue_changed, sender=PriceOption, dispatch_uid="mps-cache-price-del")
