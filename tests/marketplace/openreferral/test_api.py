"""The ORUK 3.0 API on the small demo catalogue, checked against the official schemas."""

import copy
import math
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import pytest

from catalogue import services as catalogue_services
from catalogue.geo import grid_to_wgs84
from catalogue.models import Category, ClientGroup, Organisation, Postcode, Service
from core.roles import Role
from marketplace.openreferral import mapping
from marketplace.openreferral.selectors import api_services, with_premises
from tests.factories import make_user

from .oruk import errors, object_validator, response_validator

ENVELOPE = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def nulls_and_blanks(value, path=""):
    """Where a response carries null or "" (optional fields must be left out instead)."""
    if value is None or value == "":
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nulls_and_blanks(item, f"{path}/{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in nulls_and_blanks(item, f"{path}/{i}")]
    return []


def valid(path_template: str, body) -> None:
    problems = errors(response_validator(path_template), body)
    assert not problems, problems[:5]
    assert not nulls_and_blanks(body)


def walk_pages(api, path: str, per_page: int, **query):
    first = api(path, per_page=per_page, **query).json()
    pages = [first]
    for number in range(2, first["total_pages"] + 1):
        pages.append(api(path, per_page=per_page, page=number, **query).json())
    return pages


# --- the schemas are really applied ----------------------------------------------------------


def test_the_validators_reject_what_the_standard_forbids(api):
    body = api("/services", per_page=2).json()
    valid("/services", body)
    for breakage in (
        lambda b: b["contents"][0].__setitem__("id", "not-a-uuid"),
        lambda b: b["contents"][0].pop("name"),
        lambda b: b["contents"][0].__setitem__("status", "open"),
        lambda b: b["contents"][0]["organization"].__setitem__("website", "not a uri"),
        lambda b: b.__setitem__("total_items", "many"),
    ):
        broken = copy.deepcopy(body)
        breakage(broken)
        assert errors(response_validator("/services"), broken)
    detail = api(f"/services/{body['contents'][0]['id']}").json()
    broken = copy.deepcopy(detail)
    broken["cost_options"][0]["amount"] = "£21"
    assert errors(response_validator("/services/{id}"), broken)
    broken = copy.deepcopy(detail)
    broken["last_modified"] = "yesterday"
    assert errors(response_validator("/services/{id}"), broken)


# --- GET / and the OpenAPI document ------------------------------------------------------------


def test_the_index_names_the_version_profile_and_openapi_document(api, client):
    response = api("/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/openreferral/v3/openapi.json"
    assert not errors(response_validator("/"), body)

    document = client.get(body["openapi_url"]).json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    }
    assert document["servers"] == [{"url": "http://testserver/api/openreferral/v3/"}]


# --- /services -----------------------------------------------------------------------------------


def test_services_first_middle_and_last_pages_match_the_schema(api):
    total = api_services().count()
    assert total >= 12
    per_page = total // 4  # four or five pages
    pages = walk_pages(api, "/services", per_page)
    assert len(pages) == math.ceil(total / per_page) >= 4
    middle = len(pages) // 2
    for number, body in ((1, pages[0]), (middle + 1, pages[middle]), (len(pages), pages[-1])):
        valid("/services", body)
        assert set(body) == ENVELOPE
        assert body["total_items"] == total
        assert body["page_number"] == number
        assert body["first_page"] is (number == 1)
        assert body["last_page"] is (number == len(pages))
        assert body["empty"] is False
        assert body["size"] == len(body["contents"])
    assert pages[-1]["size"] == total - per_page * (len(pages) - 1)
    ids = [service["id"] for body in pages for service in body["contents"]]
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == {str(u) for u in api_services().values_list("uuid", flat=True)}


def test_a_list_item_carries_the_one_to_one_fields_and_its_organisation(api):
    service = api_services().select_related("organisation").order_by("name", "pk").first()
    item = api("/services", per_page=1).json()["contents"][0]
    assert item["id"] == str(service.uuid)
    assert item["name"] == service.name
    assert item["status"] == "active"
    assert item["organization"]["id"] == str(service.organisation.uuid)
    assert item["organization"]["name"] == service.organisation.name
    assert "cost_options" not in item  # the list shape has only one-to-one fields


def test_several_services_in_full_match_the_schema_and_the_catalogue(api):
    services = list(
        api_services()
        .prefetch_related("price_options", "categories", "client_groups", "funding_accepted")
        .order_by("pk")
    )
    picked = services[:: max(1, len(services) // 6)]
    assert len(picked) >= 5
    for service in picked:
        response = api(f"/services/{service.uuid}")
        assert response.status_code == 200
        body = response.json()
        valid("/services/{id}", body)
        assert body["id"] == str(service.uuid)
        assert body["description"].startswith(service.summary)
        assert [
            (Decimal(str(o["amount"])), o["amount_description"], o["currency"])
            for o in body.get("cost_options", [])
        ] == [(p.amount, mapping.price_description(p), "GBP") for p in service.price_options.all()]
        assert [o["id"] for o in body.get("cost_options", [])] == [
            str(p.uuid) for p in service.price_options.all()
        ]
        terms = {a["taxonomy_term"]["id"] for a in body["attributes"]}
        assert terms == {str(c.uuid) for c in service.categories.all()} | {
            mapping.client_group_id(g) for g in service.client_groups.all()
        } | ({str(mapping.FRAMEWORK_TERM_ID)} if service.on_council_framework else set())
        assert {f["source"] for f in body.get("funding", [])} == {
            f.name for f in service.funding_accepted.all()
        }
        # Stable: the same ids on a second request.
        assert api(f"/services/{service.uuid}").json() == body


def test_prices_keep_their_label_conditions_and_dates(api):
    service = api_services().filter(price_options__conditions__gt="").first()
    option = service.price_options.exclude(conditions="").first()
    option.valid_from = timezone.localdate() - timedelta(days=10)
    option.valid_to = timezone.localdate() + timedelta(days=300)
    option.save()
    body = api(f"/services/{service.uuid}").json()
    cost = next(c for c in body["cost_options"] if c["id"] == str(option.uuid))
    assert cost["option"] == f"{option.label} — {option.conditions}"
    assert cost["valid_from"] == option.valid_from.isoformat()
    assert cost["valid_to"] == option.valid_to.isoformat()
    valid("/services/{id}", body)


def test_opening_times_become_weekly_schedules(api):
    service = api_services().first()
    service.opening_times = [
        {"day": "Monday", "opens": "09:00", "closes": "17:00"},
        {"day": "Tuesday", "opens": "09:00", "closes": "17:00"},
        {"day": "Saturday", "opens": "10:00", "closes": "13:00"},
        {"day": "Sunday", "closed": True},
    ]
    service.save()
    body = api(f"/services/{service.uuid}").json()
    valid("/services/{id}", body)
    assert sorted((s["byday"], s["opens_at"], s["closes_at"]) for s in body["schedules"]) == [
        ("MO,TU", "09:00:00", "17:00:00"),
        ("SA", "10:00:00", "13:00:00"),
    ]


def test_organisation_numbers_are_organization_identifiers(api):
    service = api_services().filter(organisation__companies_house_number__gt="").first()
    organisation = service.organisation
    organisation.charity_number = "1234567"
    organisation.save()
    body = api(f"/services/{service.uuid}").json()
    identifiers = {
        (i["identifier_scheme"], i["identifier"])
        for i in body["organization"]["organization_identifiers"]
    }
    assert ("GB-COH", organisation.companies_house_number) in identifiers
    assert ("GB-CHC", "1234567") in identifiers
    if organisation.cqc_provider_id:
        assert ("GB-CQC", organisation.cqc_provider_id) in identifiers
    valid("/services/{id}", body)


def test_a_hidden_address_is_not_published(api):
    service = api_services().filter(easting__isnull=False).exclude(address_line_1="").first()
    service.hide_exact_address = True
    service.save()
    body = api(f"/services/{service.uuid}").json()
    location = body["service_at_locations"][0]["location"]
    assert "addresses" not in location
    lat, lon = grid_to_wgs84(
        service.easting // 1000 * 1000 + 500, service.northing // 1000 * 1000 + 500
    )
    assert (location["latitude"], location["longitude"]) == (round(lat, 6), round(lon, 6))
    assert service.address_line_1 not in str(body)
    valid("/services/{id}", body)


def test_only_visible_services_of_our_own_are_published(api):
    visible = list(api_services().order_by("pk")[:4])
    draft, stale, suspended_org, _kept = visible
    draft.status = Service.Status.DRAFT
    draft.save()
    Service.objects.filter(pk=stale.pk).update(
        last_confirmed_at=timezone.now() - timedelta(days=400)
    )
    Organisation.objects.filter(pk=suspended_org.organisation_id).update(
        status=Organisation.Status.SUSPENDED
    )
    listed = {s["id"] for s in api("/services", per_page=100).json()["contents"]}
    for hidden in (draft, stale, suspended_org):
        assert str(hidden.uuid) not in listed
        response = api(f"/services/{hidden.uuid}")
        assert response.status_code == 404
        assert response.json()["status"] == 404
    assert str(_kept.uuid) in listed or _kept.organisation_id == suspended_org.organisation_id


# --- /service_at_locations -----------------------------------------------------------------------


def test_service_at_locations_pages_match_the_schema(api):
    pages = walk_pages(api, "/service_at_locations", 7)
    assert len(pages) >= 3
    for body in (pages[0], pages[len(pages) // 2], pages[-1]):
        valid("/service_at_locations", body)
    ids = [item["id"] for body in pages for item in body["contents"]]
    assert len(ids) == len(set(ids)) == pages[0]["total_items"]
    for item in pages[0]["contents"][:3]:
        response = api(f"/service_at_locations/{item['id']}")
        assert response.status_code == 200
        body = response.json()
        assert not errors(object_validator("compiled/service_at_location.json"), body)
        assert not nulls_and_blanks(body)
        assert body["service"]["id"] == item["service_id"]
        assert body["location"]["id"] == item["location_id"]
        assert "cost_options" in body["service"]


def test_postcode_and_proximity_find_the_nearest_premises_first(api):
    service = api_services().filter(easting__isnull=False, hide_exact_address=False).first()
    postcode = Postcode.objects.get(postcode=service.postcode)
    body = api("/service_at_locations", postcode=postcode.postcode, proximity=15000).json()
    valid("/service_at_locations", body)
    ids = [item["service_id"] for item in body["contents"]]
    assert str(service.uuid) in ids
    expected = []
    for candidate in api_services().filter(easting__isnull=False):
        east, north = mapping.public_grid(candidate)
        distance = math.dist((east, north), (postcode.easting, postcode.northing))
        if distance <= 15000:
            expected.append((distance, str(candidate.uuid)))
    assert body["total_items"] == len(expected)
    distance_of = {uid: distance for distance, uid in expected}
    assert set(ids) <= set(distance_of)
    distances = [distance_of[uid] for uid in ids]
    assert distances == sorted(distances)  # nearest first
    assert distances[-1] <= sorted(distance_of.values())[len(ids) - 1]

    same_place = api("/service_at_locations", postcode=postcode.postcode, proximity=0).json()
    assert {item["service_id"] for item in same_place["contents"]} == {
        uid for distance, uid in expected if distance == 0
    }


def test_a_postcode_alone_finds_services_whose_area_covers_it(api):
    service = api_services().filter(localities_served__isnull=False).first()
    locality = service.localities_served.first()
    postcode = Postcode.objects.filter(locality=locality).first()
    body = api(
        "/service_at_locations", postcode=postcode.postcode.replace(" ", "").lower(), per_page=100
    ).json()
    valid("/service_at_locations", body)
    found = {item["service_id"] for item in body["contents"]}
    if service.easting is not None:
        assert str(service.uuid) in found
    expected = set()
    for candidate in with_premises(api_services()):
        # catalogue.selectors.serves: its own locality, a named one, or its own radius; a
        # service that states no area serves its own locality only (no longer every postcode).
        serves = (
            candidate.locality_id == locality.pk
            or candidate.localities_served.filter(pk=locality.pk).exists()
        )
        grid = mapping.public_grid(candidate)
        within = (
            candidate.radius_km is not None
            and grid is not None
            and math.dist(grid, (postcode.easting, postcode.northing))
            <= float(candidate.radius_km) * 1000
        )
        if serves or within:
            expected.add(str(candidate.uuid))
    assert found == expected
    assert body["total_items"] == len(expected)


# --- filters ------------------------------------------------------------------------------------


def test_a_top_level_taxonomy_term_also_finds_its_sub_categories(api):
    parent = Category.objects.filter(children__services__isnull=False).distinct().first()
    body = api("/services", taxonomy_term_id=str(parent.uuid), per_page=100).json()
    valid("/services", body)
    expected = api_services().filter(categories__in=[parent, *parent.children.all()]).distinct()
    assert {s["id"] for s in body["contents"]} == {
        str(u) for u in expected.values_list("uuid", flat=True)
    }
    assert body["total_items"] == expected.count() > 0


def test_a_client_group_term_and_a_taxonomy_filter(api):
    group = ClientGroup.objects.get(slug="dementia")
    body = api("/services", taxonomy_term_id=mapping.client_group_id(group), per_page=100).json()
    expected = api_services().filter(client_groups=group)
    assert {s["id"] for s in body["contents"]} == {
        str(u) for u in expected.values_list("uuid", flat=True)
    }
    assert body["total_items"] > 0
    everything = api("/services", taxonomy_id=str(mapping.CATEGORY_TAXONOMY_ID)).json()
    assert (
        everything["total_items"]
        == api_services().filter(categories__isnull=False).distinct().count()
    )


def test_day_and_time_filters_read_the_opening_times(api):
    early, late, none = list(api_services().order_by("pk")[:3])
    Service.objects.exclude(pk__in=[early.pk, late.pk]).update(opening_times=[])
    Service.objects.filter(pk=early.pk).update(
        opening_times=[{"day": "Monday", "opens": "08:00", "closes": "16:00"}]
    )
    Service.objects.filter(pk=late.pk).update(
        opening_times=[{"day": "Tuesday", "opens": "10:00", "closes": "20:00"}]
    )

    def found(**query):
        body = api("/services", per_page=100, **query).json()
        valid("/services", body)
        return {s["id"] for s in body["contents"]}

    assert found(day="MO") == {str(early.uuid)}
    assert found(day="tuesday") == {str(late.uuid)}
    assert found(start_time="09:00") == {str(late.uuid)}
    assert found(end_time="17:00") == {str(early.uuid)}
    assert found(day="MO", start_time="09:00") == set()
    assert found(start_time="07:00", end_time="21:00") == {str(early.uuid), str(late.uuid)}
    assert str(none.uuid) not in found(day="WE")


def test_ages_describe_the_person(api, settings):
    total = api_services().count()
    assert api("/services", minimum_age=70).json()["total_items"] == total
    assert api("/services", minimum_age=18, maximum_age=65).json()["total_items"] == total
    assert api("/services", maximum_age=16).json()["total_items"] == 0
    settings.OPENREFERRAL_MINIMUM_AGE = None
    assert api("/services", maximum_age=16).json()["total_items"] == total
    assert "minimum_age" not in api("/services", per_page=1).json()["contents"][0]


# --- the council framework flag (issue 17) ------------------------------------------------------


def _mark_on_framework(*services):
    commissioner = make_user("", Role.COMMISSIONER)
    for service in services:
        catalogue_services.service_framework_set(
            user=commissioner, service=service, on_framework=True, note="Home care framework"
        )


def test_a_listing_on_the_councils_framework_carries_the_framework_term(api):
    on, off = list(api_services().filter(on_council_framework=False).order_by("pk")[:2])
    _mark_on_framework(on)

    body = api(f"/services/{on.uuid}").json()
    valid("/services/{id}", body)
    framework = [
        a for a in body["attributes"] if a["taxonomy_term_id"] == str(mapping.FRAMEWORK_TERM_ID)
    ]
    assert len(framework) == 1
    term = framework[0]["taxonomy_term"]
    assert (term["term"], term["taxonomy_id"]) == (
        "council-framework",
        str(mapping.FRAMEWORK_TAXONOMY_ID),
    )
    assert framework[0]["link_id"] == str(on.uuid)
    other = api(f"/services/{off.uuid}").json()
    valid("/services/{id}", other)
    assert str(mapping.FRAMEWORK_TERM_ID) not in {
        a["taxonomy_term_id"] for a in other.get("attributes", [])
    }

    detail = api(f"/taxonomy_terms/{mapping.FRAMEWORK_TERM_ID}").json()
    valid("/taxonomy_terms/{id}", detail)
    assert detail == term
    taxonomy = api(f"/taxonomies/{mapping.FRAMEWORK_TAXONOMY_ID}").json()
    valid("/taxonomies/{id}", taxonomy)
    assert [t["id"] for t in taxonomy["taxonomy_terms"]] == [str(mapping.FRAMEWORK_TERM_ID)]


def test_the_framework_term_and_taxonomy_find_only_framework_listings(api):
    picked = list(api_services().filter(on_council_framework=False).order_by("pk")[:3:2])
    _mark_on_framework(*picked)
    # The demo's own framework listings, and the two just marked.
    wanted = {
        str(u)
        for u in api_services().filter(on_council_framework=True).values_list("uuid", flat=True)
    }
    assert {str(s.uuid) for s in picked} < wanted

    by_term = api("/services", taxonomy_term_id=str(mapping.FRAMEWORK_TERM_ID), per_page=100)
    valid("/services", by_term.json())
    assert {s["id"] for s in by_term.json()["contents"]} == wanted
    by_taxonomy = api("/services", taxonomy_id=str(mapping.FRAMEWORK_TAXONOMY_ID)).json()
    assert {s["id"] for s in by_taxonomy["contents"]} == wanted


# --- taxonomies ---------------------------------------------------------------------------------


def test_taxonomies_and_their_terms_match_the_schema(api):
    body = api("/taxonomies").json()
    valid("/taxonomies", body)
    assert {t["id"] for t in body["contents"]} == {
        str(mapping.CATEGORY_TAXONOMY_ID),
        str(mapping.CLIENT_GROUP_TAXONOMY_ID),
        str(mapping.FRAMEWORK_TAXONOMY_ID),
    }
    for taxonomy in body["contents"]:
        detail = api(f"/taxonomies/{taxonomy['id']}").json()
        valid("/taxonomies/{id}", detail)
        assert detail["taxonomy_terms"]
        assert {t["taxonomy_id"] for t in detail["taxonomy_terms"]} == {taxonomy["id"]}
    categories = api(f"/taxonomies/{mapping.CATEGORY_TAXONOMY_ID}").json()["taxonomy_terms"]
    assert {t["id"] for t in categories} == {
        str(u) for u in Category.objects.values_list("uuid", flat=True)
    }


def test_taxonomy_terms_pages_and_details(api):
    total = Category.objects.count() + ClientGroup.objects.count() + 1  # + the framework term
    pages = walk_pages(api, "/taxonomy_terms", 8)
    assert len(pages) == math.ceil(total / 8) >= 3
    for body in (pages[0], pages[len(pages) // 2], pages[-1]):
        valid("/taxonomy_terms", body)
    terms = [term for body in pages for term in body["contents"]]
    assert len({t["id"] for t in terms}) == total
    child = Category.objects.filter(parent__isnull=False).select_related("parent").first()
    detail = api(f"/taxonomy_terms/{child.uuid}").json()
    valid("/taxonomy_terms/{id}", detail)
    assert detail["parent_id"] == str(child.parent.uuid)
    assert detail["name"] == child.name
    group = ClientGroup.objects.first()
    detail = api(f"/taxonomy_terms/{mapping.client_group_id(group)}").json()
    valid("/taxonomy_terms/{id}", detail)
    assert detail["term"] == group.slug
    # Parents come before their children.
    positions = {t["id"]: i for i, t in enumerate(terms)}
    assert positions[str(child.parent.uuid)] < positions[str(child.uuid)]


# --- bad input ----------------------------------------------------------------------------------

BAD = [
    ("/services", {"page": "0"}, 400, "page must be 1 or more"),
    ("/services", {"page": "-3"}, 400, "page must be 1 or more"),
    ("/services", {"page": "two"}, 400, "page must be a whole number"),
    ("/services", {"page": "9" * 40}, 400, "page must be a whole number"),
    ("/services", {"per_page": "0"}, 400, "per_page must be 1 or more"),
    ("/services", {"per_page": "1.5"}, 400, "per_page must be a whole number"),
    ("/services", {"taxonomy_term_id": "home-care"}, 400, "taxonomy_term_id must be a UUID"),
    ("/services", {"taxonomy_term_id": str(uuid.UUID(int=1))}, 400, "no taxonomy term"),
    ("/services", {"taxonomy_id": str(uuid.UUID(int=2))}, 400, "no taxonomy with"),
    ("/services", {"taxonomy_id": "x" * 500}, 400, "taxonomy_id must be a UUID"),
    ("/services", {"minimum_age": "old"}, 400, "minimum_age must be a number"),
    ("/services", {"minimum_age": "NaN"}, 400, "minimum_age must be a number"),
    ("/services", {"maximum_age": "-1"}, 400, "between 0 and 150"),
    ("/services", {"day": "Funday"}, 400, "day must be a day of the week"),
    ("/services", {"start_time": "25:00"}, 400, "start_time must be a time"),
    ("/services", {"end_time": "noon"}, 400, "end_time must be a time"),
    ("/service_at_locations", {"postcode": "SY1"}, 400, "is not a UK postcode"),
    ("/service_at_locations", {"postcode": "<script>"}, 400, "is not a UK postcode"),
    ("/service_at_locations", {"postcode": "ZZ9 9ZZ"}, 400, "do not know the postcode"),
    ("/service_at_locations", {"proximity": "1000"}, 400, "needs a postcode"),
    ("/service_at_locations", {"postcode": "@", "proximity": "-5"}, 400, "not a UK postcode"),
    ("/service_at_locations", {"page": "0"}, 400, "page must be 1 or more"),
    ("/taxonomies", {"page": "0"}, 400, "page must be 1 or more"),
    ("/taxonomy_terms", {"per_page": "x"}, 400, "per_page must be a whole number"),
    ("/services/123", {}, 404, "ids are UUIDs"),
    ("/services/not-a-uuid", {}, 404, "ids are UUIDs"),
    ("/services/" + str(uuid.UUID(int=3)), {}, 404, "no published service"),
    ("/service_at_locations/abc", {}, 404, "ids are UUIDs"),
    ("/service_at_locations/" + str(uuid.UUID(int=4)), {}, 404, "no service at location"),
    ("/taxonomies/abc", {}, 404, "ids are UUIDs"),
    ("/taxonomies/" + str(uuid.UUID(int=5)), {}, 404, "no taxonomy with"),
    ("/taxonomy_terms/abc", {}, 404, "ids are UUIDs"),
    ("/taxonomy_terms/" + str(uuid.UUID(int=6)), {}, 404, "no taxonomy term"),
    ("/organizations", {}, 404, "There is nothing at"),
    ("/services/x/y", {}, 404, "There is nothing at"),
]


@pytest.mark.parametrize("path,query,status,message", BAD)
def test_bad_input_gets_a_json_error(api, path, query, status, message):
    response = api(path, **query)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["status"] == status
    assert message.lower() in body["message"].lower()


def test_negative_proximity_is_refused(api):
    postcode = Postcode.objects.filter(locality__isnull=False).first()
    response = api("/service_at_locations", postcode=postcode.postcode, proximity="-1")
    assert response.status_code == 400
    assert "cannot be negative" in response.json()["message"]


def test_a_huge_per_page_is_capped_and_a_page_past_the_end_is_empty(api):
    body = api("/services", per_page=100000).json()
    assert body["size"] == min(100, api_services().count())
    valid("/services", body)
    past = api("/services", page=99).json()
    assert past["contents"] == [] and past["empty"] is True and past["last_page"] is True
    assert past["total_items"] == api_services().count()


def test_the_api_is_read_only_and_open_to_any_origin(api, client):
    response = client.post("/api/openreferral/v3/services")
    assert response.status_code == 405
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/openreferral/v3/services")
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    for path in ("/", "/services", "/taxonomies", "/taxonomy_terms", "/service_at_locations"):
        assert api(path)["Access-Control-Allow-Origin"] == "*"


# --- cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("per_page", [5, 50, 100])
def test_a_page_of_services_costs_a_fixed_number_of_queries(
    api, per_page, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert api("/services", per_page=per_page).status_code == 200


def test_other_pages_cost_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    service = api_services().first()
    postcode = Postcode.objects.filter(locality__isnull=False).first()
    category = Category.objects.filter(services__isnull=False).first()
    with django_assert_max_num_queries(8):
        api(f"/services/{service.uuid}")
    with django_assert_max_num_queries(6):
        api("/service_at_locations", postcode=postcode.postcode, per_page=100)
    with django_assert_max_num_queries(6):
        api("/service_at_locations", postcode=postcode.postcode, proximity=20000, per_page=100)
    with django_assert_max_num_queries(5):
        api("/services", taxonomy_term_id=str(category.uuid), day="MO", per_page=100)
    with django_assert_max_num_queries(4):
        api("/taxonomy_terms", per_page=100)
