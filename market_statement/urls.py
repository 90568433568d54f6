"""The statement's addresses besides its Wagtail page, and the commissioner dashboard."""

from .views import consultation, dashboard, statement

app_name = "market_statement"

urlpatterns = [
    *consultation.urlpatterns,
    *statement.urlpatterns,
    *dashboard.urlpatterns,
]
