"""Readable, unique slugs for organisations and listings, and the insert that settles a race for
one (two requests registering the same name at once)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify


def unique_slug(model, text: str, *, exclude_pk: int | None = None) -> str:
    """A readable slug from `text`, numbered when taken: 'sunrise-care', 'sunrise-care-2'."""
    base = slugify(text)[:200] or "listing"
    slug, number = base, 1
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


SLUG_ATTEMPTS = 5


def save_with_unique_slug(instance, text: str) -> None:
    """Insert a new organisation or listing under a free slug made from `text`.

    unique_slug() checks, then the insert takes the slug: two requests registering the same
    name at once can both find 'sunrise-care' free. The loser's insert then fails on the
    unique index; it is retried (inside a savepoint, so the caller's transaction stays usable)
    with the next free number instead of reaching the person as a server error."""
    model = type(instance)
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            taken = model.objects.filter(slug=instance.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS - 1:
                raise  # not the slug, or a race that will not settle
            instance.pk = None
            instance.slug = unique_slug(model, text)
