"""The shortlist (no account needed) and the side-by-side comparison."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from catalogue.models import Service
from catalogue.remembered_postcode import forget_postcode, postcode_data, remember_postcode
from core.ids import as_id

from .. import selectors, services
from ..context_processors import current_shortlist_ids, forget_shortlist_ids
from ..forms import ComparePostcodeForm
from .common import safe_next


def _service_id(request) -> int | None:
    return as_id(request.POST.get("service", ""))


def _wants_json(request) -> bool:
    """static/js/shortlist.js asks for the result to update the page in place."""
    return request.headers.get("X-Requested-With") == "fetch"


def _changed(request, *, message: str, in_shortlist: bool, back: str):
    """Where a change leads: the page the person came from (at the same card) with a message,
    or, for shortlist.js, what changed: the button's new state, the header's count and the
    words to announce (no flashed message, which would show on the next page)."""
    forget_shortlist_ids(request)
    if _wants_json(request):
        return JsonResponse(
            {
                "in_shortlist": in_shortlist,
                "count": len(current_shortlist_ids(request)),
                "message": message,
            }
        )
    if message:
        messages.success(request, message)
    return redirect(back)


@require_http_methods(["GET", "HEAD", "POST"])
def shortlist_add(request):
    if request.method != "POST":  # an old bookmark or a typed address: show the shortlist
        return shortlist_page(request)
    service_id = _service_id(request)
    if service_id is None:
        return HttpResponseBadRequest("Choose a service to add.")
    service = get_object_or_404(Service, pk=service_id)
    back = safe_next(request, reverse("plans:shortlist"))
    try:
        added = services.shortlist_add(user=request.user, session=request.session, service=service)
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    message = f"{service.public_title} has been added to your shortlist." if added else ""
    return _changed(request, message=message, in_shortlist=True, back=back)


@require_http_methods(["GET", "HEAD", "POST"])
def shortlist_remove(request):
    if request.method != "POST":
        return shortlist_page(request)
    service_id = _service_id(request)
    if service_id is None:
        return HttpResponseBadRequest("Choose a service to remove.")
    removed = services.shortlist_remove(
        user=request.user, session=request.session, service_id=service_id
    )
    message = ""
    if removed:
        name = Service.objects.filter(pk=service_id).values_list("name", flat=True).first()
        message = f"{name or 'The service'} has been removed from your shortlist."
    back = safe_next(request, reverse("plans:shortlist"))
    return _changed(request, message=message, in_shortlist=False, back=back)


@require_http_methods(["GET", "HEAD"])
def shortlist_page(request):
    shortlisted = selectors.shortlist_services(list(current_shortlist_ids_ordered(request)))
    return render(
        request,
        "plans/shortlist.html",
        {
            "services": shortlisted,
            "visible_ids": [s.pk for s in shortlisted if s.is_visible],
            "max_services": services.SHORTLIST_MAX,
        },
    )


def current_shortlist_ids_ordered(request) -> list[int]:
    """The ids in the order they were added (the context processor's set has no order)."""
    current_shortlist_ids(request)  # fills the request cache for the header count
    return services.shortlist_service_ids(user=request.user, session=request.session)


@require_http_methods(["GET", "HEAD"])
def compare(request):
    shortlisted = list(selectors.shortlist_services(current_shortlist_ids_ordered(request)))
    # The postcode given in search or on a service page shows distances straight away.
    form = ComparePostcodeForm(postcode_data(request))
    postcode = form.cleaned_data["postcode"] if form.is_bound and form.is_valid() else None
    if postcode is not None:
        remember_postcode(request, postcode.postcode)
    elif form.is_bound and not form.errors:  # the box was cleared
        forget_postcode(request)
    return render(
        request,
        "plans/compare.html",
        {
            "form": form,
            "postcode": postcode,
            "columns": selectors.compare_columns(shortlisted, postcode),
        },
    )
