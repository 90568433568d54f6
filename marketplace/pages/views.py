from django.core.paginator import Paginator
from django.shortcuts import render

from wagtail.models import Page

from search.forms import plain_words

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def advice_search(request):
    """All the advice pages that match, with Wagtail's search (/search/advice/?q=...). The
    catalogue search page (/search/, search/views.py) shows the first few beside services and
    links here for the rest."""
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if plain_words(query):
        results = Page.objects.live().public().specific().search(plain_words(query))
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pages/search_results.html",
        {"query": query, "page_obj": page, "results": page.object_list},
    )
