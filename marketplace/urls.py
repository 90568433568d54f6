from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from marketplace.accounts import views as account_views
from marketplace.pages import views as page_views
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/profile/", account_views.account_page, name="account_profile"),
    path(
        "accounts/profile/my-data/",
        account_views.account_data_download,
        name="account_data_download",
    ),
    path("accounts/profile/delete/", account_views.account_delete, name="account_delete"),
    path("accounts/", include("allauth.urls")),
    # The catalogue search page (search/views.py), under the name the site already links to.
    path("search/", search_views.search_page, name="site_search"),
    path("search/advice/", page_views.advice_search, name="advice_search"),
    path("api/openreferral/v3/", include("marketplace.openreferral.urls")),
    path("", include("search.urls")),
    path("", include("safeguarding.urls")),
    path("", include("ratings.urls")),
    path("", include("marketplace.plans.urls")),
    path("", include("marketplace.ras.urls")),
    path("", include("market_statement.urls")),
    path("", include("catalogue.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded photos from the local disk (the embedded default: `make run`, `make serve`).
    # At scale they come from object storage or the web server in front, and this is off.
    from django.urls import re_path
    from django.views.static import serve

    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

urlpatterns += [path("", include(wagtail_urls))]
