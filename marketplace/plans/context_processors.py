"""Every template knows the current shortlist: `shortlisted_ids` (a set of service ids) and
`shortlist_count`, and the plan being built (`plan_in_progress`). All are lazy: a page that
uses neither shortlist variable runs no query for it, and a page that uses both runs one (the
ids are cached on the request)."""

from django.utils.functional import SimpleLazyObject

from .in_progress import plan_in_progress
from .services import shortlist_service_ids

CACHE_ATTRIBUTE = "_plans_shortlisted_ids"


def current_shortlist_ids(request) -> frozenset[int]:
    """The ids on the signed-in person's (or the session's) shortlist, once per request."""
    cached = getattr(request, CACHE_ATTRIBUTE, None)
    if cached is None:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        cached = frozenset(shortlist_service_ids(user=user, session=session or {}))
        setattr(request, CACHE_ATTRIBUTE, cached)
    return cached


def forget_shortlist_ids(request) -> None:
    """After a change, the next read looks again."""
    if hasattr(request, CACHE_ATTRIBUTE):
        delattr(request, CACHE_ATTRIBUTE)


def shortlist(request):
    return {
        "shortlisted_ids": SimpleLazyObject(lambda: current_shortlist_ids(request)),
        "shortlist_count": SimpleLazyObject(lambda: len(current_shortlist_ids(request))),
    }


def plan_being_built(request):
    """`plan_in_progress`: the draft plan the person is building (in_progress.py), or None.
    Lazy: pages that do not offer "Add to plan" run no query."""
    return {"plan_in_progress": SimpleLazyObject(lambda: plan_in_progress(request))}
