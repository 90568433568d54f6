"""`search=` goes through the site's catalogue search (search.backends.get_backend())."""

from marketplace.openreferral.selectors import api_services
from search.backends import get_backend
from search.query import Hit, SearchQuery, SearchResults

from .test_api import valid


def all_ids(text: str) -> list[int]:
    backend, ids, page = get_backend(), [], 1
    while True:
        results = backend.search(SearchQuery(text=text, page=page, per_page=100))
        ids += [hit.service_id for hit in results.hits]
        if page >= results.num_pages:
            return ids
        page += 1


def test_search_finds_what_the_site_search_finds_in_its_order(api):
    get_backend().rebuild()
    own = set(api_services().values_list("pk", flat=True))
    for text in ("home care", "carer", "care"):
        expected = [pk for pk in all_ids(text) if pk in own]
        assert expected, text
        body = api("/services", search=text, per_page=100).json()
        valid("/services", body)
        uuids = dict(api_services().values_list("pk", "uuid"))
        assert [s["id"] for s in body["contents"]] == [str(uuids[pk]) for pk in expected]
        assert body["total_items"] == len(expected)
    nothing = api("/services", search="xylophone quartet").json()
    assert nothing["total_items"] == 0 and nothing["empty"] is True


def test_search_pages_and_combines_with_other_filters(api):
    get_backend().rebuild()
    first = api("/services", search="care", per_page=3).json()
    second = api("/services", search="care", per_page=3, page=2).json()
    valid("/services", second)
    assert first["total_items"] == second["total_items"] > 3
    assert not {s["id"] for s in first["contents"]} & {s["id"] for s in second["contents"]}
    located = api("/service_at_locations", search="care", per_page=100).json()
    valid("/service_at_locations", located)
    assert 0 < located["total_items"] <= first["total_items"]


class StubBackend:
    """A backend honouring the contract, for the paging of the backend's own results."""

    def __init__(self, ids):
        self.ids, self.queries = ids, []

    def search(self, query):
        self.queries.append(query)
        page = self.ids[query.offset : query.offset + query.per_page]
        return SearchResults(
            hits=[Hit(service_id=pk) for pk in page],
            total=len(self.ids),
            facets={},
            took_ms=0,
            page=query.page,
            per_page=query.per_page,
        )


def test_every_page_of_the_backends_results_is_read(api, monkeypatch):
    ids = list(reversed(api_services().order_by("name").values_list("pk", flat=True)))
    stub = StubBackend(ids * 5 + [10**9])  # repeats, and one id that is not ours
    monkeypatch.setattr("marketplace.openreferral.selectors.get_backend", lambda: stub)
    body = api("/services", search="anything", per_page=100).json()
    assert body["total_items"] == len(ids)
    assert [q.page for q in stub.queries] == list(range(1, len(stub.queries) + 1))
    assert len(stub.queries) == -(-len(stub.ids) // 100)
    assert stub.queries[0].text == "anything"
    uuids = dict(api_services().values_list("pk", "uuid"))
    assert [s["id"] for s in body["contents"]] == [str(uuids[pk]) for pk in ids]  # its order
