"""Catalogue URLs. Public pages live at /services/ and /organisations/; provider self-service
at /provider/ (mounted from marketplace/urls.py). Each views module brings its own patterns."""

from catalogue.views import (
    commissioning,
    provider_organisations,
    provider_services,
    provider_uploads,
    public,
)

app_name = "catalogue"

urlpatterns = [
    *public.urlpatterns,
    *provider_organisations.urlpatterns,
    *provider_services.urlpatterns,
    *provider_uploads.urlpatterns,
    *commissioning.urlpatterns,
]
