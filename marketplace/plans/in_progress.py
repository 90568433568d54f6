"""The plan a person is building: the draft plan they last opened for editing, kept in their
session, so that service pages and search results can offer "Add to plan" and bring them
back to it (issue 20: services could be added only from the shortlist).

Only the plan's uuid is kept. It is read again on every use, so a plan that was deleted,
submitted, agreed or unshared is simply no longer offered.
"""

from __future__ import annotations

import uuid as uuid_lib

from django.http import HttpRequest

from .models import SupportPlan
from .permissions import can_edit_plan

SESSION_KEY = "plans:in_progress"
CACHE_ATTRIBUTE = "_plans_in_progress"


def remember_plan_in_progress(request: HttpRequest, plan: SupportPlan) -> None:
    value = str(plan.uuid)
    if request.session.get(SESSION_KEY) != value:
        request.session[SESSION_KEY] = value
    if hasattr(request, CACHE_ATTRIBUTE):
        delattr(request, CACHE_ATTRIBUTE)


def plan_in_progress(request: HttpRequest) -> SupportPlan | None:
    """The draft plan this person may edit and last opened, once per request; None if none."""
    if hasattr(request, CACHE_ATTRIBUTE):
        return getattr(request, CACHE_ATTRIBUTE)
    plan = None
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    value = session.get(SESSION_KEY) if session is not None else None
    if value and user is not None and user.is_authenticated:
        try:
            key = uuid_lib.UUID(str(value))
        except ValueError:
            key = None
        found = SupportPlan.objects.filter(uuid=key).first() if key else None
        if found is not None and found.is_draft and can_edit_plan(user, found):
            plan = found
    setattr(request, CACHE_ATTRIBUTE, plan)
    return plan
