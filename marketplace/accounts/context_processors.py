"""`works_for_provider`: whether the signed-in person is staff of a care provider here, so the
header can offer "Your organisation" (issue 20: providers landed on "Your account" with the
dashboard link at the bottom). Lazy: one query, only on pages that show the header signed in."""

from django.utils.functional import SimpleLazyObject


def _works_for_provider(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.memberships.exists())


def account_links(request):
    return {"works_for_provider": SimpleLazyObject(lambda: _works_for_provider(request))}
