"""RAS URLs: the public estimate at /budget/estimate/, practitioners' assessments at
/budget/assessments/, and the commissioner pages at /commissioning/ras/."""

from .views import commissioning, practitioner, public

app_name = "ras"

urlpatterns = [
    *public.urlpatterns,
    *practitioner.urlpatterns,
    *commissioning.urlpatterns,
]
