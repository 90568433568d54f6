"""The Open Referral UK 3.0 API (read-only JSON) and the open data downloads.

Every response, errors included, carries `Access-Control-Allow-Origin: *` so that any ORUK
consumer can read it from a browser. Errors are JSON ({"status", "error", "message"}) with 400
(a parameter we cannot use) or 404 (no such object or address), never an HTML page or a 500.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse

from catalogue.models import Category, ClientGroup

from . import exports, mapping, selectors
from .params import ApiError, Paging, parse_paging, parse_service_filters

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.json"
REASONS = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
}


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"status": status, "error": REASONS.get(status, "Error"), "message": message},
        status=status,
    )


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only (and OPTIONS for browsers' preflight), CORS headers, ApiError -> JSON error."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response: HttpResponse = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            response = error_response(405, "This API is read-only: use GET.")
            response["Allow"] = "GET, OPTIONS"
        else:
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error.status, error.message)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    return wrapper


def _json(data: Any) -> JsonResponse:
    return JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})


def _links(request: HttpRequest) -> mapping.Links:
    return mapping.Links(base_url=request.build_absolute_uri("/"))


def envelope(total: int, paging: Paging, contents: list[Any]) -> dict[str, Any]:
    """The ORUK pagination envelope; `size` is the number of items on this page."""
    total_pages = max(1, -(-total // paging.per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _object_id(raw: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiError(
            404, f"There is no {what} with the id {raw[:40]!r}: ids are UUIDs."
        ) from None


# --- endpoints ----------------------------------------------------------------------------------


@api_view
def index(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "version": mapping.VERSION,
            "profile": mapping.PROFILE_URI,
            "openapi_url": request.build_absolute_uri(reverse("openreferral:openapi")),
        }
    )


@api_view
def openapi(request: HttpRequest) -> HttpResponse:
    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    document["servers"] = [{"url": request.build_absolute_uri(reverse("openreferral:index"))}]
    return _json(document)


@api_view
def service_list(request: HttpRequest) -> HttpResponse:
    paging = parse_paging(request.GET)
    filters = parse_service_filters(request.GET)
    result = selectors.service_page(filters, paging)
    links = _links(request)
    contents = [mapping.service_one_to_one(service, links) for service in result.items]
    return _json(envelope(result.total, paging, contents))


@api_view
def service_detail(request: HttpRequest, id: str) -> HttpResponse:
    service = selectors.service_by_uuid(_object_id(id, "service"))
    if service is None:
        raise ApiError(404, f"There is no published service with the id {id}.")
    return _json(mapping.service_full(service, _links(request)))


@api_view
def service_at_location_list(request: HttpRequest) -> HttpResponse:
    paging = parse_paging(request.GET)
    filters = parse_service_filters(request.GET, locations=True)
    result = selectors.service_page(filters, paging, locations=True)
    links = _links(request)
    contents = [mapping.service_at_location(service, links) for service in result.items]
    return _json(envelope(result.total, paging, contents))


@api_view
def service_at_location_detail(request: HttpRequest, id: str) -> HttpResponse:
    service = selectors.service_by_location_id(str(_object_id(id, "service_at_location")))
    if service is None:
        raise ApiError(404, f"There is no service at location with the id {id}.")
    return _json(mapping.service_at_location(service, _links(request), full=True))


def _all_terms() -> list[dict[str, Any]]:
    categories = Category.objects.select_related("parent").order_by(
        "parent__sort_order", "sort_order", "name"
    )
    ordered = sorted(
        categories,
        key=lambda c: (
            (c.parent.sort_order, c.parent.name) if c.parent_id else (c.sort_order, c.name),
            c.parent_id is not None,
            c.sort_order,
            c.name,
        ),
    )
    return [
        *(mapping.category_term(c) for c in ordered),
        *(mapping.client_group_term(group) for group in ClientGroup.objects.all()),
        mapping.framework_term(),
    ]


def _taxonomies(links: mapping.Links) -> list[dict[str, Any]]:
    return [
        mapping.category_taxonomy(links),
        mapping.client_group_taxonomy(links),
        mapping.framework_taxonomy(links),
    ]


@api_view
def taxonomy_list(request: HttpRequest) -> HttpResponse:
    paging = parse_paging(request.GET)
    taxonomies = _taxonomies(_links(request))
    page = taxonomies[paging.offset : paging.offset + paging.per_page]
    return _json(envelope(len(taxonomies), paging, page))


@api_view
def taxonomy_detail(request: HttpRequest, id: str) -> HttpResponse:
    wanted = str(_object_id(id, "taxonomy"))
    for taxonomy in _taxonomies(_links(request)):
        if taxonomy["id"] == wanted:
            terms = [term for term in _all_terms() if term["taxonomy_id"] == wanted]
            return _json({**taxonomy, "taxonomy_terms": terms})
    raise ApiError(404, f"There is no taxonomy with the id {id}.")


@api_view
def taxonomy_term_list(request: HttpRequest) -> HttpResponse:
    paging = parse_paging(request.GET)
    terms = _all_terms()
    page = terms[paging.offset : paging.offset + paging.per_page]
    return _json(envelope(len(terms), paging, page))


@api_view
def taxonomy_term_detail(request: HttpRequest, id: str) -> HttpResponse:
    wanted = _object_id(id, "taxonomy term")
    if wanted == mapping.FRAMEWORK_TERM_ID:
        return _json(mapping.framework_term())
    category = Category.objects.select_related("parent").filter(uuid=wanted).first()
    if category is not None:
        return _json(mapping.category_term(category))
    for group in ClientGroup.objects.all():
        if mapping.client_group_id(group) == str(wanted):
            return _json(mapping.client_group_term(group))
    raise ApiError(404, f"There is no taxonomy term with the id {id}.")


@api_view
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise ApiError(404, f"There is nothing at {request.path}. GET / lists what this API offers.")


# --- downloads ----------------------------------------------------------------------------------


@api_view
def export_data_package(request: HttpRequest) -> HttpResponse:
    response = _json(exports.data_package(_links(request)))
    response["Content-Disposition"] = 'attachment; filename="services-oruk-3.0.json"'
    return response


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@api_view
def export_csv(request: HttpRequest) -> HttpResponse:
    writer = csv.writer(_Echo())
    rows: Iterator[str] = (writer.writerow(row) for row in exports.csv_rows(_links(request)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="services-and-prices.csv"'
    return response
