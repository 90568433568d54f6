"""The cached site chrome (marketplace/pages/context_processors.py) goes stale when an editor
publishes, unpublishes, moves or deletes a page, or changes the site or its settings."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.caching import PAGES, invalidate

from .models import SiteSettings


def _pages_changed(**_kwargs) -> None:
    # At once, for what this transaction renders next; and again after the commit, in case
    # another request cached the old chrome in between.
    invalidate(PAGES)
    transaction.on_commit(lambda: invalidate(PAGES))


page_published.connect(_pages_changed, dispatch_uid="pages-chrome-published")
page_unpublished.connect(_pages_changed, dispatch_uid="pages-chrome-unpublished")
post_page_move.connect(_pages_changed, dispatch_uid="pages-chrome-moved")
for model in (Site, SiteSettings):
    post_save.connect(_pages_changed, sender=model, dispatch_uid=f"pages-chrome-save-{model}")
    post_delete.connect(_pages_changed, sender=model, dispatch_uid=f"pages-chrome-del-{model}")


@receiver(post_delete, dispatch_uid="pages-chrome-page-deleted")
def _page_deleted(sender, **kwargs) -> None:
    if isinstance(kwargs.get("instance"), Page):
        _pages_changed()
