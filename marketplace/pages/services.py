"""Writes to the site's pages: publishing pages and storing documents."""

from pathlib import Path

from django.core.files import File
from django.db import transaction

from wagtail.documents import get_document_model
from wagtail.models import Page, Site


@transaction.atomic
def page_publish_child(*, parent: Page, page: Page, user=None) -> Page:
    """Add `page` under `parent` and publish it as its first revision.

    Wagtail's own rules apply: the page type must be allowed under the parent, and the slug must
    be free among its siblings (full_clean raises ValidationError otherwise).
    """
    if not page.can_exist_under(parent.specific):
        raise ValueError(f"A {type(page).__name__} cannot be placed under {parent.title!r}.")
    parent.add_child(instance=page)
    page.save_revision(user=user).publish(user=user)
    return page


@transaction.atomic
def site_install_home_page(*, site: Site, home: Page, user=None) -> Page:
    """Publish `home` at the top of the tree and make it the site's root page.

    A new Wagtail install points the site at a placeholder "Welcome" page; it is removed once
    the site no longer points at it (deleting it first would delete the site with it).
    """
    old_root = site.root_page.specific
    placeholder = type(old_root) is Page and not old_root.get_children().exists()
    if placeholder and old_root.slug == home.slug:
        Page.objects.filter(pk=old_root.pk).update(slug=f"{old_root.slug}-placeholder")
    page_publish_child(parent=Page.get_first_root_node(), page=home, user=user)
    site.root_page = home
    site.save()
    if placeholder:
        Page.objects.get(pk=old_root.pk).delete()
    return home


@transaction.atomic
def document_create_from_file(*, path: Path, title: str, user=None):
    """Store a file in Wagtail's document library (reusing one with the same title)."""
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    with path.open("rb") as handle:
        document = Document(title=title, uploaded_by_user=user)
        document.file.save(path.name, File(handle), save=False)
        document.file_size = path.stat().st_size
        document.full_clean()
        document.save()
    return document
