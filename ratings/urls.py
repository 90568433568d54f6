"""Ratings URLs, mounted at the site root: /services/<slug>/reviews/... and /reviews/<id>/...
The moderators' screens are in the Wagtail admin (ratings/wagtail_hooks.py)."""

from ratings import views

app_name = "ratings"

urlpatterns = views.urlpatterns
