"""Reading the ORUK query parameters: anything a caller can type gives a value or an ApiError
(a 400 or 404 with a message), never a server error."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation

from django.http import QueryDict

from catalogue.models import Category, ClientGroup, Postcode
from catalogue.rules import normalise_postcode

from . import mapping

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100  # the same ceiling as the site's search (search.query.MAX_PER_PAGE)
MAX_PROXIMITY_M = Decimal(1_000_000)
DAY_NAMES = {name.lower(): code for name, code in mapping.DAY_CODES.items()}
DAY_NAMES.update({code.lower(): code for code in mapping.DAY_CODES.values()})
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class ServiceFilters:
    """What /services and /service_at_locations were asked for, checked and resolved."""

    text: str = ""
    category_ids: frozenset[int] | None = None  # a term of the category taxonomy (+ children)
    client_group_id: int | None = None  # a term of the client group taxonomy
    taxonomy: str | None = None  # "categories", "client-groups" or "framework"
    on_framework: bool = False  # the council framework term
    minimum_age: Decimal | None = None
    maximum_age: Decimal | None = None
    day: str | None = None  # "MO".."SU"
    start_time: time | None = None
    end_time: time | None = None
    postcode: Postcode | None = None
    proximity_m: Decimal | None = None

    @property
    def needs_python(self) -> bool:
        """Filters answered over the candidates' values rather than in SQL (see selectors)."""
        return bool(self.text or self.day or self.start_time or self.end_time or self.postcode)


def _one(query: QueryDict, name: str) -> str | None:
    value = query.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _integer(query: QueryDict, name: str, default: int) -> int:
    raw = _one(query, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[+-]?\d{1,9}", raw):
        raise ApiError(400, f"{name} must be a whole number, not {raw[:40]!r}.")
    return int(raw)


def parse_paging(query: QueryDict) -> Paging:
    """page starts at 1; per_page from 1, capped at MAX_PER_PAGE (a larger one is not an error:
    the caller gets the largest page we serve and can see its size in the envelope)."""
    page = _integer(query, "page", 1)
    per_page = _integer(query, "per_page", DEFAULT_PER_PAGE)
    if page < 1:
        raise ApiError(400, "page must be 1 or more (pages are numbered from 1).")
    if per_page < 1:
        raise ApiError(400, "per_page must be 1 or more.")
    return Paging(page=page, per_page=min(per_page, MAX_PER_PAGE))


def parse_uuid(raw: str | None, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        raise ApiError(400, f"{name} must be a UUID, not {str(raw)[:40]!r}.") from None


def _number(query: QueryDict, name: str) -> Decimal | None:
    raw = _one(query, name)
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ApiError(400, f"{name} must be a number, not {raw[:40]!r}.") from None
    if not value.is_finite():
        raise ApiError(400, f"{name} must be a number, not {raw[:40]!r}.")
    return value


def _time(query: QueryDict, name: str) -> time | None:
    raw = _one(query, name)
    if raw is None:
        return None
    match = TIME.match(raw)
    if not match:
        raise ApiError(400, f"{name} must be a time like 09:30, not {raw[:40]!r}.")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def resolve_term(term_id: uuid.UUID) -> tuple[frozenset[int] | None, int | None]:
    """A taxonomy term id -> (category ids, client group id). A top-level category also stands
    for its sub-categories, as on the site's search page."""
    category = Category.objects.filter(uuid=term_id).first()
    if category is not None:
        ids = {category.pk, *category.children.values_list("pk", flat=True)}
        return frozenset(ids), None
    for group in ClientGroup.objects.all():
        if mapping.client_group_id(group) == str(term_id):
            return None, group.pk
    raise ApiError(400, f"There is no taxonomy term with the id {term_id}.")


def parse_service_filters(query: QueryDict, *, locations: bool = False) -> ServiceFilters:
    values: dict = {"text": (_one(query, "search") or "")[:200]}

    raw_term = _one(query, "taxonomy_term_id")
    if raw_term is not None:
        term = parse_uuid(raw_term, "taxonomy_term_id")
        if term == mapping.FRAMEWORK_TERM_ID:
            values["on_framework"] = True
        else:
            values["category_ids"], values["client_group_id"] = resolve_term(term)
    raw_taxonomy = _one(query, "taxonomy_id")
    if raw_taxonomy is not None:
        taxonomy = parse_uuid(raw_taxonomy, "taxonomy_id")
        if taxonomy == mapping.CATEGORY_TAXONOMY_ID:
            values["taxonomy"] = "categories"
        elif taxonomy == mapping.CLIENT_GROUP_TAXONOMY_ID:
            values["taxonomy"] = "client-groups"
        elif taxonomy == mapping.FRAMEWORK_TAXONOMY_ID:
            values["taxonomy"] = "framework"
        else:
            raise ApiError(400, f"There is no taxonomy with the id {taxonomy}.")

    for name in ("minimum_age", "maximum_age"):
        age = _number(query, name)
        if age is not None and not 0 <= age <= 150:
            raise ApiError(400, f"{name} must be an age between 0 and 150.")
        values[name] = age

    raw_day = _one(query, "day")
    if raw_day is not None:
        code = DAY_NAMES.get(raw_day.lower())
        if code is None:
            raise ApiError(400, "day must be a day of the week, like MO or Monday.")
        values["day"] = code
    values["start_time"] = _time(query, "start_time")
    values["end_time"] = _time(query, "end_time")

    if locations:
        raw_postcode = _one(query, "postcode")
        proximity = _number(query, "proximity")
        if raw_postcode is not None:
            normalised = normalise_postcode(raw_postcode)
            if normalised is None:
                raise ApiError(400, f"{raw_postcode[:20]!r} is not a UK postcode, like SY1 1AA.")
            found = Postcode.objects.filter(postcode=normalised).first()
            if found is None:
                raise ApiError(400, f"We do not know the postcode {normalised}.")
            values["postcode"] = found
        if proximity is not None:
            if raw_postcode is None:
                raise ApiError(400, "proximity needs a postcode to measure from.")
            if proximity < 0:
                raise ApiError(400, "proximity is a distance in metres and cannot be negative.")
            values["proximity_m"] = min(proximity, MAX_PROXIMITY_M)
    return ServiceFilters(**values)
