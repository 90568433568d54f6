"""The Open Referral UK 3.0 API, mounted at /api/openreferral/v3/ (marketplace/urls.py)."""

from django.urls import path, re_path

from . import views

app_name = "openreferral"

urlpatterns = [
    path("", views.index, name="index"),
    path("openapi.json", views.openapi, name="openapi"),
    path("services", views.service_list, name="services"),
    path("services/<str:id>", views.service_detail, name="service"),
    path("service_at_locations", views.service_at_location_list, name="service_at_locations"),
    path(
        "service_at_locations/<str:id>",
        views.service_at_location_detail,
        name="service_at_location",
    ),
    path("taxonomies", views.taxonomy_list, name="taxonomies"),
    path("taxonomies/<str:id>", views.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_term_list, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views.taxonomy_term_detail, name="taxonomy_term"),
    path("export/services.json", views.export_data_package, name="export_json"),
    path("export/services.csv", views.export_csv, name="export_csv"),
    # Anything else under the API answers a JSON 404, not the site's HTML page.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
