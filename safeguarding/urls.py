"""The public concern pages at /report-a-concern/; the team's queue is in the admin
(wagtail_hooks.py)."""

from .views import urlpatterns as view_patterns

app_name = "safeguarding"

urlpatterns = [*view_patterns]
