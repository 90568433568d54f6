"""The demo statement: the four-column frame, intentions, data blocks of every kind, an
earlier published version and a consultation under way; loading it twice changes nothing."""

from django.core.management import call_command

import pytest

from market_statement.blocks import DATA_BLOCK_TYPES
from market_statement.models import Comment, MarketPositionStatementPage

pytestmark = pytest.mark.django_db


def test_the_demo_statement(client, demo):
    page = MarketPositionStatementPage.objects.get()
    assert list(page.versions.values_list("number", flat=True)) == [2, 1]
    kinds = {block.block_type for block in page.body}
    assert kinds >= DATA_BLOCK_TYPES
    assert {"market_frame", "intentions"} <= kinds
    [frame] = [b for b in page.body if b.block_type == "market_frame"]
    assert [c["title"] for c in frame.value["columns"]] == [
        "Providers (supply)",
        "Quality",
        "Resources and cost",
        "Customers (demand)",
    ]
    assert page.consultation_is_open()
    assert Comment.objects.approved().count() == 2 and Comment.objects.pending().count() == 1
    assert page.subscriptions.filter(user__email="provider@caremarket.example").exists()
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Version 2, published" in response.text
    assert client.get(f"/market-statement/{page.pk}/versions/1/").status_code == 200

    call_command("load_demo_data", "--catalogue=small", verbosity=0)
    assert page.versions.count() == 2
    assert Comment.objects.count() == 3
