"""Issue 18, low item: the low-result search record stored the typed text verbatim, postcodes
and names included, though the docs say it never keeps postcodes; no throttle, no retention."""

from datetime import timedelta

from django.utils import timezone

import pytest

from core import personal_data
from search.models import LowResultSearch, SearchWord
from search.query import SearchQuery
from search.services import demand_text, search_record_demand

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("night sitting SY8 1AB", "night sitting"),
        ("carer near sy81ab", "carer near"),
        ("dementia care for Mrs Jones", "dementia care for Mrs"),
        ("John Smith needs help with washing", "needs help with washing"),
        ("call me 07700 900123", "call me"),
        ("respite pat@example.org", "respite"),
        ("Dementia day centre", "Dementia day centre"),
        ("12 Acacia Avenue home care", "home care"),
    ],
)
def test_the_kept_text_has_no_postcode_name_address_or_number(typed, kept):
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in ("dementia", "mrs", "care", "respite")]
    )
    assert demand_text(typed) == kept


def test_a_recorded_search_keeps_only_the_demand_words():
    record = search_record_demand(
        query=SearchQuery(text="night sitting for Ada Quillfeather SY8 1AB"), total=0
    )
    assert record.text == "night sitting for"


def test_one_visitor_can_record_only_so_many_an_hour(settings):
    settings.SEARCH_DEMAND_PER_HOUR = 3
    for n in range(5):
        search_record_demand(query=SearchQuery(text=f"night sitting {n}"), total=0, client="ip:1")
    assert LowResultSearch.objects.count() == 3
    # Another visitor is counted apart.
    assert search_record_demand(query=SearchQuery(text="meals"), total=0, client="ip:2")


def test_old_records_are_pruned(settings):
    settings.SEARCH_DEMAND_RETENTION_DAYS = 365
    old = LowResultSearch.objects.create(text="old", total=0)
    LowResultSearch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=366)
    )
    LowResultSearch.objects.create(text="recent", total=0)
    done = personal_data.prune_all()
    assert done["low-result searches past SEARCH_DEMAND_RETENTION_DAYS"] == 1
    assert list(LowResultSearch.objects.values_list("text", flat=True)) == ["recent"]
