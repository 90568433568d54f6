"""Background work for the plans app (django-tasks: in-process here, a worker in production)."""

from django_tasks import task


@task()
def count_listing_view(*, service_id: int, visitor: str = "") -> None:
    """Add one view to a listing's usage figures, off the page's own request path (`visitor`:
    services.usage_visitor(), a hash: once a visitor a week)."""
    from .services import listing_usage_record

    listing_usage_record(service_id=service_id, kind="views", visitor=visitor)
